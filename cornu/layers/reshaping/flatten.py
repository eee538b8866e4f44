"""``Flatten``: collapses every axis but the batch axis."""

import math

from cornu import backend, ops
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Flatten")
class Flatten(Layer):
    """Flattens the input to shape ``(batch, -1)``.

    Example:
    >>> cornu.layers.Flatten()(np.ones((2, 3, 4))).shape
    (2, 12)
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)
        self.built = True

    def call(self, inputs):
        if self.data_format == "channels_first" and len(inputs.shape) > 2:
            inputs = ops.transpose(inputs, (0,) + tuple(range(2, len(inputs.shape))) + (1,))
        rest = inputs.shape[1:]
        size = math.prod(rest) if all(d is not None for d in rest) else -1
        return ops.reshape(inputs, (inputs.shape[0] if inputs.shape[0] is not None else -1, size))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        size = math.prod(rest) if all(d is not None for d in rest) else None
        return (input_shape[0], size)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
