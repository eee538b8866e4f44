"""``RepeatVector``: repeats a 2D input along a new time axis."""

from cornu import ops
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.RepeatVector")
class RepeatVector(Layer):
    """Repeats a ``(batch, features)`` input ``n`` times: ``(batch, n, features)``.

    Example:
    >>> cornu.layers.RepeatVector(3)(np.ones((2, 4))).shape
    (2, 3, 4)
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(f"RepeatVector: expected an integer value for `n`. Received: n={n!r} of type {type(n)}")
        if n <= 0:
            raise ValueError(f"RepeatVector: argument `n` should be a positive integer. Received: n={n}")
        self.n = n
        self.input_spec = InputSpec(ndim=2)
        self.built = True

    def call(self, inputs):
        return ops.repeat(ops.expand_dims(inputs, 1), self.n, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        config = super().get_config()
        config["n"] = self.n
        return config
