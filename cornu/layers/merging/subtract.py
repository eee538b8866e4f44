"""``Subtract``: the difference of exactly two tensors."""

from cornu import ops
from cornu.layers.merging.base_merge import Merge
from cornu.serialization.registry import keras_export


def _check_two(layer, count, received):
    if count != 2:
        raise ValueError(
            f"A `Subtract` layer ('{layer.name}') should be called on exactly 2 inputs. Received: {received}"
        )


@keras_export("keras.layers.Subtract")
class Subtract(Merge):
    """Computes ``inputs[0] - inputs[1]``.

    Example:
    >>> cornu.layers.Subtract()([np.full((2, 3), 3.0), np.ones((2, 3))])  # all 2.0
    """

    def build(self, input_shape):
        super().build(input_shape)
        _check_two(self, len(input_shape), f"input_shape={input_shape}")

    def _merge_function(self, inputs, masks):
        _check_two(self, len(inputs), f"{len(inputs)} inputs")
        return ops.subtract(inputs[0], inputs[1])


@keras_export("keras.layers.subtract")
def subtract(inputs, **kwargs):
    """Functional form of :class:`Subtract`: ``subtract([x1, x2])``.

    Example:
    >>> y = cornu.layers.subtract([np.ones((2, 3)), np.ones((2, 3))])
    """
    return Subtract(**kwargs)(inputs)
