"""Adaptive pooling: pools any input size down (or up) to a fixed ``output_size``.

Output cell ``i`` of an axis of length ``n`` pooled to ``m`` covers the input range
``[floor(i * n / m), ceil((i + 1) * n / m))``, as in Keras and PyTorch. The pooling is
separable, so it is done one spatial axis at a time: the mean as a matrix product with
a bin-averaging matrix, the maximum as a gather of each bin (padded to the widest bin
by repeating its last index, which leaves the maximum unchanged) and a reduction.
"""

import math

import numpy as np

from cornu import backend, ops
from cornu.layers.convolutional import arguments
from cornu.layers.layer import Layer


def adaptive_bins(length, output_length):
    """The ``(start, end)`` input range of each of the ``output_length`` output cells."""
    return [(math.floor(i * length / output_length), math.ceil((i + 1) * length / output_length))
            for i in range(output_length)]


def _average_matrix(length, output_length):
    matrix = np.zeros((length, output_length), dtype="float64")
    for i, (start, end) in enumerate(adaptive_bins(length, output_length)):
        matrix[start:end, i] = 1.0 / (end - start)
    return matrix


def _max_indices(length, output_length):
    bins = adaptive_bins(length, output_length)
    width = max(end - start for start, end in bins)
    return np.array([[min(start + k, end - 1) for k in range(width)] for start, end in bins], dtype="int32")


def adaptive_average_pool_axis(x, axis, output_length):
    """Mean of each adaptive bin along ``axis``."""
    if not backend.standardize_dtype(x.dtype).startswith(("float", "bfloat")):
        x = ops.cast(x, backend.floatx())
    matrix = ops.convert_to_tensor(_average_matrix(x.shape[axis], output_length), dtype=x.dtype)
    pooled = ops.tensordot(x, matrix, axes=[[axis], [0]])
    return ops.moveaxis(pooled, -1, axis)


def adaptive_max_pool_axis(x, axis, output_length):
    """Maximum of each adaptive bin along ``axis``."""
    indices = _max_indices(x.shape[axis], output_length)
    gathered = ops.take(x, ops.convert_to_tensor(indices), axis=axis)
    return ops.max(gathered, axis=axis + 1)


class BaseAdaptivePooling(Layer):
    """Pools the spatial axes of its input to exactly ``output_size``, whatever the input size.

    Subclasses give ``pool_axis`` (how one axis is pooled) and normalize ``output_size`` to a tuple
    of one int per spatial axis.

    Example:
    >>> cornu.layers.AdaptiveAveragePooling2D(2)(np.ones((1, 5, 7, 3))).shape
    (1, 2, 2, 3)
    """

    pool_axis = None

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.output_size = output_size
        self.data_format = backend.standardize_data_format(data_format)

    @staticmethod
    def _standardize_output_size(output_size, rank, names):
        if isinstance(output_size, int) and not isinstance(output_size, bool):
            sizes = (output_size,) * rank
        elif isinstance(output_size, (tuple, list)) and len(output_size) == rank:
            sizes = tuple(output_size)
        else:
            raise TypeError(f"`output_size` must be an integer or a {names} tuple of {rank} integer(s). "
                            f"Received: output_size={output_size!r} of type {type(output_size)}")
        for size in sizes:
            if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
                raise ValueError(f"Every value of `output_size` must be a positive integer. "
                                 f"Received: output_size={output_size!r}")
        return sizes

    def call(self, inputs):
        arguments.check_input_rank(self, inputs.shape, len(self.output_size))
        first = 1 if self.data_format == "channels_last" else 2
        x = inputs
        for offset, size in enumerate(self.output_size):
            x = self.pool_axis(x, first + offset, size)
        return x

    def compute_output_shape(self, input_shape):
        arguments.check_input_rank(self, input_shape, len(self.output_size))
        channels = input_shape[arguments.channel_axis(self.data_format)]
        return arguments.with_spatial_dims(input_shape, self.output_size, channels, self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"output_size": self.output_size, "data_format": self.data_format})
        return config


class BaseAdaptiveAveragePooling(BaseAdaptivePooling):
    """Adaptive pooling that keeps the mean of each bin."""

    pool_axis = staticmethod(adaptive_average_pool_axis)


class BaseAdaptiveMaxPooling(BaseAdaptivePooling):
    """Adaptive pooling that keeps the maximum of each bin."""

    pool_axis = staticmethod(adaptive_max_pool_axis)
