"""Initializers that produce fixed values: zeros, ones, a constant, the identity."""

from cornu import backend
from cornu import ops
from cornu.initializers.initializer import Initializer
from cornu.serialization.registry import keras_export


@keras_export("keras.initializers.Constant", "keras.initializers.constant")
class Constant(Initializer):
    """Fills the tensor with ``value``.

    Example:
    >>> cornu.initializers.Constant(3.0)((2, 2))  # [[3., 3.], [3., 3.]]
    """

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        dtype = backend.standardize_dtype(dtype)
        return ops.cast(self.value, dtype=dtype) * ops.ones(shape, dtype=dtype)

    def get_config(self):
        value = self.value
        if backend.is_tensor(value) or hasattr(value, "tolist"):
            value = ops.convert_to_numpy(value).tolist()
        return {"value": value}

    @classmethod
    def from_config(cls, config):
        value = config["value"]
        if isinstance(value, dict):
            from cornu.serialization.keras_objects import deserialize_keras_object

            value = deserialize_keras_object(value)
        return cls(value)


@keras_export("keras.initializers.Zeros", "keras.initializers.zeros")
class Zeros(Initializer):
    """Fills the tensor with 0.

    Example:
    >>> cornu.initializers.Zeros()((2,))  # [0., 0.]
    """

    def __call__(self, shape, dtype=None):
        return ops.zeros(shape, dtype=backend.standardize_dtype(dtype))


@keras_export("keras.initializers.Ones", "keras.initializers.ones")
class Ones(Initializer):
    """Fills the tensor with 1.

    Example:
    >>> cornu.initializers.Ones()((2,))  # [1., 1.]
    """

    def __call__(self, shape, dtype=None):
        return ops.ones(shape, dtype=backend.standardize_dtype(dtype))


@keras_export(
    "keras.initializers.Identity",
    "keras.initializers.identity",
    "keras.initializers.IdentityInitializer",
)
class Identity(Initializer):
    """``gain`` times the identity matrix (2D shapes only).

    Example:
    >>> cornu.initializers.Identity(gain=2.0)((2, 3))  # [[2, 0, 0], [0, 2, 0]]
    """

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(
                "The identity initializer only makes 2D matrices; use it for Dense kernels. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        dtype = backend.standardize_dtype(dtype)
        return ops.multiply(ops.cast(self.gain, dtype), ops.eye(shape[0], shape[1], dtype=dtype))

    def get_config(self):
        return {"gain": self.gain}
