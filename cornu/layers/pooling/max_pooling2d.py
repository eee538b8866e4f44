"""``MaxPooling2D``: max pooling over height and width."""

from cornu.layers.pooling.base_pooling import BasePooling
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.MaxPooling2D", "keras.layers.MaxPool2D")
class MaxPooling2D(BasePooling):
    """Keeps the maximum of each pooling window.

    Inputs are ``(batch, rows, cols, channels)`` (``channels_last``) or ``(batch, channels, rows, cols)``
    (``channels_first``).

    Example:
    >>> layer = cornu.layers.MaxPooling2D()
    >>> layer(np.ones((2, 6, 6, 3))).shape
    (2, 3, 3, 3)
    """

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=2, pool_mode="max", padding=padding,
                         data_format=data_format, name=name, **kwargs)


MaxPool2D = MaxPooling2D
