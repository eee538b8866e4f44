"""``Minimum``: the element-wise minimum of a list of tensors."""

from cornu import ops
from cornu.layers.merging.base_merge import Merge
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Minimum")
class Minimum(Merge):
    """Element-wise minimum of a list of tensors (masked-out positions are ignored).

    Example:
    >>> cornu.layers.Minimum()([np.ones((2, 3)), np.zeros((2, 3))])  # all 0.0
    """

    def _merge_function(self, inputs, masks):
        return self._merge_with_masks(ops.minimum, inputs, masks)


@keras_export("keras.layers.minimum")
def minimum(inputs, **kwargs):
    """Functional form of :class:`Minimum`: ``minimum([x1, x2])``.

    Example:
    >>> y = cornu.layers.minimum([np.ones((2, 3)), np.zeros((2, 3))])
    """
    return Minimum(**kwargs)(inputs)
