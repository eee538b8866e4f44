"""``Cropping2D``: trims the rows and columns of images."""

from cornu.layers.reshaping.base_cropping import BaseCropping
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Cropping2D")
class Cropping2D(BaseCropping):
    """Removes ``cropping[i] = (before, after)`` entries from spatial axis ``i`` of images.

    ``cropping`` is an int (the same everywhere), one int per axis
    (symmetric), or ``(before, after)`` pairs per axis.

    Example:
    >>> cornu.layers.Cropping2D(cropping=((1, 0), (2, 2)))(np.ones((1, 4, 6, 3))).shape
    (1, 3, 2, 3)
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(2, cropping, data_format, **kwargs)
