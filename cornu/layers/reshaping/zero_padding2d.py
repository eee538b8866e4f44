"""``ZeroPadding2D``: pads the rows and columns of images with zeros."""

from cornu.layers.reshaping.base_zero_padding import BaseZeroPadding
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.ZeroPadding2D")
class ZeroPadding2D(BaseZeroPadding):
    """Adds rows and columns of zeros around images.

    ``padding`` is an int (the same everywhere), one int per axis (symmetric),
    or ``(before, after)`` pairs per axis.

    Example:
    >>> cornu.layers.ZeroPadding2D((1, 2))(np.ones((1, 2, 2, 3))).shape
    (1, 4, 6, 3)
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(2, padding, data_format, **kwargs)
