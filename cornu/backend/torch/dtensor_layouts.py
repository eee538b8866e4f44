"""``ModelParallel`` on PyTorch: variables laid out by the ``LayoutMap`` as DTensors.

Under a ``ModelParallel`` distribution that spans several processes (``torchrun``), each
variable created in its scope becomes a ``torch.distributed.tensor.DTensor`` on a torch
``DeviceMesh`` of the same shape and axis names as the cornu mesh: a tensor dimension that the
layout names a mesh axis for is ``Shard``-ed over that axis, every other mesh axis holds it
``Replicate``-d. torch's own sharding propagation then runs each op on the pieces, with the
collectives it needs (gloo on CPU, NCCL on CUDA); nothing here is a hand-written collective.

Plain tensors met next to DTensors (inputs, constants) count as replicated, as unsharded arrays
do under ``jax.sharding``: the first distributed variable turns on torch's
``implicit_replication`` for the process.

Example (``torchrun --nproc_per_node 2 train.py``):
>>> mesh = cornu.distribution.DeviceMesh((1, 2), ("batch", "model"))
>>> layout_map = cornu.distribution.LayoutMap(mesh)
>>> layout_map["d1/kernel"] = (None, "model")
>>> with cornu.distribution.ModelParallel(layout_map=layout_map).scope():
...     model = make_model()      # d1's kernel: half of its columns on each process
"""

import numpy as np
import torch
from torch.distributed.tensor import DTensor, Replicate, Shard, distribute_tensor
from torch.distributed.tensor.experimental import implicit_replication

from cornu.backend.common.layout_checks import check_layout_fits
from cornu.backend.torch import distribution as engine

_IMPLICIT_REPLICATION = []  # the entered context, once per process


def splits_over_processes(distribution):
    """Whether ``distribution`` lays variables out over several processes (ModelParallel)."""
    return (distribution is not None and hasattr(distribution, "_layout_map") and engine.is_multi_process()
            and distribution.device_mesh.devices.size > 1)


def _enable_implicit_replication():
    if not _IMPLICIT_REPLICATION:
        context = implicit_replication()
        context.__enter__()
        _IMPLICIT_REPLICATION.append(context)


def place_variable(variable, value):
    """``value`` as a DTensor laid out as ``variable``'s layout under the current distribution
    (unchanged outside a multi-process ``ModelParallel``)."""
    distribution = engine.current_distribution()
    if not splits_over_processes(distribution) or not value.is_floating_point():
        return value
    if variable._layout is None:
        variable._layout = distribution.get_variable_layout(variable)
    layout = variable._layout
    check_layout_fits(layout, tuple(value.shape), f"variable '{variable.path}'")
    _enable_implicit_replication()
    mesh = engine.torch_mesh(layout.device_mesh)
    # Every process holds the same initial value (agreed seeds); each keeps its pieces.
    return distribute_tensor(value.detach().to(engine.collective_device()), mesh, engine.placements(layout, value.ndim))


def is_distributed(x):
    return isinstance(x, DTensor)


def assign_into(target, value):
    """Copies ``value`` (a plain or distributed tensor of the full shape) into the DTensor ``target``."""
    if not isinstance(value, DTensor):
        value = distribute_tensor(value.to(device=engine.collective_device(), dtype=target.dtype),
                                  target.device_mesh, target.placements)
    elif value.placements != target.placements:
        value = value.redistribute(target.device_mesh, target.placements)
    target.to_local().copy_(value.to_local())


def full(x):
    """The whole tensor a DTensor stands for, on every process (a collective); others unchanged."""
    return x.full_tensor() if isinstance(x, DTensor) else x


def _batch_placements(distribution):
    axis = distribution.device_mesh.axis_names.index(distribution.batch_dim_name)
    return axis, [Shard(0) if i == axis else Replicate() for i in range(len(distribution.device_mesh.shape))]


def _as_tensor(x):
    return x if isinstance(x, torch.Tensor) else torch.as_tensor(np.asarray(x))


def local_rows_as_batch(x, distribution, mesh):
    """``x``, this process's own rows of the global batch, as a DTensor split along the batch axis."""
    _, batch_placements = _batch_placements(distribution)
    return DTensor.from_local(_as_tensor(x), mesh, batch_placements, run_check=False)


def shard_batch(x, distribution, mesh):
    """This process's rows of a global batch ``x``, as a DTensor split along the batch axis."""
    axis, batch_placements = _batch_placements(distribution)
    parts = distribution.device_mesh.shape[axis]
    x = _as_tensor(x)
    if parts == 1:
        return DTensor.from_local(x, mesh, batch_placements, run_check=False)
    rows = x.shape[0]
    if rows % parts:
        raise ValueError(
            f"A batch of {rows} samples cannot be split evenly over the {parts} devices of the mesh axis "
            f"'{distribution.batch_dim_name}': use a batch size that is a multiple of {parts}. "
            f"Received: batch_size={rows}, mesh.shape={tuple(distribution.device_mesh.shape)}"
        )
    coordinate = mesh.get_coordinate()[axis]
    part = rows // parts
    return DTensor.from_local(x[coordinate * part:(coordinate + 1) * part], mesh, batch_placements, run_check=False)
