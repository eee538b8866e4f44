"""``AdaptiveAveragePooling1D``: mean pooling to a fixed output size over the time axis."""

from cornu.layers.pooling.base_adaptive_pooling import BaseAdaptiveAveragePooling
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.AdaptiveAveragePooling1D")
class AdaptiveAveragePooling1D(BaseAdaptiveAveragePooling):
    """Pools the time axis of its input to ``output_size`` by taking the mean of each adaptive bin
    (bin ``i`` of ``m`` over ``n`` inputs covers ``[floor(i * n / m), ceil((i + 1) * n / m))``).

    ``output_size``: an int or a tuple of 1 int(s). Inputs are ``(batch, steps, channels)``
    (``channels_last``) or ``(batch, channels, steps)`` (``channels_first``).

    Example:
    >>> cornu.layers.AdaptiveAveragePooling1D(3)(np.ones((2, 7, 4))).shape
    (2, 3, 4)
    """

    def __init__(self, output_size, data_format=None, **kwargs):
        output_size = self._standardize_output_size(output_size, 1, "(length,)")
        super().__init__(output_size, data_format, **kwargs)
