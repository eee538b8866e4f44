"""``Add``: the element-wise sum of a list of tensors."""

from cornu import ops
from cornu.layers.merging.base_merge import Merge
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Add")
class Add(Merge):
    """Adds a list of tensors of the same (or broadcastable) shape.

    Example:
    >>> x1, x2 = np.ones((2, 3)), np.ones((2, 3))
    >>> cornu.layers.Add()([x1, x2])  # all 2.0
    """

    def _merge_function(self, inputs, masks):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.add(output, x)
        return output


@keras_export("keras.layers.add")
def add(inputs, **kwargs):
    """Functional form of :class:`Add`: ``add([x1, x2])``.

    Example:
    >>> y = cornu.layers.add([np.ones((2, 3)), np.ones((2, 3))])
    """
    return Add(**kwargs)(inputs)
