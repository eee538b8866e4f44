"""NumPy neural-network primitives."""

import numpy as np

from cornu.backend.numpy.core import convert_to_tensor, to_numpy_dtype
from cornu.backend.numpy.numpy import _float_input
from cornu.backend.common.conv_padding import conv_transpose_padding, same_padding


def _cast_like(out, x):
    return np.asarray(out, dtype=x.dtype)


def relu(x):
    x = convert_to_tensor(x)
    return np.maximum(x, np.asarray(0, dtype=x.dtype))


def relu6(x):
    x = convert_to_tensor(x)
    return _cast_like(np.clip(x, np.asarray(0, dtype=x.dtype), np.asarray(6, dtype=x.dtype)), x)


def sigmoid(x):
    x = _float_input(x)
    return _cast_like(0.5 * (np.tanh(0.5 * x) + 1.0), x)


def softplus(x):
    x = _float_input(x)
    return _cast_like(np.logaddexp(x, 0.0), x)


def softsign(x):
    x = _float_input(x)
    return _cast_like(x / (1.0 + np.abs(x)), x)


def silu(x):
    x = _float_input(x)
    return _cast_like(x * sigmoid(x), x)


def log_sigmoid(x):
    x = _float_input(x)
    return _cast_like(-np.logaddexp(-x, 0.0), x)


def leaky_relu(x, negative_slope=0.2):
    x = _float_input(x)
    return _cast_like(np.where(x >= 0, x, negative_slope * x), x)


def hard_sigmoid(x):
    x = _float_input(x)
    return _cast_like(np.clip(x / 6.0 + 0.5, 0.0, 1.0), x)


def elu(x, alpha=1.0):
    x = _float_input(x)
    return _cast_like(np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))), x)


def selu(x):
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    x = _float_input(x)
    return _cast_like(scale * np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))), x)


def gelu(x, approximate=True):
    x = _float_input(x)
    if approximate:
        out = 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3)))
    else:
        from cornu.backend.numpy.math import _erf64

        out = 0.5 * x * (1.0 + _erf64(x / np.sqrt(2.0)))
    return _cast_like(out, x)


def softmax(x, axis=-1):
    x = _float_input(x)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return _cast_like(e / np.sum(e, axis=axis, keepdims=True), x)


def log_softmax(x, axis=-1):
    x = _float_input(x)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return _cast_like(shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True)), x)


def one_hot(x, num_classes, axis=-1, dtype="float32", sparse=False):
    x = convert_to_tensor(x)
    out = (x[..., None] == np.arange(num_classes)).astype(to_numpy_dtype(dtype))
    if axis != -1:
        out = np.moveaxis(out, -1, axis)
    return out


# ----------------------------------------------------------- convolution


def _tuple(value, n):
    return (value,) * n if isinstance(value, int) else tuple(value)


def _to_channels_last(x, data_format):
    return np.moveaxis(x, 1, -1) if data_format == "channels_first" else x


def _from_channels_last(x, data_format):
    return np.moveaxis(x, -1, 1) if data_format == "channels_first" else x


def _float_or_same(x):
    x = convert_to_tensor(x)
    return x if x.dtype.kind == "f" or x.dtype.name == "bfloat16" else x.astype(np.float32)


def _windows(x, window, strides, dilation):
    """Sliding windows over the spatial axes of a channels-last ``x``: (N, out..., C, window...)."""
    n = x.ndim - 2
    span = tuple((window[i] - 1) * dilation[i] + 1 for i in range(n))
    views = np.lib.stride_tricks.sliding_window_view(x, span, axis=tuple(range(1, n + 1)))
    index = (slice(None),) + tuple(slice(None, None, s) for s in strides) + (slice(None),)
    index += tuple(slice(None, None, d) for d in dilation)
    return views[index]


def _pad_same(x, window, strides, dilation, value=0.0):
    n = x.ndim - 2
    pads = [(0, 0)] + [same_padding(x.shape[1 + i], window[i], strides[i], dilation[i]) for i in range(n)] + [(0, 0)]
    return np.pad(x, pads, constant_values=value)


def _check_padding(padding):
    padding = padding.lower()
    if padding not in ("valid", "same"):
        raise ValueError(f"`padding` must be 'valid' or 'same'. Received: padding={padding!r}")
    return padding


def conv(inputs, kernel, strides=1, padding="valid", data_format="channels_last", dilation_rate=1):
    inputs = _float_or_same(inputs)
    kernel = convert_to_tensor(kernel, inputs.dtype)
    x = _to_channels_last(inputs, data_format)
    n = x.ndim - 2
    strides, dilation = _tuple(strides, n), _tuple(dilation_rate, n)
    window = kernel.shape[:n]
    if _check_padding(padding) == "same":
        x = _pad_same(x, window, strides, dilation)
    patches = _windows(x, window, strides, dilation)  # (N, out..., C, k...)
    in_per_group, out_channels = kernel.shape[-2], kernel.shape[-1]
    groups = x.shape[-1] // in_per_group
    if x.shape[-1] % in_per_group:
        raise ValueError(
            "The input channels must be a multiple of the kernel's input channels. "
            f"Received: inputs.shape={inputs.shape}, kernel.shape={kernel.shape}"
        )
    spatial = "".join("abc"[i] for i in range(n))
    lead = patches.shape[: n + 1]
    patches = patches.reshape(lead + (groups, in_per_group) + window)
    weights = kernel.reshape(window + (in_per_group, groups, out_channels // groups))
    compute = np.float32 if inputs.dtype.name in ("float16", "bfloat16") else inputs.dtype
    out = np.einsum(f"n...gi{spatial},{spatial}igo->n...go", patches.astype(compute), weights.astype(compute))
    out = out.reshape(lead + (out_channels,)).astype(inputs.dtype)
    return _from_channels_last(out, data_format)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format="channels_last", dilation_rate=1):
    kernel = convert_to_tensor(kernel)
    kernel = kernel.reshape(kernel.shape[:-2] + (1, kernel.shape[-2] * kernel.shape[-1]))
    return conv(inputs, kernel, strides, padding, data_format, dilation_rate)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format="channels_last", dilation_rate=1):
    out = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv(out, pointwise_kernel, 1, "valid", data_format, 1)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format="channels_last", dilation_rate=1):
    inputs = _float_or_same(inputs)
    kernel = convert_to_tensor(kernel, inputs.dtype)
    x = _to_channels_last(inputs, data_format)
    n = x.ndim - 2
    strides, dilation = _tuple(strides, n), _tuple(dilation_rate, n)
    out_pad = (None,) * n if output_padding is None else _tuple(output_padding, n)
    shape = (x.shape[0],) + tuple((x.shape[1 + i] - 1) * strides[i] + 1 for i in range(n)) + (x.shape[-1],)
    dilated = np.zeros(shape, x.dtype)
    dilated[(slice(None),) + tuple(slice(None, None, s) for s in strides)] = x
    pads = [conv_transpose_padding(kernel.shape[i], strides[i], dilation[i], padding, out_pad[i]) for i in range(n)]
    dilated = np.pad(dilated, [(0, 0)] + pads + [(0, 0)])
    flipped = np.swapaxes(np.flip(kernel, axis=tuple(range(n))), -1, -2)
    out = conv(dilated, flipped, 1, "valid", "channels_last", dilation)
    return _from_channels_last(out, data_format)


# ---------------------------------------------------------------- pooling


def _pool(inputs, pool_size, strides, padding, data_format, reduce, pad_value):
    x = _to_channels_last(inputs, data_format)
    n = x.ndim - 2
    pool = _tuple(pool_size, n)
    strides = pool if strides is None else _tuple(strides, n)
    if _check_padding(padding) == "same":
        x = _pad_same(x, pool, strides, (1,) * n, value=pad_value)
    windows = _windows(x, pool, strides, (1,) * n)
    return reduce(windows, tuple(range(-n, 0))), data_format


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    inputs = convert_to_tensor(inputs)
    floating = inputs.dtype.kind == "f" or inputs.dtype.name == "bfloat16"
    low = -np.inf if floating else np.iinfo(inputs.dtype).min
    out, data_format = _pool(inputs, pool_size, strides, padding, data_format, lambda w, a: np.max(w, axis=a), low)
    return _from_channels_last(out.astype(inputs.dtype), data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    inputs = _float_or_same(inputs)
    compute = inputs if inputs.dtype.itemsize >= 4 else inputs.astype(np.float32)  # half floats average in float32
    # NaN padding marks positions that must not count towards the average.
    out, data_format = _pool(compute, pool_size, strides, padding, data_format, lambda w, a: np.nanmean(w, axis=a), np.nan)
    return _from_channels_last(out.astype(inputs.dtype), data_format)


# -------------------------------------------------------------- attention


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False, flash_attention=None, attn_logits_soft_cap=None):
    query = convert_to_tensor(query)
    key = convert_to_tensor(key, query.dtype)
    value = convert_to_tensor(value, query.dtype)
    heads, kv_heads = query.shape[-2], key.shape[-2]
    if heads != kv_heads:
        key = np.repeat(key, heads // kv_heads, axis=-2)
        value = np.repeat(value, heads // kv_heads, axis=-2)
    scale = 1.0 / np.sqrt(query.shape[-1]) if scale is None else scale
    logits = np.einsum("btnh,bsnh->bnts", query.astype(np.float32), key.astype(np.float32)) * scale
    if attn_logits_soft_cap is not None:
        logits = attn_logits_soft_cap * np.tanh(logits / attn_logits_soft_cap)
    if bias is not None:
        logits = logits + convert_to_tensor(bias).astype(np.float32)
    keep = None if mask is None else convert_to_tensor(mask).astype(bool)
    if is_causal:
        causal = np.tril(np.ones((logits.shape[-2], logits.shape[-1]), bool))
        keep = causal if keep is None else keep & causal
    if keep is not None:
        logits = np.where(keep, logits, np.finfo(np.float32).min)
    logits = logits - logits.max(axis=-1, keepdims=True)
    weights = np.exp(logits)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return np.einsum("bnts,bsnh->btnh", weights, value.astype(np.float32)).astype(query.dtype)


# ------------------------------------------------------- adaptive pooling


def _adaptive_windows(in_size, out_size):
    """Per output cell: gather indices ``(out, k)`` into the input axis, and which of them count.

    Cell ``i`` covers ``[floor(i * in / out), ceil((i + 1) * in / out))`` (PyTorch's bins).
    Short windows repeat their last index so every row has the same length.
    """
    starts = (np.arange(out_size) * in_size) // out_size
    ends = -(-(np.arange(1, out_size + 1) * in_size) // out_size)
    width = int(np.max(ends - starts))
    offsets = starts[:, None] + np.arange(width)[None, :]
    return np.minimum(offsets, ends[:, None] - 1), offsets < ends[:, None], ends - starts


def _adaptive_pool(inputs, output_size, data_format, reduce_axis):
    x = convert_to_tensor(inputs)
    n = x.ndim - 2
    if n not in (1, 2, 3):
        raise ValueError(f"Adaptive pooling needs a 3D, 4D or 5D input. Received: inputs.shape={x.shape}")
    sizes = _tuple(output_size, n)
    first = 1 if data_format == "channels_last" else 2
    for i in range(n):
        x = reduce_axis(x, first + i, x.shape[first + i], int(sizes[i]))
    return x


def _adaptive_mean_axis(x, axis, in_size, out_size):
    index, valid, counts = _adaptive_windows(in_size, out_size)
    windows = np.take(x, index, axis=axis)
    keep = valid.reshape(valid.shape + (1,) * (x.ndim - axis - 1))
    total = np.sum(np.where(keep, windows, np.zeros((), x.dtype)), axis=axis + 1, dtype=x.dtype)
    return (total / counts.astype(x.dtype).reshape((out_size,) + (1,) * (x.ndim - axis - 1))).astype(x.dtype)


def _adaptive_max_axis(x, axis, in_size, out_size):
    index, _, _ = _adaptive_windows(in_size, out_size)
    return np.max(np.take(x, index, axis=axis), axis=axis + 1)


def adaptive_average_pool(inputs, output_size, data_format="channels_last"):
    return _adaptive_pool(_float_or_same(inputs), output_size, data_format, _adaptive_mean_axis)


def adaptive_max_pool(inputs, output_size, data_format="channels_last"):
    return _adaptive_pool(inputs, output_size, data_format, _adaptive_max_axis)


# ---------------------------------------------------------- unfold / fold


def _unfold_geometry(spatial, kernel_size, dilation, padding, stride):
    k, d, p, s = (_tuple(v, 2) for v in (kernel_size, dilation, padding, stride))
    blocks = tuple((spatial[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(2))
    return k, d, p, s, blocks


def _block_slices(i, j, d, s, blocks):
    h0, w0 = i * d[0], j * d[1]
    return (slice(None), slice(None), slice(h0, h0 + s[0] * (blocks[0] - 1) + 1, s[0]),
            slice(w0, w0 + s[1] * (blocks[1] - 1) + 1, s[1]))


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    x = convert_to_tensor(x)
    n, c = x.shape[:2]
    k, d, p, s, blocks = _unfold_geometry(x.shape[2:], kernel_size, dilation, padding, stride)
    x = np.pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    rows = [x[_block_slices(i, j, d, s, blocks)] for i in range(k[0]) for j in range(k[1])]
    # (n, c, kh * kw, bh, bw) -> (n, c * kh * kw, bh * bw): channel-major, like PyTorch.
    return np.reshape(np.stack(rows, axis=2), (n, c * k[0] * k[1], blocks[0] * blocks[1]))


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    x = convert_to_tensor(x)
    out_h, out_w = _tuple(output_size, 2)
    k, d, p, s, blocks = _unfold_geometry((out_h, out_w), kernel_size, dilation, padding, stride)
    n, ckk, length = x.shape
    if ckk % (k[0] * k[1]) or length != blocks[0] * blocks[1]:
        raise ValueError(
            f"fold: expected x of shape (N, C * {k[0] * k[1]}, {blocks[0] * blocks[1]}) for this output size and "
            f"kernel. Received: x.shape={x.shape}, output_size={output_size}, kernel_size={kernel_size}"
        )
    c = ckk // (k[0] * k[1])
    x = np.reshape(x, (n, c, k[0], k[1], blocks[0], blocks[1]))
    out = np.zeros((n, c, out_h + 2 * p[0], out_w + 2 * p[1]), x.dtype)
    for i in range(k[0]):
        for j in range(k[1]):
            out[_block_slices(i, j, d, s, blocks)] += x[:, :, i, j]
    return out[:, :, p[0] : p[0] + out_h, p[1] : p[1] + out_w]


# ---------------------------------------------------------------- CTC loss

_LOG_ZERO = -1e30  # finite "log 0", as on the JAX backend


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    target = convert_to_tensor(target).astype(np.int32)
    output = convert_to_tensor(output)
    output = output.astype(np.float64 if output.dtype == np.float64 else np.float32)
    target_length = convert_to_tensor(target_length).astype(np.int64)
    output_length = convert_to_tensor(output_length).astype(np.int64)
    batch, steps, _ = output.shape
    log_probs = log_softmax(output, axis=-1)
    states = 2 * target.shape[1] + 1
    labels = np.full((batch, states), mask_index, np.int64)
    labels[:, 1::2] = target
    emit = np.take_along_axis(log_probs, np.broadcast_to(labels[:, None, :], (batch, steps, states)), axis=2)
    can_skip = np.zeros((batch, states), bool)
    can_skip[:, 2:] = (labels[:, 2:] != labels[:, :-2]) & (labels[:, 2:] != mask_index)
    alpha = np.full((batch, states), _LOG_ZERO, output.dtype)
    alpha[:, :2] = emit[:, 0, :2]
    for t in range(1, steps):
        advance = np.full_like(alpha, _LOG_ZERO)
        advance[:, 1:] = alpha[:, :-1]
        skip = np.full_like(alpha, _LOG_ZERO)
        skip[:, 2:] = np.where(can_skip[:, 2:], alpha[:, :-2], _LOG_ZERO)
        new = np.logaddexp(np.logaddexp(alpha, advance), skip) + emit[:, t]
        alpha = np.where((t < output_length)[:, None], new, alpha)
    rows = np.arange(batch)
    last = alpha[rows, 2 * target_length]
    before_last = np.where(target_length > 0, alpha[rows, np.maximum(2 * target_length - 1, 0)], _LOG_ZERO)
    loss = -np.logaddexp(last, before_last)
    return np.where(loss > -_LOG_ZERO / 2, np.inf, loss).astype(output.dtype)


# ------------------------------------------------------------ fused kernels
# Layers and ops ask for these first; None means "no fused kernel here", and they use their
# composite form (which XLA fuses on its own).


def matmul_add(x, kernel, bias):
    return None


def trailing_layer_norm(x, gamma, beta, num_axes, epsilon):
    return None


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    return None
