"""``AdaptiveAveragePooling3D``: mean pooling to a fixed output size over three spatial axes."""

from cornu.layers.pooling.base_adaptive_pooling import BaseAdaptiveAveragePooling
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.AdaptiveAveragePooling3D")
class AdaptiveAveragePooling3D(BaseAdaptiveAveragePooling):
    """Pools three spatial axes of its input to ``output_size`` by taking the mean of each adaptive bin
    (bin ``i`` of ``m`` over ``n`` inputs covers ``[floor(i * n / m), ceil((i + 1) * n / m))``).

    ``output_size``: an int or a tuple of 3 int(s) ``(depth, height, width)``. Inputs are
    ``(batch, d1, d2, d3, channels)`` (``channels_last``) or ``(batch, channels, d1, d2, d3)`` (``channels_first``).

    Example:
    >>> cornu.layers.AdaptiveAveragePooling3D(2)(np.ones((1, 5, 5, 5, 4))).shape
    (1, 2, 2, 2, 4)
    """

    def __init__(self, output_size, data_format=None, **kwargs):
        output_size = self._standardize_output_size(output_size, 3, "(depth, height, width)")
        super().__init__(output_size, data_format, **kwargs)
