"""``Cropping1D``: trims the time axis."""

from cornu.layers.reshaping.base_cropping import BaseCropping
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Cropping1D")
class Cropping1D(BaseCropping):
    """Removes ``cropping[0]`` steps from the start and ``cropping[1]`` from
    the end of the time axis of a ``(batch, steps, features)`` input.

    Example:
    >>> cornu.layers.Cropping1D(cropping=(1, 2))(np.ones((1, 5, 3))).shape
    (1, 2, 3)
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(1, cropping, None, **kwargs)

    def _too_much_cropping(self, shape):
        return ValueError(
            f"`cropping` parameter of Cropping1D layer '{self.name}' must be smaller than the input length. "
            f"Received: input_shape={tuple(shape)}, cropping={self.cropping}"
        )
