"""``LeakyReLU``: ``x`` for positive inputs, ``negative_slope * x`` otherwise."""

import numbers
import warnings

from cornu import activations
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.LeakyReLU")
class LeakyReLU(Layer):
    """Leaky rectified linear unit: a small slope instead of 0 for negative inputs.

    Example:
    >>> cornu.layers.LeakyReLU(negative_slope=0.5)(np.array([-2.0, 3.0]))  # [-1., 3.]
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("Argument `alpha` of LeakyReLU is deprecated. Use `negative_slope` instead.", stacklevel=2)
        super().__init__(**kwargs)
        if (negative_slope is None or isinstance(negative_slope, bool) or not isinstance(negative_slope, numbers.Real)
                or negative_slope < 0):
            raise ValueError(
                "The `negative_slope` of a LeakyReLU layer must be a non-negative float. "
                f"Received: negative_slope={negative_slope!r}"
            )
        self.negative_slope = negative_slope
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["negative_slope"] = self.negative_slope
        return config
