"""``MaxPooling1D``: max pooling over the time axis."""

from cornu.layers.pooling.base_pooling import BasePooling
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.MaxPooling1D", "keras.layers.MaxPool1D")
class MaxPooling1D(BasePooling):
    """Keeps the maximum of each pooling window.

    Inputs are ``(batch, steps, channels)`` (``channels_last``) or ``(batch, channels, steps)``
    (``channels_first``).

    Example:
    >>> layer = cornu.layers.MaxPooling1D()
    >>> layer(np.ones((2, 6, 3))).shape
    (2, 3, 3)
    """

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=1, pool_mode="max", padding=padding,
                         data_format=data_format, name=name, **kwargs)


MaxPool1D = MaxPooling1D
