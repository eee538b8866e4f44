"""``SpatialDropout1D/2D/3D``: dropout that drops whole feature maps (channels)."""

from cornu import backend, ops, random
from cornu.layers.input_spec import InputSpec
from cornu.layers.regularization.dropout import Dropout
from cornu.serialization.registry import keras_export


class BaseSpatialDropout(Dropout):
    """Dropout whose noise is shared over the spatial axes: a channel of one
    example is either kept whole (scaled by ``1 / (1 - rate)``) or zeroed whole."""

    def __init__(self, rate, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)

    def _noise_shape(self, inputs):
        raise NotImplementedError

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            if self.rate >= 1:
                return ops.zeros_like(inputs)
            return random.dropout(inputs, self.rate, noise_shape=self._noise_shape(inputs), seed=self.seed_generator)
        return inputs

    def get_config(self):
        # As in Keras: only these keys, and `dtype` is the variable dtype's name.
        return {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype}


def _channel_noise_shape(shape, data_format):
    """``(batch, 1, ..., 1, channels)`` (or channels first) for an input of ``shape``."""
    spatial = (1,) * (len(shape) - 2)
    if data_format == "channels_first":
        return (shape[0], shape[1]) + spatial
    return (shape[0],) + spatial + (shape[-1],)


@keras_export("keras.layers.SpatialDropout1D")
class SpatialDropout1D(BaseSpatialDropout):
    """Drops whole channels of a ``(batch, steps, channels)`` input during training.

    Example:
    >>> layer = cornu.layers.SpatialDropout1D(0.5, seed=1)
    >>> y = layer(np.ones((2, 5, 3)), training=True)  # each (example, channel) column is all 0 or all 2
    """

    def __init__(self, rate, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.input_spec = InputSpec(ndim=3)

    def _noise_shape(self, inputs):
        return _channel_noise_shape(tuple(ops.shape(inputs)), "channels_last")


@keras_export("keras.layers.SpatialDropout2D")
class SpatialDropout2D(BaseSpatialDropout):
    """Drops whole feature maps of a 4D input during training.

    Example:
    >>> layer = cornu.layers.SpatialDropout2D(0.5, data_format="channels_first", seed=1)
    >>> y = layer(np.ones((2, 3, 4, 4)), training=True)
    """

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=4)

    def _noise_shape(self, inputs):
        return _channel_noise_shape(tuple(ops.shape(inputs)), self.data_format)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


@keras_export("keras.layers.SpatialDropout3D")
class SpatialDropout3D(BaseSpatialDropout):
    """Drops whole feature volumes of a 5D input during training.

    Example:
    >>> layer = cornu.layers.SpatialDropout3D(0.5, seed=1)
    >>> y = layer(np.ones((2, 3, 3, 3, 4)), training=True)
    """

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=5)

    def _noise_shape(self, inputs):
        return _channel_noise_shape(tuple(ops.shape(inputs)), self.data_format)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
