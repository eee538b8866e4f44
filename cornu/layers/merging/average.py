"""``Average``: the element-wise mean of a list of tensors."""

from cornu import backend, ops
from cornu.layers.merging.base_merge import Merge
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Average")
class Average(Merge):
    """Averages a list of tensors element-wise.

    Example:
    >>> cornu.layers.Average()([np.ones((2, 3)), np.full((2, 3), 3.0)])  # all 2.0
    """

    def _merge_function(self, inputs, masks):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.add(output, x)
        return output / len(inputs)

    def _output_dtype(self, dtypes):
        dtype = super()._output_dtype(dtypes)
        return dtype if backend.is_float_dtype(dtype) else backend.result_type(dtype, float)


@keras_export("keras.layers.average")
def average(inputs, **kwargs):
    """Functional form of :class:`Average`: ``average([x1, x2])``.

    Example:
    >>> y = cornu.layers.average([np.ones((2, 3)), np.zeros((2, 3))])
    """
    return Average(**kwargs)(inputs)
