"""``Reshape``: gives the non-batch axes a new shape."""

import math

from cornu import ops
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Reshape")
class Reshape(Layer):
    """Reshapes inputs to ``(batch,) + target_shape``; one entry may be -1.

    Example:
    >>> cornu.layers.Reshape((3, 4))(np.ones((2, 12))).shape
    (2, 3, 4)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        target_shape = tuple(target_shape)
        if sum(1 for d in target_shape if d == -1) > 1:
            raise ValueError(f"There must be at most one unknown dimension (-1) in `target_shape`. Received: target_shape={target_shape}")
        self.target_shape = target_shape
        self.built = True

    def _resolve(self, input_shape):
        rest = input_shape[1:]
        if -1 not in self.target_shape:
            if all(d is not None for d in rest) and math.prod(rest) != math.prod(self.target_shape):
                raise ValueError(
                    f"Layer '{self.name}': total size of the new array must be unchanged, input_shape = "
                    f"{list(rest)}, output_shape = {list(self.target_shape)}"
                )
            return self.target_shape
        if any(d is None for d in rest):
            return tuple(None if d == -1 else d for d in self.target_shape)
        known = math.prod(d for d in self.target_shape if d != -1)
        total = math.prod(rest)
        if known == 0 or total % known:
            raise ValueError(
                f"Layer '{self.name}': cannot reshape input of shape {list(rest)} into {list(self.target_shape)}."
            )
        return tuple(total // known if d == -1 else d for d in self.target_shape)

    def call(self, inputs):
        shape = self._resolve(tuple(inputs.shape))
        return ops.reshape(inputs, (-1,) + tuple(shape))

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(self._resolve(tuple(input_shape)))

    def get_config(self):
        config = super().get_config()
        config["target_shape"] = list(self.target_shape)
        return config
