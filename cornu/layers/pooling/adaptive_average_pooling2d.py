"""``AdaptiveAveragePooling2D``: mean pooling to a fixed output size over height and width."""

from cornu.layers.pooling.base_adaptive_pooling import BaseAdaptiveAveragePooling
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.AdaptiveAveragePooling2D")
class AdaptiveAveragePooling2D(BaseAdaptiveAveragePooling):
    """Pools height and width of its input to ``output_size`` by taking the mean of each adaptive bin
    (bin ``i`` of ``m`` over ``n`` inputs covers ``[floor(i * n / m), ceil((i + 1) * n / m))``).

    ``output_size``: an int or a tuple of 2 int(s) ``(height, width)``. Inputs are ``(batch, rows, cols, channels)``
    (``channels_last``) or ``(batch, channels, rows, cols)`` (``channels_first``).

    Example:
    >>> cornu.layers.AdaptiveAveragePooling2D((2, 3))(np.ones((2, 7, 8, 4))).shape
    (2, 2, 3, 4)
    """

    def __init__(self, output_size, data_format=None, **kwargs):
        output_size = self._standardize_output_size(output_size, 2, "(height, width)")
        super().__init__(output_size, data_format, **kwargs)
