"""TensorFlow convolutions: ``conv``, ``depthwise_conv``, ``separable_conv``, ``conv_transpose``,
and PyTorch-style ``unfold``/``fold``.

Each runs TensorFlow's fused kernel (``tf.nn.convolution``, ``tf.nn.depthwise_conv2d``,
``tf.nn.conv_transpose``, ``tf.image.extract_patches``) on channels-last inputs. Where the
kernel refuses an argument combination, the same result is built from what it accepts:
``strides > 1`` together with ``dilation_rate > 1`` runs the dilated convolution at stride 1 on
explicitly padded inputs and keeps every ``stride``-th output; dilated transposed convolutions
(no CPU kernel) spread the kernel taps out with zeros; on the CPU, grouped convolutions run the
depthwise kernel (one group per channel) or one convolution per group, since TensorFlow's CPU
grouped kernel has no gradient outside float32/bfloat16 and no 3D form. Values and padding
follow the JAX backend (TensorFlow's shapes).

Example:
>>> conv(tf.ones((1, 5, 5, 2)), tf.ones((3, 3, 2, 4)), padding="same").shape
TensorShape([1, 5, 5, 4])
"""

import functools

import numpy as np
import tensorflow as tf

from cornu.backend.common.conv_padding import conv_transpose_padding
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
    subsample,
    to_channels_last,
)


@functools.lru_cache(maxsize=None)
def _has_gpu():
    return bool(tf.config.list_logical_devices("GPU"))


def _check_groups(channels, kernel_in, inputs, kernel):
    if channels is None or channels % kernel_in:
        raise ValueError(
            "The input channels must be a multiple of the kernel's input channels. "
            f"Received: inputs.shape={tuple(inputs.shape)}, kernel.shape={tuple(kernel.shape)}"
        )
    return channels // kernel_in


def _convolve(x, kernel, strides, padding, dilation, groups):
    """Convolution of the channels-last ``x`` with ``padding`` 'valid' or 'same' (lower case)."""
    n = len(strides)
    on_cpu = not _has_gpu()
    per_channel = groups > 1 and kernel.shape[-2] == 1 and n <= 2
    unequal = per_channel and on_cpu and len(set(strides)) > 1
    if (any(s > 1 for s in strides) and any(d > 1 for d in dilation)) or unequal:
        # TensorFlow refuses strides with dilation (and the CPU depthwise kernel unequal
        # strides): pad as the strided convolution would, convolve at stride 1, keep every
        # stride-th output.
        if padding == "same":
            x = pad_spatial(x, same_pads(x, kernel.shape[:-2], strides, dilation))
        out = _convolve(x, kernel, (1,) * n, "valid", dilation, groups)
        return subsample(out, strides)
    if groups == 1 or not on_cpu:
        return tf.nn.convolution(x, kernel, strides, padding.upper(), dilations=dilation)
    # The CPU has grouped kernels for float32 and bfloat16 forward passes only (no gradients in
    # other dtypes, no 3D): one group per channel runs the depthwise kernel, and other
    # groupings one convolution per group.
    if per_channel:
        return _depthwise(x, kernel, strides[0], padding, dilation, groups)
    per_group = kernel.shape[-1] // groups
    outs = [
        tf.nn.convolution(part, kernel[..., g * per_group : (g + 1) * per_group], strides, padding.upper(), dilations=dilation)
        for g, part in enumerate(tf.split(x, groups, axis=-1))
    ]
    return tf.concat(outs, axis=-1)


def _depthwise(x, kernel, stride, padding, dilation, channels):
    """``tf.nn.depthwise_conv2d`` of the channels-last ``x`` (1D or 2D) with a grouped kernel
    ``(spatial..., 1, channels * multiplier)`` and one stride for every axis."""
    kernel = tf.reshape(kernel, kernel.shape[:-2].as_list() + [channels, kernel.shape[-1] // channels])
    one_d = len(dilation) == 1
    if one_d:
        # A 1D input is a 2D one of height 1 (a height stride is harmless on one row).
        x, kernel, dilation = tf.expand_dims(x, 1), tf.expand_dims(kernel, 0), (1,) + tuple(dilation)
    out = tf.nn.depthwise_conv2d(x, kernel, (1, stride, stride, 1), padding.upper(), dilations=dilation)
    return tf.squeeze(out, 1) if one_d else out


def conv(inputs, kernel, strides=1, padding="valid", data_format="channels_last", dilation_rate=1):
    inputs = float_or_float32(inputs)
    kernel = convert_to_tensor(kernel, inputs.dtype)
    data_format = check_data_format(data_format)
    n = spatial_rank(inputs, "conv")
    channels = inputs.shape[-1] if data_format == "channels_last" else inputs.shape[1]
    groups = _check_groups(channels, kernel.shape[-2], inputs, kernel)
    x = to_channels_last(inputs, data_format)
    out = _convolve(x, kernel, as_tuple(strides, n), check_padding(padding), as_tuple(dilation_rate, n), groups)
    return from_channels_last(out, data_format)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format="channels_last", dilation_rate=1):
    inputs = float_or_float32(inputs)
    kernel = convert_to_tensor(kernel, inputs.dtype)
    channels = inputs.shape[-1] if data_format == "channels_last" else inputs.shape[1]
    if channels != kernel.shape[-2]:
        raise ValueError(
            "The number of input channels must match the kernel's input channels. "
            f"Received: inputs.shape={tuple(inputs.shape)}, kernel.shape={tuple(kernel.shape)}, "
            f"data_format={data_format!r}"
        )
    # (spatial..., in, multiplier) -> (spatial..., 1, in * multiplier): one group per channel,
    # which `conv` runs with TensorFlow's depthwise kernel.
    grouped = tf.reshape(kernel, kernel.shape[:-2].as_list() + [1, kernel.shape[-2] * kernel.shape[-1]])
    return conv(inputs, grouped, strides, padding, data_format, dilation_rate)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format="channels_last", dilation_rate=1):
    out = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv(out, pointwise_kernel, 1, "valid", data_format, 1)


def _dilate_kernel(kernel, dilation):
    """The kernel with ``dilation - 1`` zeros between its taps on each spatial axis."""
    for axis, d in enumerate(dilation):
        if d == 1:
            continue
        k = kernel.shape[axis]
        moved = tf.experimental.numpy.moveaxis(kernel, axis, 0)
        spread = tf.concat([moved[:, None], tf.zeros([k, d - 1] + moved.shape[1:].as_list(), kernel.dtype)], axis=1)
        spread = tf.reshape(spread, [k * d] + moved.shape[1:].as_list())[: (k - 1) * d + 1]
        kernel = tf.experimental.numpy.moveaxis(spread, 0, axis)
    return kernel


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format="channels_last", dilation_rate=1):
    inputs = float_or_float32(inputs)
    kernel = convert_to_tensor(kernel, inputs.dtype)
    data_format = check_data_format(data_format)
    n = spatial_rank(inputs, "conv_transpose")
    padding = check_padding(padding)
    strides, dilation = as_tuple(strides, n), as_tuple(dilation_rate, n)
    out_pad = (None,) * n if output_padding is None else as_tuple(output_padding, n)
    channels = inputs.shape[-1] if data_format == "channels_last" else inputs.shape[1]
    if channels != kernel.shape[-1]:
        raise ValueError(
            "The input channels must match the transposed convolution kernel's last axis "
            f"(kernel shape is (spatial..., filters, input_channels)). Received: inputs.shape={tuple(inputs.shape)}, "
            f"kernel.shape={tuple(kernel.shape)}, data_format={data_format!r}"
        )
    x = to_channels_last(inputs, data_format)
    # The CPU kernels have no dilation: spread the taps out instead (same products, zeros between).
    kernel = _dilate_kernel(kernel, dilation)
    spans = kernel.shape[:-2].as_list()
    sizes = dims(x)
    # The full ("valid", no output padding) transposed convolution, then each axis cropped or
    # zero-extended to the padding the JAX backend gives the stride-dilated input.
    full_shape = [sizes[0]] + [(sizes[1 + i] - 1) * strides[i] + spans[i] for i in range(n)] + [kernel.shape[-2]]
    if any(tf.is_tensor(d) for d in full_shape):
        full_shape = tf.stack([tf.cast(d, tf.int32) for d in full_shape])
    out = tf.nn.conv_transpose(x, kernel, full_shape, strides, "VALID")
    crops, extend = [], []
    for i in range(n):
        before, after = conv_transpose_padding(spans[i], strides[i], 1, padding, out_pad[i])
        start, end = spans[i] - 1 - before, spans[i] - 1 - after
        crops.append(slice(start, -end if end > 0 else None))
        extend.append((0, max(-end, 0)))
    out = out[(slice(None),) + tuple(crops) + (slice(None),)]
    out = pad_spatial(out, extend)
    return from_channels_last(out, data_format)


# ------------------------------------------------------------ unfold / fold


def _unfold_geometry(spatial, kernel_size, dilation, padding, stride):
    k, d, p, s = (as_tuple(v, 2) for v in (kernel_size, dilation, padding, stride))
    blocks = tuple((spatial[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(2))
    return k, d, p, s, blocks


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    x = convert_to_tensor(x)
    if x.shape.rank != 4:
        raise ValueError(f"unfold expects a 4D input (N, C, H, W). Received: x.shape={tuple(x.shape)}")
    c = x.shape[1]
    k, d, p, s, blocks = _unfold_geometry(x.shape[2:], kernel_size, dilation, padding, stride)
    images = pad_spatial(tf.transpose(x, (0, 2, 3, 1)), [(p[0], p[0]), (p[1], p[1])])
    patches = tf.image.extract_patches(images, (1,) + k + (1,), (1,) + s + (1,), (1,) + d + (1,), "VALID")
    # (N, bh, bw, kh * kw * C) -> (N, C * kh * kw, bh * bw): channel-major rows, as PyTorch.
    patches = tf.reshape(patches, [-1, blocks[0] * blocks[1], k[0] * k[1], c])
    return tf.reshape(tf.transpose(patches, (0, 3, 2, 1)), [-1, c * k[0] * k[1], blocks[0] * blocks[1]])


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    x = convert_to_tensor(x)
    out_h, out_w = as_tuple(output_size, 2)
    k, d, p, s, blocks = _unfold_geometry((out_h, out_w), kernel_size, dilation, padding, stride)
    if x.shape.rank != 3 or x.shape[1] % (k[0] * k[1]) or x.shape[2] != blocks[0] * blocks[1]:
        raise ValueError(
            f"fold: expected x of shape (N, C * {k[0] * k[1]}, {blocks[0] * blocks[1]}) for this output size and "
            f"kernel. Received: x.shape={tuple(x.shape)}, output_size={output_size}, kernel_size={kernel_size}"
        )
    dtype = x.dtype
    if not dtype.is_floating:
        x = tf.cast(x, tf.float64)  # exact for every int32; the kernel is float-only
    c = x.shape[1] // (k[0] * k[1])
    # Each block's values scattered back by a transposed convolution whose kernel has one 1 per
    # kernel position (at its dilated offset): (N * C, bh, bw, kh * kw) -> (N * C, H', W', 1).
    cols = tf.reshape(x, [-1, k[0] * k[1], blocks[0], blocks[1]])
    cols = tf.transpose(cols, (0, 2, 3, 1))
    spans = ((k[0] - 1) * d[0] + 1, (k[1] - 1) * d[1] + 1)
    scatter = np.zeros(spans + (1, k[0] * k[1]), cols.dtype.as_numpy_dtype)
    for i in range(k[0]):
        for j in range(k[1]):
            scatter[i * d[0], j * d[1], 0, i * k[1] + j] = 1
    full = [(blocks[0] - 1) * s[0] + spans[0], (blocks[1] - 1) * s[1] + spans[1]]
    out = tf.nn.conv2d_transpose(cols, tf.constant(scatter), tf.stack([tf.shape(cols)[0], full[0], full[1], 1]), (1,) + s + (1,), "VALID")
    out = pad_spatial(out, [(0, out_h + 2 * p[0] - full[0]), (0, out_w + 2 * p[1] - full[1])])
    out = tf.reshape(out[:, p[0] : p[0] + out_h, p[1] : p[1] + out_w, 0], [-1, c, out_h, out_w])
    return out if out.dtype == dtype else tf.cast(out, dtype)
