"""``AveragePooling1D``: average pooling over the time axis."""

from cornu.layers.pooling.base_pooling import BasePooling
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.AveragePooling1D", "keras.layers.AvgPool1D")
class AveragePooling1D(BasePooling):
    """Keeps the mean of each pooling window (padded positions are not counted).

    Inputs are ``(batch, steps, channels)`` (``channels_last``) or ``(batch, channels, steps)``
    (``channels_first``).

    Example:
    >>> layer = cornu.layers.AveragePooling1D(pool_size=2)
    >>> layer(np.ones((2, 6, 3))).shape
    (2, 3, 3)
    """

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=1, pool_mode="average", padding=padding,
                         data_format=data_format, name=name, **kwargs)


AvgPool1D = AveragePooling1D
