"""``GlobalMaxPooling3D``: the maximum over three spatial axes."""

from cornu import ops
from cornu.layers.pooling.base_global_pooling import BaseGlobalPooling
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.GlobalMaxPooling3D", "keras.layers.GlobalMaxPool3D")
class GlobalMaxPooling3D(BaseGlobalPooling):
    """Takes the maximum of every channel over three spatial axes.

    Inputs are ``(batch, d1, d2, d3, channels)`` (``channels_last``) or ``(batch, channels, d1, d2, d3)``
    (``channels_first``); outputs are ``(batch, channels)``, or with ``keepdims=True`` the input
    shape with every spatial axis of size 1.

    Example:
    >>> cornu.layers.GlobalMaxPooling3D()(np.ones((2, 4, 4, 4, 3))).shape
    (2, 3)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(pool_dimensions=3, data_format=data_format, keepdims=keepdims, **kwargs)

    def call(self, inputs):
        return ops.max(inputs, axis=self._spatial_axes(), keepdims=self.keepdims)


GlobalMaxPool3D = GlobalMaxPooling3D
