"""JAX neural-network primitives."""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from cornu.backend.common.conv_padding import conv_transpose_padding
from cornu.backend.jax.core import convert_to_tensor
from cornu.backend.jax.numpy import _float_input


def relu(x):
    return jax.nn.relu(convert_to_tensor(x))


def relu6(x):
    return jax.nn.relu6(convert_to_tensor(x))


def sigmoid(x):
    return jax.nn.sigmoid(_float_input(x))


def softplus(x):
    return jax.nn.softplus(_float_input(x))


def softsign(x):
    return jax.nn.soft_sign(_float_input(x))


def silu(x):
    return jax.nn.silu(_float_input(x))


def log_sigmoid(x):
    return jax.nn.log_sigmoid(_float_input(x))


def leaky_relu(x, negative_slope=0.2):
    return jax.nn.leaky_relu(_float_input(x), negative_slope=negative_slope)


def hard_sigmoid(x):
    return jax.nn.hard_sigmoid(_float_input(x))


def elu(x, alpha=1.0):
    return jax.nn.elu(_float_input(x), alpha=alpha)


def selu(x):
    return jax.nn.selu(_float_input(x))


def gelu(x, approximate=True):
    return jax.nn.gelu(_float_input(x), approximate=approximate)


def softmax(x, axis=-1):
    return jax.nn.softmax(_float_input(x), axis=axis)


def log_softmax(x, axis=-1):
    return jax.nn.log_softmax(_float_input(x), axis=axis)


def one_hot(x, num_classes, axis=-1, dtype="float32", sparse=False):
    return jax.nn.one_hot(convert_to_tensor(x), num_classes, axis=axis, dtype=dtype)


# ----------------------------------------------------------- convolution


def _tuple(value, n):
    return (value,) * n if isinstance(value, int) else tuple(value)


def _conv_dimension_numbers(n, data_format):
    spatial = "DHW"[3 - n :] if n <= 3 else None
    lhs = f"N{spatial}C" if data_format == "channels_last" else f"NC{spatial}"
    return jax.lax.conv_dimension_numbers((1,) * (n + 2), (1,) * (n + 2), (lhs, f"{spatial}IO", lhs))


def _check_padding(padding):
    padding = padding.lower()
    if padding not in ("valid", "same"):
        raise ValueError(f"`padding` must be 'valid' or 'same'. Received: padding={padding!r}")
    return padding.upper()


def conv(inputs, kernel, strides=1, padding="valid", data_format="channels_last", dilation_rate=1):
    inputs = _float_or_same(inputs)
    kernel = convert_to_tensor(kernel, inputs.dtype)
    n = inputs.ndim - 2
    channels = inputs.shape[-1] if data_format == "channels_last" else inputs.shape[1]
    groups = channels // kernel.shape[-2]
    if channels % kernel.shape[-2]:
        raise ValueError(
            "The input channels must be a multiple of the kernel's input channels. "
            f"Received: inputs.shape={inputs.shape}, kernel.shape={kernel.shape}"
        )
    return jax.lax.conv_general_dilated(
        inputs, kernel, _tuple(strides, n), _check_padding(padding), rhs_dilation=_tuple(dilation_rate, n),
        dimension_numbers=_conv_dimension_numbers(n, data_format), feature_group_count=groups,
    )


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format="channels_last", dilation_rate=1):
    kernel = convert_to_tensor(kernel)
    # (spatial..., in, multiplier) -> (spatial..., 1, in * multiplier): one group per input channel.
    kernel = jnp.reshape(kernel, kernel.shape[:-2] + (1, kernel.shape[-2] * kernel.shape[-1]))
    return conv(inputs, kernel, strides, padding, data_format, dilation_rate)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format="channels_last", dilation_rate=1):
    out = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv(out, pointwise_kernel, 1, "valid", data_format, 1)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format="channels_last", dilation_rate=1):
    inputs = _float_or_same(inputs)
    kernel = convert_to_tensor(kernel, inputs.dtype)
    n = inputs.ndim - 2
    strides, dilation = _tuple(strides, n), _tuple(dilation_rate, n)
    out_pad = (None,) * n if output_padding is None else _tuple(output_padding, n)
    pads = [conv_transpose_padding(kernel.shape[i], strides[i], dilation[i], padding, out_pad[i]) for i in range(n)]
    # Keras kernels are (spatial..., out, in): flip spatially and swap to (spatial..., in, out).
    kernel = jnp.swapaxes(jnp.flip(kernel, axis=tuple(range(n))), -1, -2)
    return jax.lax.conv_general_dilated(
        inputs, kernel, (1,) * n, pads, lhs_dilation=strides, rhs_dilation=dilation,
        dimension_numbers=_conv_dimension_numbers(n, data_format),
    )


def _float_or_same(x):
    x = convert_to_tensor(x)
    return x if jnp.issubdtype(x.dtype, jnp.inexact) else x.astype("float32")


# ---------------------------------------------------------------- pooling


def _pool_window(inputs, pool_size, strides, data_format):
    n = inputs.ndim - 2
    pool = _tuple(pool_size, n)
    strides = pool if strides is None else _tuple(strides, n)
    if data_format == "channels_last":
        return (1,) + pool + (1,), (1,) + strides + (1,)
    return (1, 1) + pool, (1, 1) + strides


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    inputs = convert_to_tensor(inputs)
    window, strides = _pool_window(inputs, pool_size, strides, data_format)
    # The init value must be a Python number: an array breaks differentiation under jit.
    init = -float("inf") if jnp.issubdtype(inputs.dtype, jnp.inexact) else int(jnp.iinfo(inputs.dtype).min)
    return jax.lax.reduce_window(inputs, init, jax.lax.max, window, strides, _check_padding(padding))


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    inputs = _float_or_same(inputs)
    window, strides = _pool_window(inputs, pool_size, strides, data_format)
    padding = _check_padding(padding)
    total = jax.lax.reduce_window(inputs, 0.0, jax.lax.add, window, strides, padding)
    if padding == "VALID":
        return total / jnp.prod(jnp.asarray(window)).astype(inputs.dtype)
    # 'same': padded positions do not count towards the average. The counts depend on the
    # static shape only: made on the host (XLA would spend seconds constant-folding a window sum).
    return total / _same_padding_counts(inputs.shape, window, strides).astype(inputs.dtype)


def _same_padding_counts(shape, window, strides):
    """How many real (unpadded) elements each 'same'-padded window covers, shaped to broadcast."""
    pads = jax.lax.padtype_to_pads(shape, window, strides, "SAME")
    count = np.ones((), np.float32)
    for axis, (n, k, s, (before, _)) in enumerate(zip(shape, window, strides, pads)):
        if k == 1 and s == 1:
            continue
        out = -(-n // s)
        starts = np.arange(out) * s - before
        per_axis = (np.minimum(starts + k, n) - np.maximum(starts, 0)).astype(np.float32)
        view = [1] * len(shape)
        view[axis] = out
        count = count * per_axis.reshape(view)
    return count


# -------------------------------------------------------------- attention


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False, flash_attention=None, attn_logits_soft_cap=None):
    query = convert_to_tensor(query)
    key = convert_to_tensor(key, query.dtype)
    value = convert_to_tensor(value, query.dtype)
    heads, kv_heads = query.shape[-2], key.shape[-2]
    if heads != kv_heads:
        # Grouped-query attention: each key/value head serves heads // kv_heads query heads.
        key = jnp.repeat(key, heads // kv_heads, axis=-2)
        value = jnp.repeat(value, heads // kv_heads, axis=-2)
    scale = 1.0 / jnp.sqrt(query.shape[-1]).astype(query.dtype) if scale is None else scale
    logits = jnp.einsum("btnh,bsnh->bnts", query, key, preferred_element_type=jnp.float32) * scale
    if attn_logits_soft_cap is not None:
        logits = attn_logits_soft_cap * jnp.tanh(logits / attn_logits_soft_cap)
    if bias is not None:
        logits = logits + convert_to_tensor(bias).astype(logits.dtype)
    keep = None
    if mask is not None:
        keep = convert_to_tensor(mask).astype(bool)
    if is_causal:
        causal = jnp.tril(jnp.ones((logits.shape[-2], logits.shape[-1]), bool))
        keep = causal if keep is None else keep & causal
    if keep is not None:
        logits = jnp.where(keep, logits, jnp.finfo(logits.dtype).min)
    weights = jax.nn.softmax(logits, axis=-1).astype(value.dtype)
    return jnp.einsum("bnts,bsnh->btnh", weights, value)


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
    windows = jnp.take(x, jnp.asarray(index), axis=axis)
    keep = jnp.asarray(valid).reshape(valid.shape + (1,) * (x.ndim - axis - 1))
    total = jnp.sum(jnp.where(keep, windows, jnp.zeros((), x.dtype)), axis=axis + 1)
    return total / jnp.asarray(counts, x.dtype).reshape((out_size,) + (1,) * (x.ndim - axis - 1))


def _adaptive_max_axis(x, axis, in_size, out_size):
    index, _, _ = _adaptive_windows(in_size, out_size)
    return jnp.max(jnp.take(x, jnp.asarray(index), axis=axis), axis=axis + 1)


def adaptive_average_pool(inputs, output_size, data_format="channels_last"):
    return _adaptive_pool(_float_or_same(inputs), output_size, data_format, _adaptive_mean_axis)


def adaptive_max_pool(inputs, output_size, data_format="channels_last"):
    return _adaptive_pool(inputs, output_size, data_format, _adaptive_max_axis)


# ---------------------------------------------------------- unfold / fold


def _unfold_geometry(spatial, kernel_size, dilation, padding, stride):
    k, d, p, s = (_tuple(v, 2) for v in (kernel_size, dilation, padding, stride))
    blocks = tuple((spatial[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(2))
    return k, d, p, s, blocks


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    x = convert_to_tensor(x)
    n, c = x.shape[:2]
    k, d, p, s, blocks = _unfold_geometry(x.shape[2:], kernel_size, dilation, padding, stride)
    x = jnp.pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    rows = []
    for i in range(k[0]):
        for j in range(k[1]):
            h0, w0 = i * d[0], j * d[1]
            rows.append(x[:, :, h0 : h0 + s[0] * (blocks[0] - 1) + 1 : s[0], w0 : w0 + s[1] * (blocks[1] - 1) + 1 : s[1]])
    # (n, c, kh * kw, bh, bw) -> (n, c * kh * kw, bh * bw): channel-major, like PyTorch.
    return jnp.reshape(jnp.stack(rows, axis=2), (n, c * k[0] * k[1], blocks[0] * blocks[1]))


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
    x = jnp.reshape(x, (n, c, k[0], k[1], blocks[0], blocks[1]))
    out = jnp.zeros((n, c, out_h + 2 * p[0], out_w + 2 * p[1]), x.dtype)
    for i in range(k[0]):
        for j in range(k[1]):
            h0, w0 = i * d[0], j * d[1]
            out = out.at[:, :, h0 : h0 + s[0] * (blocks[0] - 1) + 1 : s[0], w0 : w0 + s[1] * (blocks[1] - 1) + 1 : s[1]].add(x[:, :, i, j])
    return out[:, :, p[0] : p[0] + out_h, p[1] : p[1] + out_w]


# ---------------------------------------------------------------- CTC loss

_LOG_ZERO = -1e30  # finite "log 0": keeps logaddexp and its gradient free of NaNs


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    target, output = convert_to_tensor(target), convert_to_tensor(output)
    return _ctc_loss(target, output, convert_to_tensor(target_length), convert_to_tensor(output_length), int(mask_index))


@functools.partial(jax.jit, static_argnames=("mask_index",))  # one compile per shape, not one per eager call
def _ctc_loss(target, output, target_length, output_length, mask_index):
    target = target.astype("int32")
    output = output.astype(jnp.promote_types(output.dtype, "float32"))
    target_length = target_length.astype("int32")
    output_length = output_length.astype("int32")
    batch, steps, _ = output.shape
    log_probs = jax.nn.log_softmax(output, axis=-1)
    # Blank-interleaved labels: blank, l1, blank, l2, ..., blank.
    states = 2 * target.shape[1] + 1
    labels = jnp.full((batch, states), mask_index, "int32").at[:, 1::2].set(target)
    emit = jnp.take_along_axis(log_probs, jnp.broadcast_to(labels[:, None, :], (batch, steps, states)), axis=2)
    can_skip = jnp.concatenate(
        [jnp.zeros((batch, 2), bool), (labels[:, 2:] != labels[:, :-2]) & (labels[:, 2:] != mask_index)], axis=1
    )
    neg = jnp.asarray(_LOG_ZERO, output.dtype)
    alpha = jnp.full((batch, states), neg).at[:, :2].set(emit[:, 0, :2])

    def step(alpha, inputs):
        emit_t, t = inputs
        stay = alpha
        advance = jnp.concatenate([jnp.full((batch, 1), neg), alpha[:, :-1]], axis=1)
        skip = jnp.where(can_skip, jnp.concatenate([jnp.full((batch, 2), neg), alpha[:, :-2]], axis=1), neg)
        new = jnp.logaddexp(jnp.logaddexp(stay, advance), skip) + emit_t
        return jnp.where((t < output_length)[:, None], new, alpha), None

    alpha, _ = jax.lax.scan(step, alpha, (jnp.swapaxes(emit, 0, 1)[1:], jnp.arange(1, steps)))
    last = jnp.take_along_axis(alpha, (2 * target_length)[:, None], axis=1)[:, 0]
    before_last = jnp.take_along_axis(alpha, jnp.maximum(2 * target_length - 1, 0)[:, None], axis=1)[:, 0]
    before_last = jnp.where(target_length > 0, before_last, neg)
    loss = -jnp.logaddexp(last, before_last)
    # No alignment at all (e.g. a label longer than the input): the loss is +inf, as in PyTorch.
    return jnp.where(loss > -_LOG_ZERO / 2, jnp.inf, loss)


# ------------------------------------------------------------ fused kernels
# Layers and ops ask for these first; None means "no fused kernel here", and they use their
# composite form (which XLA fuses on its own).


def matmul_add(x, kernel, bias):
    return None


def trailing_layer_norm(x, gamma, beta, num_axes, epsilon):
    return None


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    return None
