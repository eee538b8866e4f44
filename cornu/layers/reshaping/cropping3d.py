"""``Cropping3D``: trims the three spatial axes of volumes."""

from cornu.layers.reshaping.base_cropping import BaseCropping
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Cropping3D")
class Cropping3D(BaseCropping):
    """Removes ``(before, after)`` entries from each spatial axis of a 5D input: ``cropping`` is an
    int, one int per axis or a pair per axis.

    Example:
    >>> cornu.layers.Cropping3D(cropping=1)(np.ones((1, 4, 4, 4, 2))).shape
    (1, 2, 2, 2, 2)
    """

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(3, cropping, data_format, **kwargs)
