"""``GlobalMaxPooling1D``: the maximum over the time axis."""

from cornu import ops
from cornu.layers.pooling.base_global_pooling import BaseGlobalPooling
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.GlobalMaxPooling1D", "keras.layers.GlobalMaxPool1D")
class GlobalMaxPooling1D(BaseGlobalPooling):
    """Takes the maximum of every channel over the time axis.

    Inputs are ``(batch, steps, channels)`` (``channels_last``) or ``(batch, channels, steps)``
    (``channels_first``); outputs are ``(batch, channels)``, or with ``keepdims=True`` the input
    shape with every spatial axis of size 1.

    Example:
    >>> cornu.layers.GlobalMaxPooling1D()(np.ones((2, 6, 3))).shape
    (2, 3)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(pool_dimensions=1, data_format=data_format, keepdims=keepdims, **kwargs)

    def call(self, inputs):
        return ops.max(inputs, axis=self._spatial_axes(), keepdims=self.keepdims)


GlobalMaxPool1D = GlobalMaxPooling1D
