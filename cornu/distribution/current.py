"""The distribution in force (``distribution()``, ``set_distribution``) and
``distribute_tensor``."""

from cornu import backend
from cornu.backend.common import global_state
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.serialization.registry import keras_export

# The backend engine reads the same global attribute (``cornu/backend/jax/distribution.py``).
GLOBAL_ATTRIBUTE = "distribution"


@keras_export("keras.distribution.distribution")
def distribution():
    """The distribution set by ``set_distribution`` or an open ``distribution.scope()``, or None.

    Example:
    >>> with cornu.distribution.DataParallel().scope():
    ...     cornu.distribution.distribution()
    <DataParallel device_mesh=<DeviceMesh shape=(8,), axis_names=['batch']>>
    """
    return global_state.get_global_attribute(GLOBAL_ATTRIBUTE)


@keras_export("keras.distribution.set_distribution")
def set_distribution(value):
    """Makes ``value`` (a ``DataParallel``, ``ModelParallel``, or None) the distribution in
    force: variables created from now on are laid out by it, and ``fit``/``evaluate``/
    ``predict`` split their batches over its mesh.

    Example:
    >>> cornu.distribution.set_distribution(cornu.distribution.DataParallel())
    """
    global_state.set_global_attribute(GLOBAL_ATTRIBUTE, value)


@keras_export("keras.distribution.distribute_tensor")
def distribute_tensor(tensor, layout):
    """``tensor`` laid out as ``layout`` (a ``TensorLayout``, or the backend's own sharding):
    moved now, or, inside a compiled function, constrained to that layout.

    Example:
    >>> x = cornu.distribution.distribute_tensor(np.ones((8, 4)), TensorLayout(("batch", None), mesh))
    """
    if isinstance(tensor, KerasTensor):
        return tensor  # symbolic: a functional graph has no placement
    return backend.distribution_lib().distribute_tensor(tensor, layout)
