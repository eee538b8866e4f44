"""``UpSampling1D``: repeats each time step."""

from cornu.layers.reshaping.base_up_sampling import BaseUpSampling
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.UpSampling1D")
class UpSampling1D(BaseUpSampling):
    """Repeats each step of a ``(batch, steps, features)`` input ``size`` times.

    Example:
    >>> cornu.layers.UpSampling1D(size=2)(np.ones((1, 3, 4))).shape
    (1, 6, 4)
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(1, size, None, **kwargs)
