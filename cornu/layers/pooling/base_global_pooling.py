"""``BaseGlobalPooling``: reduces all spatial axes to one value per channel."""

from cornu import backend
from cornu.layers.convolutional import arguments
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer


class BaseGlobalPooling(Layer):
    """Reduces every spatial axis; ``keepdims=True`` keeps them with size 1.

    Subclasses implement ``call`` with the reduction (mean or max).

    Example:
    >>> cornu.layers.GlobalAveragePooling2D()(np.ones((2, 5, 5, 3))).shape
    (2, 3)
    """

    def __init__(self, pool_dimensions, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.pool_dimensions = pool_dimensions
        self.data_format = backend.standardize_data_format(data_format)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self.built = True

    def _spatial_axes(self):
        first = 1 if self.data_format == "channels_last" else 2
        return list(range(first, first + self.pool_dimensions))

    def compute_output_shape(self, input_shape):
        arguments.check_input_rank(self, input_shape, self.pool_dimensions)
        channels = input_shape[arguments.channel_axis(self.data_format)]
        spatial = (1,) * self.pool_dimensions if self.keepdims else ()
        return arguments.with_spatial_dims(input_shape, spatial, channels, self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config
