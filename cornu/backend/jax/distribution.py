"""The JAX engine behind ``cornu.distribution``: devices, ``jax.distributed`` start-up,
meshes and layouts as ``jax.sharding.Mesh`` / ``NamedSharding``, and where variable values
live. The backend-free API (``cornu/distribution/``) calls these functions through
``cornu.backend.distribution_lib()``; the step runner's part is ``distribution_steps.py``.

A distribution reaches this module only as the object stored under the global attribute
``"distribution"`` (duck-typed: ``get_variable_layout``, ``get_data_layout``,
``device_mesh``, ``batch_dim_name``, ``auto_shard_dataset``), so the backend imports nothing
above it.

Example:
>>> list_devices("cpu")
['cpu:0', 'cpu:1', ...]
"""

import jax
import numpy as np

from cornu.backend.common import global_state
from cornu.backend.common.layout_checks import check_layout_fits  # noqa: F401 (part of this module's API)

GLOBAL_ATTRIBUTE = "distribution"


def current_distribution():
    """The distribution set by ``set_distribution`` or ``with distribution.scope():``, or None."""
    return global_state.get_global_attribute(GLOBAL_ATTRIBUTE)


# ------------------------------------------------------------------ devices and processes
def list_devices(device_type=None):
    """Every device of one kind in the whole cluster, as ``"platform:id"`` strings."""
    devices = jax.devices(device_type.lower()) if device_type else jax.devices()
    return [f"{device.platform}:{device.id}" for device in devices]


def get_device_count(device_type=None):
    return jax.device_count(device_type.lower() if device_type else None)


def initialize(job_addresses, num_processes, process_id):
    """Joins the cluster through ``jax.distributed.initialize``; process 0's address is the
    coordinator (a comma-separated list may name every process: its first entry is used)."""
    coordinator = job_addresses
    if job_addresses and "," in job_addresses:
        addresses = [a.strip() for a in job_addresses.split(",")]
        if num_processes is not None and num_processes != len(addresses):
            raise ValueError(
                f"`job_addresses` names {len(addresses)} processes but `num_processes` is {num_processes}: "
                "give one address per process, or only the coordinator's (process 0). "
                f"Received: job_addresses={job_addresses!r}, num_processes={num_processes}"
            )
        coordinator = addresses[0]
    jax.distributed.initialize(coordinator_address=coordinator, num_processes=num_processes, process_id=process_id)


def num_processes():
    return jax.process_count()


def process_id():
    return jax.process_index()


def agree_on_seed(local_seed):
    """Process 0's ``local_seed`` on every process (so random initial weights agree)."""
    if jax.process_count() == 1:
        return int(local_seed)
    from jax.experimental import multihost_utils

    return int(multihost_utils.broadcast_one_to_all(np.asarray(local_seed, dtype=np.uint32)))


# ------------------------------------------------------------------ meshes and layouts
def _to_device(name):
    if isinstance(name, jax.Device):
        return name
    kind, _, index = str(name).partition(":")
    index = int(index or 0)
    for device in jax.devices(kind):
        if device.id == index:
            return device
    raise ValueError(
        f"No {kind} device with id {index}: use the names `keras.distribution.list_devices()` returns. "
        f"Received: device={name!r}"
    )


def to_backend_mesh(device_mesh):
    """A ``DeviceMesh`` as a ``jax.sharding.Mesh``."""
    devices = np.array([_to_device(d) for d in np.ravel(device_mesh.devices)], dtype=object)
    return jax.sharding.Mesh(devices.reshape(device_mesh.devices.shape), tuple(device_mesh.axis_names))


def to_backend_layout(tensor_layout):
    """A ``TensorLayout`` as a ``jax.sharding.NamedSharding``."""
    if tensor_layout.device_mesh is None:
        raise ValueError(
            "This TensorLayout has no device mesh, so it cannot place a tensor: create it with "
            "`TensorLayout(axes, device_mesh)` or add it to a `LayoutMap(device_mesh)`. "
            f"Received: layout={tensor_layout}"
        )
    spec = jax.sharding.PartitionSpec(*tensor_layout.axes)
    return jax.sharding.NamedSharding(tensor_layout.device_mesh.backend_mesh, spec)


def to_sharding(layout):
    """A ``TensorLayout`` or a ready ``jax.sharding.Sharding`` as a sharding."""
    if isinstance(layout, jax.sharding.Sharding):
        return layout
    return layout.backend_layout


def put(value, sharding):
    """``value`` (a local or global array) laid out as ``sharding``, across processes too."""
    if isinstance(value, jax.core.Tracer):  # inside a traced function: a constraint, not a transfer
        return jax.lax.with_sharding_constraint(value, sharding)
    if isinstance(value, jax.Array) and value.sharding == sharding:
        return value  # (an equivalent but different sharding would make a jitted step compile again)
    if sharding.is_fully_addressable or (isinstance(value, jax.Array) and not value.is_fully_addressable):
        return jax.device_put(value, sharding)
    # A sharding that spans processes: every process holds the same host value (agreed seeds)
    # and hands over the pieces its own devices keep.
    host = np.asarray(value)
    return jax.make_array_from_callback(host.shape, sharding, lambda index: host[index])


def distribute_tensor(tensor, layout):
    """``tensor`` laid out as ``layout``: a sharding constraint inside a traced function, a
    transfer outside."""
    sharding = to_sharding(layout)
    if not isinstance(tensor, (jax.Array, jax.core.Tracer)):
        tensor = np.asarray(tensor)
    return put(tensor, sharding)


# ------------------------------------------------------------------ variables
def variable_layout(variable, distribution=None):
    """The layout ``variable`` lives in: its own, else the distribution's for it (recorded)."""
    if variable._layout is None:
        distribution = distribution if distribution is not None else current_distribution()
        if distribution is None:
            return None
        variable._layout = distribution.get_variable_layout(variable)
    return variable._layout


def place_variable(variable, value):
    """``value`` for ``variable``, laid out as the variable's layout (unchanged without one)."""
    layout = variable_layout(variable)
    if layout is None:
        return value
    check_layout_fits(layout, variable.shape, f"variable '{variable.path}'")
    return put(value, to_sharding(layout))


def gather_to_host(x):
    """A NumPy copy of ``x``, also when parts of it live on other processes' devices (every
    process must call it: it is a collective then)."""
    if isinstance(x, jax.Array) and not x.is_fully_addressable and not x.is_fully_replicated:
        from jax.experimental import multihost_utils

        return np.asarray(multihost_utils.process_allgather(x, tiled=True))
    return np.asarray(x)


def value_spans_processes(value):
    """Whether ``value`` has pieces on other processes' devices (so gathering it is a collective)."""
    return isinstance(value, jax.Array) and not value.is_fully_addressable and not value.is_fully_replicated


def barrier():
    """Waits for every process (e.g. while process 0 writes a file); a no-op on one process."""
    if jax.process_count() > 1:
        from jax.experimental import multihost_utils

        multihost_utils.sync_global_devices("cornu.barrier")
