"""``UnitNormalization``: scales each example to unit L2 norm."""

from cornu import backend, ops
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export

# The smallest norm divided by; zero vectors stay zero.
_NORM_EPSILON = 1e-12


@keras_export("keras.layers.UnitNormalization")
class UnitNormalization(Layer):
    """Divides the input by its L2 norm over ``axis`` (an int or a list of
    ints; over several axes the norm is the root of the sum of all squares).

    Example:
    >>> cornu.layers.UnitNormalization()(np.array([[3.0, 4.0]]))  # [[0.6, 0.8]]
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)) and all(isinstance(a, int) and not isinstance(a, bool) for a in axis):
            self.axis = list(axis)
        elif isinstance(axis, int) and not isinstance(axis, bool):
            self.axis = axis
        else:
            raise TypeError(
                "Invalid value for `axis` argument of UnitNormalization: expected an int or a list/tuple of ints. "
                f"Received: axis={axis!r}"
            )
        self.supports_masking = True
        self.built = True

    def _axes(self):
        return tuple(self.axis) if isinstance(self.axis, list) else self.axis

    def call(self, inputs):
        x = inputs if backend.is_float_dtype(inputs.dtype) else ops.cast(inputs, self.compute_dtype)
        square_sum = ops.sum(ops.square(x), axis=self._axes(), keepdims=True)
        # x * rsqrt(sum of squares), with the scale capped for (near-)zero vectors.
        inverse_norm = ops.minimum(ops.rsqrt(square_sum), 1.0 / _NORM_EPSILON)
        return x * inverse_norm

    def compute_output_shape(self, input_shape):
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        for axis in axes:
            if not -len(input_shape) <= axis < len(input_shape):
                raise ValueError(
                    f"Axis {self.axis} of UnitNormalization layer '{self.name}' is out of bounds for input shape "
                    f"{tuple(input_shape)}."
                )
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
