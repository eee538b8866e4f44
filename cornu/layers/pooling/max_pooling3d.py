"""``MaxPooling3D``: max pooling over three spatial axes."""

from cornu.layers.pooling.base_pooling import BasePooling
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.MaxPooling3D", "keras.layers.MaxPool3D")
class MaxPooling3D(BasePooling):
    """Keeps the maximum of each pooling window.

    Inputs are ``(batch, d1, d2, d3, channels)`` (``channels_last``) or ``(batch, channels, d1, d2, d3)``
    (``channels_first``).

    Example:
    >>> layer = cornu.layers.MaxPooling3D()
    >>> layer(np.ones((1, 4, 4, 4, 2))).shape
    (1, 2, 2, 2, 2)
    """

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=3, pool_mode="max", padding=padding,
                         data_format=data_format, name=name, **kwargs)


MaxPool3D = MaxPooling3D
