"""The stand-in engine for ``cornu.distribution`` on a backend that has no distribution
engine (NumPy: inference on one CPU).

It knows one device and one process: a ``DataParallel`` over that device trains as without a
distribution, and anything that needs several devices or processes raises a clear error.

Example:
>>> list_devices()
['cpu:0']
"""

_NOT_YET = (
    "The {backend} backend has no multi-device engine (it runs inference on one CPU): use the jax or torch "
    "backend (CORNU_BACKEND=jax or torch) to train on several devices or processes. Received: {what}"
)


def _backend_name():
    from cornu.backend.config import backend

    return backend()


def list_devices(device_type=None):
    if device_type not in (None, "cpu", "CPU"):
        raise ValueError(f"Only the CPU is known to this backend here. Received: device_type={device_type!r}")
    return ["cpu:0"]


def get_device_count(device_type=None):
    return len(list_devices(device_type))


def initialize(job_addresses, num_processes, process_id):
    if num_processes in (None, 1):
        return
    raise NotImplementedError(_NOT_YET.format(backend=_backend_name(), what=f"num_processes={num_processes}"))


def num_processes():
    return 1


def process_id():
    return 0


def agree_on_seed(local_seed):
    return int(local_seed)


def to_backend_mesh(device_mesh):
    if device_mesh.devices.size > 1:
        raise NotImplementedError(
            _NOT_YET.format(backend=_backend_name(), what=f"device_mesh.shape={tuple(device_mesh.shape)}"))
    return device_mesh


def to_backend_layout(tensor_layout):
    return tensor_layout


def distribute_tensor(tensor, layout):
    mesh = getattr(layout, "device_mesh", None)
    if mesh is not None and mesh.devices.size > 1:
        raise NotImplementedError(_NOT_YET.format(backend=_backend_name(), what=f"layout={layout}"))
    return tensor
