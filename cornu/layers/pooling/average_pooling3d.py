"""``AveragePooling3D``: average pooling over three spatial axes."""

from cornu.layers.pooling.base_pooling import BasePooling
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.AveragePooling3D", "keras.layers.AvgPool3D")
class AveragePooling3D(BasePooling):
    """Keeps the mean of each pooling window (padded positions are not counted).

    Inputs are ``(batch, d1, d2, d3, channels)`` (``channels_last``) or ``(batch, channels, d1, d2, d3)``
    (``channels_first``).

    Example:
    >>> layer = cornu.layers.AveragePooling3D(pool_size=2)
    >>> layer(np.ones((1, 4, 4, 4, 2))).shape
    (1, 2, 2, 2, 2)
    """

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=3, pool_mode="average", padding=padding,
                         data_format=data_format, name=name, **kwargs)


AvgPool3D = AveragePooling3D
