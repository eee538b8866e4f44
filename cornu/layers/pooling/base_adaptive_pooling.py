"""Adaptive pooling: pools any input size down (or up) to a fixed ``output_size``.

Output cell ``i`` of an axis of length ``n`` pooled to ``m`` covers the input range
``[floor(i * n / m), ceil((i + 1) * n / m))``, as in Keras and PyTorch. The pooling is
separable, so it is done one spatial axis at a time: the mean as a matrix product with
a bin-averaging matrix, the maximum as a gather of each bin (padded to the widest bin
by repeating its last index, which leaves the maximum unchanged) and a reduction.
"""

import numpy as np

from cornu import backend, ops
from cornu.backend.common.load_budget import charge_array
from cornu.layers.convolutional import arguments
from cornu.layers.layer import Layer


def _bin_edges(length, output_length):
    # Exact integer floor/ceil of i * n / m for every cell at once (no Python loop over the cells).
    cells = np.arange(output_length, dtype=np.int64)
    return (cells * length) // output_length, -((-(cells + 1) * length) // output_length)


def adaptive_bins(length, output_length):
    """The ``(start, end)`` input range of each of the ``output_length`` output cells."""
    starts, ends = _bin_edges(length, output_length)
    return list(zip(starts.tolist(), ends.tolist()))


def _average_matrix(length, output_length):
    # The sizes come from the model's config: a load charges the matrix before building it.
    charge_array((length, output_length), 8, f"the {length}x{output_length} adaptive average pooling matrix")
    starts, ends = _bin_edges(length, output_length)
    rows = np.arange(length, dtype=np.int64)[:, None]
    inside = (rows >= starts[None, :]) & (rows < ends[None, :])
    return inside / (ends - starts)[None, :].astype("float64")


def _max_indices(length, output_length):
    starts, ends = _bin_edges(length, output_length)
    width = int((ends - starts).max())
    charge_array((output_length, width), 4, f"the {output_length}x{width} adaptive max pooling indices")
    indices = np.minimum(starts[:, None] + np.arange(width, dtype=np.int64)[None, :], (ends - 1)[:, None])
    return indices.astype("int32")


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
