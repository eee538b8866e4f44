"""``Permute``: reorders the non-batch axes."""

from cornu import ops
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Permute")
class Permute(Layer):
    """Permutes the axes of the input after the batch axis.

    ``dims`` is a permutation of ``1..rank-1`` (the batch axis is 0 and stays
    in place): ``(2, 1)`` swaps the two axes of a ``(batch, a, b)`` input.

    Example:
    >>> cornu.layers.Permute((2, 1))(np.ones((2, 3, 4))).shape
    (2, 4, 3)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        try:
            dims = tuple(dims)
        except TypeError:
            raise ValueError(f"Permute: `dims` must be a tuple of ints. Received: dims={dims!r}") from None
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute layer: it must hold each of the axes 1, 2, ..., "
                f"len(dims) exactly once (axis 0, the batch axis, is not included). Received: dims={dims}"
            )
        self.dims = dims
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)
        self.built = True

    def call(self, inputs):
        return ops.transpose(inputs, axes=(0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=inputs.dtype)

    def get_config(self):
        config = super().get_config()
        config["dims"] = self.dims
        return config
