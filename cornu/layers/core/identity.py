"""``Identity``: returns its input unchanged."""

from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Identity")
class Identity(Layer):
    """A placeholder layer that returns its input.

    Example:
    >>> cornu.layers.Identity()(np.ones(3))
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape
