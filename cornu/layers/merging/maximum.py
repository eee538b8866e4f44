"""``Maximum``: the element-wise maximum of a list of tensors."""

from cornu import ops
from cornu.layers.merging.base_merge import Merge
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Maximum")
class Maximum(Merge):
    """Element-wise maximum of a list of tensors (masked-out positions are ignored).

    Example:
    >>> cornu.layers.Maximum()([np.ones((2, 3)), np.zeros((2, 3))])  # all 1.0
    """

    def _merge_function(self, inputs, masks):
        return self._merge_with_masks(ops.maximum, inputs, masks)


@keras_export("keras.layers.maximum")
def maximum(inputs, **kwargs):
    """Functional form of :class:`Maximum`: ``maximum([x1, x2])``.

    Example:
    >>> y = cornu.layers.maximum([np.ones((2, 3)), np.zeros((2, 3))])
    """
    return Maximum(**kwargs)(inputs)
