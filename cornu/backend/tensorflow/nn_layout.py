"""Private helpers of the TensorFlow nn modules: argument tuples, channels-last layout, and
shape arithmetic that works whether a dimension is known while tracing or not.

TensorFlow's CPU kernels for convolution and pooling take channels-last inputs only, so the nn
modules move ``channels_first`` inputs to channels-last, run the kernel, and move the result
back (as Keras's TensorFlow backend does).

Example:
>>> to_channels_last(tf.zeros((2, 3, 8, 8)), "channels_first").shape
TensorShape([2, 8, 8, 3])
"""

import tensorflow as tf

from cornu.backend.common.conv_padding import same_padding
from cornu.backend.tensorflow.core import convert_to_tensor


def as_tuple(value, n):
    """``value`` (an int or a sequence of ``n`` ints) as a tuple of ``n`` ints."""
    if isinstance(value, int):
        return (value,) * n
    return tuple(int(v) for v in value)


def check_data_format(data_format):
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            "`data_format` must be 'channels_last' or 'channels_first'. "
            f"Received: data_format={data_format!r}"
        )
    return data_format


def check_padding(padding):
    """``padding`` lower-cased, after checking it is 'valid' or 'same'."""
    padding = str(padding).lower()
    if padding not in ("valid", "same"):
        raise ValueError(f"`padding` must be 'valid' or 'same'. Received: padding={padding!r}")
    return padding


def spatial_rank(x, what, allowed=(1, 2, 3)):
    """The number of spatial axes of ``x`` (batch and channels excluded), checked against ``allowed``."""
    n = x.shape.rank - 2
    if n not in allowed:
        ranks = ", ".join(str(r + 2) for r in allowed)
        raise ValueError(
            f"`{what}` expects inputs of rank {ranks} (batch, spatial axes, channels). "
            f"Received: inputs.shape={tuple(x.shape)}"
        )
    return n


def to_channels_last(x, data_format):
    if data_format == "channels_last":
        return x
    rank = x.shape.rank
    return tf.transpose(x, [0] + list(range(2, rank)) + [1])


def from_channels_last(x, data_format):
    if data_format == "channels_last":
        return x
    rank = x.shape.rank
    return tf.transpose(x, [0, rank - 1] + list(range(1, rank - 1)))


def float_or_float32(x):
    """``x`` as a tensor; a non-float one becomes float32 (as the other backends' convolutions)."""
    x = convert_to_tensor(x)
    return x if x.dtype.is_floating else tf.cast(x, tf.float32)


def dims(x):
    """``x``'s shape as a list: ints where known while tracing, scalar tensors where not."""
    static = x.shape.as_list()
    if None not in static:
        return static
    dynamic = tf.shape(x)
    return [dynamic[i] if d is None else d for i, d in enumerate(static)]


def same_pads(x, window, strides, dilation):
    """``[(before, after), ...]`` of ``padding="same"`` for each spatial axis of the channels-last
    ``x``: Python ints where the size is known, int32 tensors where it is not."""
    sizes = dims(x)[1:-1]
    pads = []
    for size, k, s, d in zip(sizes, window, strides, dilation):
        if isinstance(size, int):
            pads.append(same_padding(size, k, s, d))
            continue
        span = (k - 1) * d + 1
        out = (size + s - 1) // s
        total = tf.maximum((out - 1) * s + span - size, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def pad_spatial(x, pads, value=0):
    """The channels-last ``x`` padded by ``pads`` (one ``(before, after)`` per spatial axis)."""
    if all(isinstance(p, int) and p == 0 for pair in pads for p in pair):
        return x
    paddings = [[0, 0]] + [list(pair) for pair in pads] + [[0, 0]]
    if any(tf.is_tensor(p) for pair in pads for p in pair):
        paddings = tf.stack([tf.stack([tf.cast(p, tf.int32) for p in pair]) for pair in paddings])
    return tf.pad(x, paddings, constant_values=tf.constant(value, x.dtype))


def subsample(x, strides):
    """Every ``strides[i]``-th position of each spatial axis of the channels-last ``x``."""
    if all(s == 1 for s in strides):
        return x
    return x[(slice(None),) + tuple(slice(None, None, s) for s in strides) + (slice(None),)]
