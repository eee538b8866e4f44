"""``ZeroPadding1D``: pads the time axis with zeros."""

from cornu.layers.reshaping.base_zero_padding import BaseZeroPadding
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.ZeroPadding1D")
class ZeroPadding1D(BaseZeroPadding):
    """Adds zeros before and after the time axis of a 3D input.

    ``padding`` is an int (the same on both sides) or ``(before, after)``.

    Example:
    >>> cornu.layers.ZeroPadding1D(1)(np.ones((1, 3, 2))).shape
    (1, 5, 2)
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(1, padding, data_format, **kwargs)
