"""``BasePooling``: max or average pooling over sliding windows (1-D to 3-D)."""

from cornu import backend, ops
from cornu.layers.convolutional import arguments
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer


class BasePooling(Layer):
    """Reduces each ``pool_size`` window, moved by ``strides`` (default: ``pool_size``), to its
    maximum (``pool_mode="max"``) or mean (``"average"``; with ``padding="same"`` padded
    positions are not counted).

    Example:
    >>> layer = cornu.layers.MaxPooling2D(pool_size=2)
    >>> layer(np.ones((2, 6, 6, 3))).shape
    (2, 3, 3, 3)
    """

    def __init__(self, pool_size, strides, pool_dimensions, pool_mode="max", padding="valid", data_format=None,
                 name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        if pool_mode not in ("max", "average"):
            raise ValueError(f"`pool_mode` must be either 'max' or 'average'. Received: pool_mode={pool_mode!r}")
        self.pool_dimensions = pool_dimensions
        self.pool_size = arguments.standardize_tuple(pool_size, pool_dimensions, "pool_size")
        self.strides = arguments.standardize_tuple(pool_size if strides is None else strides, pool_dimensions,
                                                   "strides")
        self.pool_mode = pool_mode
        self.padding = arguments.standardize_padding(padding)
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self.built = True

    def call(self, inputs):
        # A window larger than the input would give an empty output: say so before pooling.
        self.compute_output_shape(inputs.shape)
        pool = ops.max_pool if self.pool_mode == "max" else ops.average_pool
        return pool(inputs, pool_size=self.pool_size, strides=self.strides, padding=self.padding,
                    data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        arguments.check_input_rank(self, input_shape, self.pool_dimensions)
        return arguments.pooling_output_shape(self, input_shape, self.pool_size, self.strides, self.padding,
                                              self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({
            "pool_size": self.pool_size,
            "padding": self.padding,
            "strides": self.strides,
            "data_format": self.data_format,
        })
        return config
