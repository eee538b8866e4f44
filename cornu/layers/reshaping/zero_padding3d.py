"""``ZeroPadding3D``: pads the three spatial axes of volumes with zeros."""

from cornu.layers.reshaping.base_zero_padding import BaseZeroPadding
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.ZeroPadding3D")
class ZeroPadding3D(BaseZeroPadding):
    """Adds zeros before and after each spatial axis of a 5D input: ``padding`` is an int, one int
    per axis or a ``(before, after)`` pair per axis.

    Example:
    >>> cornu.layers.ZeroPadding3D(1)(np.ones((1, 2, 2, 2, 3))).shape
    (1, 4, 4, 4, 3)
    """

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(3, padding, data_format, **kwargs)
