"""``AveragePooling2D``: average pooling over height and width."""

from cornu.layers.pooling.base_pooling import BasePooling
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.AveragePooling2D", "keras.layers.AvgPool2D")
class AveragePooling2D(BasePooling):
    """Keeps the mean of each pooling window (padded positions are not counted).

    Inputs are ``(batch, rows, cols, channels)`` (``channels_last``) or ``(batch, channels, rows, cols)``
    (``channels_first``).

    Example:
    >>> layer = cornu.layers.AveragePooling2D(pool_size=2)
    >>> layer(np.ones((2, 6, 6, 3))).shape
    (2, 3, 3, 3)
    """

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=2, pool_mode="average", padding=padding,
                         data_format=data_format, name=name, **kwargs)


AvgPool2D = AveragePooling2D
