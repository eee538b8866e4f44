"""``ZeroPadding1D``: pads the time axis with zeros."""

from cornu import backend, ops
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.layers.reshaping.size_arguments import int_tuple
from cornu.saving.registry import keras_export


@keras_export("keras.layers.ZeroPadding1D")
class ZeroPadding1D(Layer):
    """Adds zeros before and after the time axis of a 3D input.

    ``padding`` is an int (the same on both sides) or ``(before, after)``.

    Example:
    >>> cornu.layers.ZeroPadding1D(1)(np.ones((1, 3, 2))).shape
    (1, 5, 2)
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = backend.standardize_data_format(data_format)
        self.padding = int_tuple(padding, 2, "padding", "ZeroPadding1D", allow_zero=True)
        self.input_spec = InputSpec(ndim=3)
        self.built = True

    def _spatial_pairs(self):
        return (self.padding,)

    def call(self, inputs):
        no_pad = ((0, 0),)
        if self.data_format == "channels_first":
            pad_width = no_pad + no_pad + self._spatial_pairs()
        else:
            pad_width = no_pad + self._spatial_pairs() + no_pad
        return ops.pad(inputs, pad_width)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        first_spatial = 2 if self.data_format == "channels_first" else 1
        for i, (before, after) in enumerate(self._spatial_pairs()):
            axis = first_spatial + i
            if shape[axis] is not None:
                shape[axis] += before + after
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"padding": self.padding, "data_format": self.data_format})
        return config
