"""``GlobalAveragePooling1D``: the mean over the time axis."""

from cornu import ops
from cornu.layers.pooling.base_global_pooling import BaseGlobalPooling
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.GlobalAveragePooling1D", "keras.layers.GlobalAvgPool1D")
class GlobalAveragePooling1D(BaseGlobalPooling):
    """Averages every channel over the time axis.

    With a mask ``(batch, steps)`` (e.g. from ``Embedding(mask_zero=True)``), masked steps are left
    out of the average.

    Inputs are ``(batch, steps, channels)`` (``channels_last``) or ``(batch, channels, steps)``
    (``channels_first``); outputs are ``(batch, channels)``, or with ``keepdims=True`` the input
    shape with every spatial axis of size 1.

    Example:
    >>> cornu.layers.GlobalAveragePooling1D()(np.ones((2, 6, 3))).shape
    (2, 3)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(pool_dimensions=1, data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        steps_axis = 1 if self.data_format == "channels_last" else 2
        if mask is None:
            return ops.mean(inputs, axis=steps_axis, keepdims=self.keepdims)
        # Masked steps count neither in the sum nor in the number of steps.
        keep = ops.expand_dims(ops.cast(mask, "bool"), 2 if self.data_format == "channels_last" else 1)
        total = ops.sum(ops.where(keep, inputs, 0), axis=steps_axis, keepdims=self.keepdims)
        count = ops.sum(ops.cast(keep, inputs.dtype), axis=steps_axis, keepdims=self.keepdims)
        return ops.divide(total, count)

    def compute_mask(self, inputs, previous_mask):
        return None


GlobalAvgPool1D = GlobalAveragePooling1D
