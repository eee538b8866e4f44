"""``ZeroPadding2D``: pads the spatial axes with zeros."""

from cornu import backend, ops
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.layers.reshaping.size_arguments import int_pairs
from cornu.saving.registry import keras_export


@keras_export("keras.layers.ZeroPadding2D")
class ZeroPadding2D(Layer):
    """Adds rows of zeros before and after each spatial axis.

    ``padding`` is an int (the same everywhere), one int per axis (symmetric),
    or ``(before, after)`` pairs per axis.

    Example:
    >>> cornu.layers.ZeroPadding2D((1, 2))(np.ones((1, 2, 2, 3))).shape
    (1, 4, 6, 3)
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = backend.standardize_data_format(data_format)
        self.padding = int_pairs(padding, 2, "padding", "ZeroPadding2D")
        self.input_spec = InputSpec(ndim=4)
        self.built = True

    def _spatial_pairs(self):
        return self.padding

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
