"""``ReLU``: the rectified linear unit as a layer, optionally leaky, capped and shifted."""

import numbers

from cornu import activations
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export


def _check_non_negative(value, name, allow_none=False):
    if value is None and allow_none:
        return
    if value is None or isinstance(value, bool) or not isinstance(value, numbers.Real) or value < 0:
        raise ValueError(
            f"`{name}` of a ReLU layer must be a non-negative number{' or None' if allow_none else ''}. "
            f"Received: {name}={value!r}"
        )


@keras_export("keras.layers.ReLU")
class ReLU(Layer):
    """``max_value`` caps the output; values below ``threshold`` become
    ``negative_slope * (x - threshold)``; the rest pass through.

    Example:
    >>> cornu.layers.ReLU(max_value=6.0, negative_slope=0.1)(np.array([-2.0, 3.0, 9.0]))  # [-0.2, 3., 6.]
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        _check_non_negative(max_value, "max_value", allow_none=True)
        _check_non_negative(negative_slope, "negative_slope")
        _check_non_negative(threshold, "threshold")
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"max_value": self.max_value, "negative_slope": self.negative_slope, "threshold": self.threshold})
        return config
