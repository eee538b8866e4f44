"""``UpSampling1D``: repeats each time step."""

from cornu import ops
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.saving.registry import keras_export


@keras_export("keras.layers.UpSampling1D")
class UpSampling1D(Layer):
    """Repeats each step of a ``(batch, steps, features)`` input ``size`` times.

    Example:
    >>> cornu.layers.UpSampling1D(size=2)(np.ones((1, 3, 4))).shape
    (1, 6, 4)
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(size, int) or isinstance(size, bool):
            raise TypeError(
                f"UpSampling1D: expected an integer value for `size`. Received: size={size!r} of type {type(size)}"
            )
        if size <= 0:
            raise ValueError(f"UpSampling1D: argument `size` should be a positive integer. Received: size={size}")
        self.size = size
        self.input_spec = InputSpec(ndim=3)
        self.built = True

    def call(self, inputs):
        return ops.repeat(inputs, self.size, axis=1)

    def compute_output_shape(self, input_shape):
        steps = input_shape[1] * self.size if input_shape[1] is not None else None
        return (input_shape[0], steps, input_shape[2])

    def get_config(self):
        config = super().get_config()
        config["size"] = self.size
        return config
