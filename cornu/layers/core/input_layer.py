"""``InputLayer`` and ``Input``: the entry points of a Functional model."""

from cornu import backend
from cornu.backend.common.dtypes import ALLOWED_DTYPES
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.layers.layer import Layer
from cornu.ops.node import Node
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.InputLayer")
class InputLayer(Layer):
    """A placeholder layer that produces the symbolic input of a model.

    Example:
    >>> layer = cornu.layers.InputLayer(shape=(4,))
    >>> layer.output.shape
    (None, 4)
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, ragged=None, batch_shape=None,
                 input_tensor=None, optional=False, name=None, **kwargs):
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        super().__init__(name=name, **kwargs)
        if shape is not None and batch_shape is not None:
            raise ValueError(
                "You cannot pass both `shape` and `batch_shape` at the same time. "
                f"Received: shape={shape}, batch_shape={batch_shape}"
            )
        if shape is None and batch_shape is None and input_tensor is None:
            raise ValueError("You must pass a `shape` argument, e.g. `Input(shape=(32,))`. Received: shape=None")
        if shape is not None:
            if not hasattr(shape, "__iter__"):  # Keras refuses `shape=10` too: a shape is a tuple
                raise ValueError(f"Cannot convert '{shape}' to a shape. Pass a tuple such as `shape=({shape},)`. "
                                 f"Received: shape={shape!r}")
            batch_shape = (batch_size,) + tuple(shape)
        if input_tensor is not None:
            if not isinstance(input_tensor, KerasTensor):
                raise ValueError(f"Argument `input_tensor` must be a KerasTensor. Received: input_tensor={input_tensor!r}")
            batch_shape = batch_shape or input_tensor.shape
        self._batch_shape = backend.standardize_shape(batch_shape)
        self._dtype = backend.standardize_dtype(_keras_dtype_name(dtype))
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.optional = optional
        self.built = True
        if input_tensor is None:
            input_tensor = KerasTensor(self._batch_shape, dtype=self._dtype, sparse=self.sparse, name=self.name)
        Node(self, (), {}, input_tensor)
        self._input_tensor = input_tensor

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def dtype(self):
        return self._dtype

    def call(self):
        return None

    def get_config(self):
        return {
            "batch_shape": list(self._batch_shape),
            "dtype": self._dtype,
            "sparse": self.sparse,
            "ragged": self.ragged,
            "name": self.name,
            "optional": self.optional,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name")
        return cls(**config)


def _keras_dtype_name(dtype):
    """``dtype``, refusing the string aliases Keras refuses ("float", "double", ...), so a model that
    builds on cornu also builds on Keras."""
    if isinstance(dtype, str) and dtype != "int" and dtype not in ALLOWED_DTYPES:
        raise ValueError(f"Invalid dtype: {dtype}. Use a full name such as 'float32' or 'int64' "
                         f"(one of {ALLOWED_DTYPES}). Received: dtype={dtype!r}")
    return dtype


@keras_export("keras.Input", "keras.layers.Input")
def Input(shape=None, batch_size=None, dtype=None, sparse=None, ragged=None, batch_shape=None, name=None,
          tensor=None, optional=False):
    """Creates a symbolic input for a Functional model.

    Example:
    >>> x = cornu.Input(shape=(784,))
    >>> y = cornu.layers.Dense(10)(x)
    >>> model = cornu.Model(x, y)
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse, ragged=ragged,
                       batch_shape=batch_shape, name=name, input_tensor=tensor, optional=optional)
    return layer.output
