"""The PyTorch engine behind ``cornu.distribution``: one device per process, processes joined
by ``torch.distributed`` (gloo on CPU, NCCL on CUDA), usually started by ``torchrun``.

The backend-free API (``cornu/distribution/``) calls these functions through
``cornu.backend.distribution_lib()``; how a step trains under ``DataParallel``
(``DistributedDataParallel``) is ``distribution_steps.py``.

Devices: every process drives one device, so the cluster's devices are one per rank
(``cpu:0``, ``cpu:1``, ... or ``cuda:0``, ``cuda:1``, ...). Before ``initialize`` (or outside
``torchrun``) the list is this process's own: ``cpu:0``, or every local GPU.

Example (``torchrun --nproc_per_node 2 train.py``):
>>> cornu.distribution.initialize()   # reads RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT
>>> list_devices()
['cpu:0', 'cpu:1']
"""

import datetime
import os

import torch
import torch.distributed as dist

from cornu.backend.common import global_state
from cornu.backend.torch.dtensor_flag import HAS_DTENSORS

GLOBAL_ATTRIBUTE = "distribution"

_NOT_BUILT = (
    "{what} is not supported by `DataParallel` on torch, which keeps every variable whole on every process "
    "(DistributedDataParallel): use `ModelParallel` with a `LayoutMap` to split variables (DTensors, one "
    "process per device). Received: {received}"
)


def current_distribution():
    """The distribution set by ``set_distribution`` or ``with distribution.scope():``, or None."""
    return global_state.get_global_attribute(GLOBAL_ATTRIBUTE)


def not_built_error(what, received):
    return NotImplementedError(_NOT_BUILT.format(what=what, received=received))


# ------------------------------------------------------------------ devices and processes
def _device_kind(device_type):
    if device_type is None:
        return "cuda" if torch.cuda.is_available() else "cpu"
    kind = str(device_type).lower()
    if kind in ("gpu", "cuda"):
        return "cuda"
    if kind == "cpu":
        return "cpu"
    raise ValueError(
        f"The torch backend knows the device types 'cpu' and 'gpu' (CUDA). Received: device_type={device_type!r}"
    )


def is_multi_process():
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def list_devices(device_type=None):
    """The cluster's devices of one kind as ``"type:index"`` strings: one per process once the
    processes are joined, else this process's own (``cpu:0``, or every local GPU)."""
    kind = _device_kind(device_type)
    if dist.is_available() and dist.is_initialized():
        return [f"{kind}:{rank}" for rank in range(dist.get_world_size())]
    if kind == "cuda":
        return [f"cuda:{index}" for index in range(torch.cuda.device_count())]
    return ["cpu:0"]


def get_device_count(device_type=None):
    return len(list_devices(device_type))


def _coordinator(job_addresses, num_processes):
    """``(host, port)`` of process 0 from ``"host:port"`` or a comma-separated list (first entry)."""
    addresses = [a.strip() for a in str(job_addresses).split(",") if a.strip()]
    if num_processes is not None and len(addresses) > 1 and len(addresses) != num_processes:
        raise ValueError(
            f"`job_addresses` names {len(addresses)} processes but `num_processes` is {num_processes}: give one "
            "address per process, or only the coordinator's (process 0). "
            f"Received: job_addresses={job_addresses!r}, num_processes={num_processes}"
        )
    host, _, port = addresses[0].rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(
            "`job_addresses` must be 'host:port' of process 0 (the coordinator), e.g. '10.0.0.1:29500'. "
            f"Received: job_addresses={job_addresses!r}"
        )
    return host, port


def _env_int(name):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else None


def initialize(job_addresses, num_processes, process_id):
    """Joins the process group (``torch.distributed.init_process_group``): gloo on CPU, NCCL
    on CUDA. Arguments left as None come from torchrun's variables (``RANK``, ``WORLD_SIZE``,
    ``MASTER_ADDR``, ``MASTER_PORT``); one process (nothing given, no torchrun) is a no-op.

    Example:
    >>> initialize("127.0.0.1:29500", num_processes=2, process_id=0)
    """
    if dist.is_initialized():
        return
    num_processes = num_processes if num_processes is not None else _env_int("WORLD_SIZE")
    process_id = process_id if process_id is not None else _env_int("RANK")
    if num_processes in (None, 1):
        return
    if process_id is None:
        raise ValueError(
            "`process_id` is needed to join several processes: pass it, or start the processes with torchrun "
            f"(which sets RANK). Received: process_id=None, num_processes={num_processes}"
        )
    if job_addresses:
        host, port = _coordinator(job_addresses, num_processes)
        os.environ["MASTER_ADDR"], os.environ["MASTER_PORT"] = host, port
    missing = [name for name in ("MASTER_ADDR", "MASTER_PORT") if not os.environ.get(name)]
    if missing:
        raise ValueError(
            "The address of process 0 is unknown: pass `job_addresses='host:port'` (or set "
            "KERAS_DISTRIBUTION_JOB_ADDRESSES), or start the processes with torchrun. "
            f"Received: job_addresses={job_addresses!r}, missing environment variables {missing}"
        )
    use_cuda = torch.cuda.is_available()
    if use_cuda:
        local_rank = _env_int("LOCAL_RANK")
        torch.cuda.set_device(local_rank if local_rank is not None else process_id % torch.cuda.device_count())
    dist.init_process_group(backend="nccl" if use_cuda else "gloo", init_method="env://",
                            world_size=num_processes, rank=process_id, timeout=datetime.timedelta(minutes=10))


def num_processes():
    return dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1


def process_id():
    return dist.get_rank() if dist.is_available() and dist.is_initialized() else 0


def collective_device():
    """Where tensors must live for the process group's collectives (CUDA under NCCL)."""
    return torch.device("cuda", torch.cuda.current_device()) if dist.get_backend() == "nccl" else torch.device("cpu")


def agree_on_seed(local_seed):
    """Process 0's ``local_seed`` on every process (so random initial weights agree)."""
    if not is_multi_process():
        return int(local_seed)
    seed = torch.tensor([int(local_seed)], dtype=torch.int64, device=collective_device())
    dist.broadcast(seed, src=0)
    return int(seed.item())


def barrier():
    """Waits for every process (e.g. while process 0 writes a file); a no-op on one process."""
    if is_multi_process():
        dist.barrier()


# ------------------------------------------------------------------ meshes and layouts
def _is_replicated(layout):
    axes = getattr(layout, "axes", None)
    return axes is None or all(axis is None for axis in axes)


def check_mesh(device_mesh):
    """Raises unless ``device_mesh`` has one device per process (what DDP runs on)."""
    size = device_mesh.devices.size
    if size not in (1, num_processes()):
        raise ValueError(
            f"On torch every process drives one device, so a mesh must have 1 device or one per process "
            f"({num_processes()} processes here): start one process per device, e.g. "
            f"`torchrun --nproc_per_node {size} train.py`, and call `keras.distribution.initialize()` first. "
            f"Received: device_mesh.shape={tuple(device_mesh.shape)}, num_processes={num_processes()}"
        )


def to_backend_mesh(device_mesh):
    """The mesh as the engine uses it (itself: DDP needs no torch DeviceMesh)."""
    check_mesh(device_mesh)
    return device_mesh


def to_backend_layout(tensor_layout):
    """The layout itself: ``dtensor_layouts.placements`` turns it into DTensor placements."""
    return tensor_layout


def distribute_tensor(tensor, layout):
    """``tensor`` as this process holds it under ``layout``: a replicated layout keeps it whole
    (every process holds the same value); a split one makes a DTensor over the processes."""
    mesh = getattr(layout, "device_mesh", None)
    if mesh is None or mesh.devices.size == 1 or _is_replicated(layout):
        return tensor
    if not is_multi_process():
        raise ValueError(
            "A layout that splits a tensor over several devices needs one process per device on torch: start "
            f"them with `torchrun --nproc_per_node {mesh.devices.size}` and call `keras.distribution.initialize()`. "
            f"Received: layout={layout}"
        )
    from torch.distributed.tensor import distribute_tensor as torch_distribute

    HAS_DTENSORS[0] = True  # conversions to NumPy now look for DTensors
    tensor = tensor if isinstance(tensor, torch.Tensor) else torch.as_tensor(tensor)
    return torch_distribute(tensor.to(collective_device()), torch_mesh(mesh), placements(layout, tensor.ndim))


_TORCH_MESHES = {}  # (shape, axis names, device kind) -> torch DeviceMesh


def torch_mesh(device_mesh):
    """The torch ``DeviceMesh`` of a cornu ``DeviceMesh`` (made once per shape and names)."""
    from torch.distributed.device_mesh import init_device_mesh

    check_mesh(device_mesh)
    kind = collective_device().type
    key = (tuple(device_mesh.shape), tuple(device_mesh.axis_names), kind)
    mesh = _TORCH_MESHES.get(key)
    if mesh is None:
        mesh = _TORCH_MESHES[key] = init_device_mesh(kind, tuple(device_mesh.shape),
                                                     mesh_dim_names=tuple(device_mesh.axis_names))
    return mesh


def placements(layout, rank):
    """DTensor placements of ``layout``, one per mesh axis: ``Shard(d)`` for the tensor dim ``d``
    the layout puts on that axis, else ``Replicate()``."""
    from torch.distributed.tensor import Replicate, Shard

    axes = list(getattr(layout, "axes", None) or [None] * rank)
    result = []
    for mesh_axis in layout.device_mesh.axis_names:
        dims = [d for d, axis in enumerate(axes)
                if axis == mesh_axis or (isinstance(axis, (tuple, list)) and mesh_axis in axis)]
        result.append(Shard(dims[0]) if dims else Replicate())
    return result


def value_spans_processes(value):
    """Whether ``value`` is a DTensor split over several processes (ModelParallel)."""
    if type(value).__name__ != "DTensor":
        return False
    return any(not placement.is_replicate() for placement in value.placements) and value.device_mesh.size() > 1
