"""TensorFlow pooling: ``max_pool``, ``average_pool`` (TensorFlow's fused kernels) and
PyTorch-style ``adaptive_average_pool``/``adaptive_max_pool``.

``padding="same"`` follows TensorFlow, as Keras does on every backend: a max ignores the padded
cells and an average counts only the real ones. Where TensorFlow has no CPU kernel for a dtype
(3D pooling of float16, float64 and integers, average pooling of float16 in 3D), half floats are
pooled in float32 and cast back, and the rest is reduced window offset by window offset.

Example:
>>> max_pool(tf.reshape(tf.range(16.0), (1, 4, 4, 1)), 2).shape
TensorShape([1, 2, 2, 1])
"""

import numpy as np
import tensorflow as tf

from cornu.backend.tensorflow.core import convert_to_tensor
from cornu.backend.tensorflow.nn_layout import (
    as_tuple,
    check_data_format,
    check_padding,
    dims,
    float_or_float32,
    from_channels_last,
    pad_spatial,
    same_pads,
    spatial_rank,
    to_channels_last,
)

# dtypes each pooling kernel has on the CPU, by number of spatial axes.
_MAX_POOL_DTYPES = {
    1: (tf.float16, tf.bfloat16, tf.float32, tf.float64, tf.int32, tf.int64, tf.int8, tf.uint8, tf.int16, tf.uint16),
    2: (tf.float16, tf.bfloat16, tf.float32, tf.float64, tf.int32, tf.int64, tf.int8, tf.uint8, tf.int16, tf.uint16),
    3: (tf.bfloat16, tf.float32),
}
_AVG_POOL_DTYPES = {1: (tf.float16, tf.bfloat16, tf.float32, tf.float64), 2: (tf.float16, tf.bfloat16, tf.float32, tf.float64), 3: (tf.bfloat16, tf.float32)}


def _pool_args(x, pool_size, strides, n):
    pool = as_tuple(pool_size, n)
    return pool, pool if strides is None else as_tuple(strides, n)


def _lowest(dtype):
    return -np.inf if dtype.is_floating else dtype.min


def _window_reduce(x, pool, strides, padding, reduce, pad_value):
    """``reduce`` of the windows of the channels-last ``x``, one window offset at a time."""
    if padding == "same":
        x = pad_spatial(x, same_pads(x, pool, strides, (1,) * len(pool)), pad_value)
    sizes = dims(x)[1:-1]
    total = None
    for offset in np.ndindex(*pool):
        index = [slice(None)]
        for size, o, k, s in zip(sizes, offset, pool, strides):
            count = (size - k) // s + 1
            index.append(slice(o, o + (count - 1) * s + 1, s))
        part = x[tuple(index) + (slice(None),)]
        total = part if total is None else reduce(total, part)
    return total


def _run(x, n, kernel_dtypes, fused, fallback):
    if x.dtype in kernel_dtypes[n]:
        return fused(x)
    if x.dtype == tf.float16 and tf.float32 in kernel_dtypes[n]:
        return tf.cast(fused(tf.cast(x, tf.float32)), x.dtype)
    return fallback(x)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    inputs = convert_to_tensor(inputs)
    data_format = check_data_format(data_format)
    n = spatial_rank(inputs, "max_pool")
    padding = check_padding(padding)
    pool, strides = _pool_args(inputs, pool_size, strides, n)
    x = to_channels_last(inputs, data_format)
    out = _run(
        x, n, _MAX_POOL_DTYPES,
        lambda v: tf.nn.max_pool(v, pool, strides, padding.upper()),
        lambda v: _window_reduce(v, pool, strides, padding, tf.maximum, _lowest(v.dtype)),
    )
    return from_channels_last(out, data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    inputs = float_or_float32(inputs)
    data_format = check_data_format(data_format)
    n = spatial_rank(inputs, "average_pool")
    padding = check_padding(padding)
    pool, strides = _pool_args(inputs, pool_size, strides, n)
    x = to_channels_last(inputs, data_format)

    def by_offsets(v):
        total = _window_reduce(v, pool, strides, padding, tf.add, 0)
        if padding == "valid":
            return total / tf.cast(np.prod(pool), v.dtype)
        # 'same': only the real cells count (the count of each window, from a ones image).
        ones = tf.ones(tf.concat([[1], tf.shape(v)[1:-1], [1]], 0), v.dtype)
        return total / _window_reduce(ones, pool, strides, padding, tf.add, 0)

    out = _run(x, n, _AVG_POOL_DTYPES, lambda v: tf.nn.avg_pool(v, pool, strides, padding.upper()), by_offsets)
    return from_channels_last(out, data_format)


# ------------------------------------------------------- adaptive pooling


def _adaptive_windows(in_size, out_size):
    """Per output cell: gather indices ``(out, k)`` into the input axis, which of them count,
    and how many do. Cell ``i`` covers ``[floor(i * in / out), ceil((i + 1) * in / out))``
    (PyTorch's bins); short windows repeat their last index so every row has one length."""
    starts = (np.arange(out_size) * in_size) // out_size
    ends = -(-(np.arange(1, out_size + 1) * in_size) // out_size)
    width = int(np.max(ends - starts))
    offsets = starts[:, None] + np.arange(width)[None, :]
    return np.minimum(offsets, ends[:, None] - 1).astype(np.int32), offsets < ends[:, None], ends - starts


def _adaptive_pool(x, output_size, data_format, reduce_axis, name):
    data_format = check_data_format(data_format)
    n = spatial_rank(x, name)
    sizes = as_tuple(output_size, n)
    first = 1 if data_format == "channels_last" else 2
    for i in range(n):
        in_size = x.shape[first + i]
        if in_size is None:
            raise ValueError(
                f"`{name}` needs the spatial sizes of its input to be known. "
                f"Received: inputs.shape={tuple(x.shape)}"
            )
        x = reduce_axis(x, first + i, in_size, int(sizes[i]))
    return x


def _trailing(values, rank, axis):
    """``values`` (one per output cell, maybe with a window axis) shaped to broadcast at ``axis``."""
    return np.reshape(values, values.shape + (1,) * (rank - axis - 1))


def _adaptive_mean_axis(x, axis, in_size, out_size):
    index, valid, counts = _adaptive_windows(in_size, out_size)
    windows = tf.gather(x, index, axis=axis)
    keep = tf.constant(_trailing(valid, x.shape.rank, axis))
    total = tf.reduce_sum(tf.where(keep, windows, tf.zeros((), x.dtype)), axis=axis + 1)
    return total / tf.constant(_trailing(counts, x.shape.rank, axis), x.dtype)


def _adaptive_max_axis(x, axis, in_size, out_size):
    index, _, _ = _adaptive_windows(in_size, out_size)
    return tf.reduce_max(tf.gather(x, index, axis=axis), axis=axis + 1)


def adaptive_average_pool(inputs, output_size, data_format="channels_last"):
    return _adaptive_pool(float_or_float32(inputs), output_size, data_format, _adaptive_mean_axis, "adaptive_average_pool")


def adaptive_max_pool(inputs, output_size, data_format="channels_last"):
    return _adaptive_pool(convert_to_tensor(inputs), output_size, data_format, _adaptive_max_axis, "adaptive_max_pool")
