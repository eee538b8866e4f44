"""``Multiply``: the element-wise product of a list of tensors."""

from cornu import ops
from cornu.layers.merging.base_merge import Merge
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Multiply")
class Multiply(Merge):
    """Multiplies a list of tensors element-wise.

    Masked-out positions of an input count as 1; when every input has a mask,
    positions masked out in all of them are 0 in the output (as in Keras).

    Example:
    >>> cornu.layers.Multiply()([np.full((2, 3), 2.0), np.full((2, 3), 3.0)])  # all 6.0
    """

    def _merge_function(self, inputs, masks):
        all_masked = all(m is not None for m in masks)
        output = output_mask = None
        for x, mask in zip(inputs, masks):
            if mask is not None:
                mask = ops.broadcast_to(ops.expand_dims(mask, -1), ops.shape(x))
                x = ops.where(mask, x, ops.cast(1, x.dtype))
                if all_masked:
                    output_mask = mask if output_mask is None else ops.logical_or(output_mask, mask)
            output = x if output is None else ops.multiply(output, x)
        if all_masked:
            output = ops.where(output_mask, output, ops.cast(0, output.dtype))
        return output


@keras_export("keras.layers.multiply")
def multiply(inputs, **kwargs):
    """Functional form of :class:`Multiply`: ``multiply([x1, x2])``.

    Example:
    >>> y = cornu.layers.multiply([np.ones((2, 3)), np.ones((2, 3))])
    """
    return Multiply(**kwargs)(inputs)
