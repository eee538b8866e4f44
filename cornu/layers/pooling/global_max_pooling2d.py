"""``GlobalMaxPooling2D``: the maximum over height and width."""

from cornu import ops
from cornu.layers.pooling.base_global_pooling import BaseGlobalPooling
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.GlobalMaxPooling2D", "keras.layers.GlobalMaxPool2D")
class GlobalMaxPooling2D(BaseGlobalPooling):
    """Takes the maximum of every channel over height and width.

    Inputs are ``(batch, rows, cols, channels)`` (``channels_last``) or ``(batch, channels, rows, cols)``
    (``channels_first``); outputs are ``(batch, channels)``, or with ``keepdims=True`` the input
    shape with every spatial axis of size 1.

    Example:
    >>> cornu.layers.GlobalMaxPooling2D()(np.ones((2, 6, 6, 3))).shape
    (2, 3)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(pool_dimensions=2, data_format=data_format, keepdims=keepdims, **kwargs)

    def call(self, inputs):
        return ops.max(inputs, axis=self._spatial_axes(), keepdims=self.keepdims)


GlobalMaxPool2D = GlobalMaxPooling2D
