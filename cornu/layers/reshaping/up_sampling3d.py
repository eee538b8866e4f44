"""``UpSampling3D``: repeats volumes along their three spatial axes."""

from cornu.layers.reshaping.base_up_sampling import BaseUpSampling
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.UpSampling3D")
class UpSampling3D(BaseUpSampling):
    """Repeats the three spatial axes ``size[0]``, ``size[1]`` and ``size[2]`` times.

    Example:
    >>> cornu.layers.UpSampling3D(size=2)(np.ones((1, 1, 2, 1, 3))).shape
    (1, 2, 4, 2, 3)
    """

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(3, size, data_format, **kwargs)
