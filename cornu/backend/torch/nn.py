"""PyTorch neural-network primitives."""

import torch
import torch.nn.functional as F

from cornu.backend import config
from cornu.backend.common.conv_padding import conv_transpose_padding as _conv_transpose_padding
from cornu.backend.common.conv_padding import same_padding as _same_padding
from cornu.backend.torch.core import Variable, convert_to_tensor, to_torch_dtype
from cornu.backend.torch.numpy import _float_input


def relu(x):
    return torch.relu(convert_to_tensor(x))


def relu6(x):
    return F.relu6(convert_to_tensor(x))


def sigmoid(x):
    return torch.sigmoid(_float_input(x))


def softplus(x):
    return F.softplus(_float_input(x))


def softsign(x):
    return F.softsign(_float_input(x))


def silu(x):
    return F.silu(_float_input(x))


def log_sigmoid(x):
    return F.logsigmoid(_float_input(x))


def leaky_relu(x, negative_slope=0.2):
    return F.leaky_relu(_float_input(x), negative_slope=negative_slope)


def hard_sigmoid(x):
    return F.hardsigmoid(_float_input(x))


def elu(x, alpha=1.0):
    return F.elu(_float_input(x), alpha=alpha)


def selu(x):
    return F.selu(_float_input(x))


def gelu(x, approximate=True):
    return F.gelu(_float_input(x), approximate="tanh" if approximate else "none")


def softmax(x, axis=-1):
    x = _float_input(x)
    if axis is None:
        return torch.softmax(x.flatten(), dim=0).reshape(x.shape)
    return torch.softmax(x, dim=axis)


def log_softmax(x, axis=-1):
    x = _float_input(x)
    if axis is None:
        return torch.log_softmax(x.flatten(), dim=0).reshape(x.shape)
    return torch.log_softmax(x, dim=axis)


def one_hot(x, num_classes, axis=-1, dtype="float32", sparse=False):
    x = convert_to_tensor(x).long()
    valid = x >= 0
    out = F.one_hot(torch.where(valid, x, 0), num_classes) * valid.unsqueeze(-1)
    out = out.to(to_torch_dtype(dtype))
    if axis != -1:
        out = torch.movedim(out, -1, axis)
    return out


def matmul_add(x, kernel, bias):
    """``x @ kernel + bias`` as one ``addmm`` (leading axes of a contiguous ``x`` folded) when all
    three are floating tensors of one dtype; None otherwise (the caller uses matmul and add)."""
    if isinstance(kernel, Variable):
        kernel = kernel.value
    if isinstance(bias, Variable):
        bias = bias.value
    if not (isinstance(x, torch.Tensor) and isinstance(kernel, torch.Tensor) and isinstance(bias, torch.Tensor)):
        return None
    if x.ndim < 2 or kernel.ndim != 2 or bias.ndim != 1 or not x.is_floating_point():
        return None
    if not x.dtype == kernel.dtype == bias.dtype:
        return None
    if x.ndim == 2:
        return torch.addmm(bias, x, kernel)
    if not x.is_contiguous():
        return None
    # (batch, ..., features): the leading axes folded into one for a single addmm (views, no copy).
    flat = torch.addmm(bias, x.reshape(-1, x.shape[-1]), kernel)
    return flat.reshape(x.shape[:-1] + (kernel.shape[1],))


def trailing_layer_norm(x, gamma, beta, num_axes, epsilon):
    """Layer normalization over the last ``num_axes`` axes as one ``F.layer_norm`` (mean and
    biased variance, ``1 / sqrt(var + epsilon)``, then ``* gamma + beta``; the weights, variables
    or tensors, are cast to ``x``'s dtype); None for a non-float ``x``."""
    if not (isinstance(x, torch.Tensor) and x.is_floating_point()):
        return None
    gamma, beta = (None if w is None else convert_to_tensor(w).to(x.dtype) for w in (gamma, beta))
    return F.layer_norm(x, tuple(x.shape[x.ndim - num_axes:]), gamma, beta, float(epsilon))


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Picks each label's log-probability with ``gather`` instead of multiplying by a one-hot
    matrix: fewer kernels and autograd nodes per step, and exactly the same value (the other
    terms of the one-hot sum are zeros). Labels outside ``[0, num_classes)`` give 0, as the
    all-zero one-hot row does."""
    output = _float_input(output)
    if from_logits:
        log_prob = torch.log_softmax(output, dim=axis)
    else:
        output = output / torch.sum(output, dim=axis, keepdim=True)
        eps = config.epsilon()
        log_prob = torch.log(torch.clamp(output, eps, 1.0 - eps))
    target = convert_to_tensor(target)
    index = target if target.dtype == torch.int64 else target.long()  # truncates, as a cast does
    if log_prob.ndim == 2 and axis in (-1, 1):
        # nll_loss is the same pick and negation in one autograd node; its ignore_index gives the
        # out-of-range labels their 0.
        if index.device.type == "cpu" and not torch.compiler.is_compiling():
            try:
                # On the CPU nll_loss checks the labels itself (IndexError when one is outside
                # [0, C)), so the masking ops below are only needed when that happens. (Not
                # inside torch.compile: a compiled kernel need not check them.)
                return F.nll_loss(log_prob, index, reduction="none", ignore_index=_IGNORED_LABEL)
            except IndexError:
                pass
        valid = (index >= 0) & (index < output.shape[axis])
        index = torch.where(valid, index, _IGNORED_LABEL)
        return F.nll_loss(log_prob, index, reduction="none", ignore_index=_IGNORED_LABEL)
    valid = (index >= 0) & (index < output.shape[axis])
    index = torch.where(valid, index, 0).unsqueeze(axis)
    picked = torch.gather(log_prob, axis, index).squeeze(axis)
    return torch.where(valid, -picked, torch.zeros((), dtype=picked.dtype, device=picked.device))


_IGNORED_LABEL = -100


# ----------------------------------------------------------- convolution


def _tuple(value, n):
    return (value,) * n if isinstance(value, int) else tuple(value)


def _to_channels_first(x, data_format):
    return torch.movedim(x, -1, 1) if data_format == "channels_last" else x


def _from_channels_first(x, data_format):
    return torch.movedim(x, 1, -1) if data_format == "channels_last" else x


def _pad_spatial(x, pads, value=0.0):
    flat = []
    for before, after in reversed(pads):
        flat.extend([before, after])
    return F.pad(x, flat, value=value) if any(flat) else x


_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}


def _float_or_same(x):
    x = convert_to_tensor(x)
    return x if x.is_floating_point() else x.to(torch.float32)


def conv(inputs, kernel, strides=1, padding="valid", data_format="channels_last", dilation_rate=1):
    inputs = _float_or_same(inputs)
    kernel = convert_to_tensor(kernel, inputs.dtype)
    n = inputs.ndim - 2
    x = _to_channels_first(inputs, data_format)
    strides, dilation = _tuple(strides, n), _tuple(dilation_rate, n)
    groups = x.shape[1] // kernel.shape[-2]
    if x.shape[1] % kernel.shape[-2]:
        raise ValueError(
            "The input channels must be a multiple of the kernel's input channels. "
            f"Received: inputs.shape={tuple(inputs.shape)}, kernel.shape={tuple(kernel.shape)}"
        )
    padding = padding.lower()
    if padding == "same":
        x = _pad_spatial(x, [_same_padding(x.shape[2 + i], kernel.shape[i], strides[i], dilation[i]) for i in range(n)])
    elif padding != "valid":
        raise ValueError(f"`padding` must be 'valid' or 'same'. Received: padding={padding!r}")
    # Keras kernels are (spatial..., in, out); torch wants (out, in, spatial...).
    weight = kernel.permute((n + 1, n) + tuple(range(n)))
    out = _CONV[n](x, weight, stride=strides, dilation=dilation, groups=groups)
    return _from_channels_first(out, data_format)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format="channels_last", dilation_rate=1):
    kernel = convert_to_tensor(kernel)
    kernel = kernel.reshape(tuple(kernel.shape[:-2]) + (1, kernel.shape[-2] * kernel.shape[-1]))
    return conv(inputs, kernel, strides, padding, data_format, dilation_rate)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format="channels_last", dilation_rate=1):
    out = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv(out, pointwise_kernel, 1, "valid", data_format, 1)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format="channels_last", dilation_rate=1):
    inputs = _float_or_same(inputs)
    kernel = convert_to_tensor(kernel, inputs.dtype)
    n = inputs.ndim - 2
    x = _to_channels_first(inputs, data_format)
    strides, dilation = _tuple(strides, n), _tuple(dilation_rate, n)
    out_pad = (None,) * n if output_padding is None else _tuple(output_padding, n)
    # Insert stride - 1 zeros between inputs, pad, then run a stride-1 conv with the flipped kernel.
    if any(s > 1 for s in strides):
        shape = tuple(x.shape[:2]) + tuple((x.shape[2 + i] - 1) * strides[i] + 1 for i in range(n))
        dilated = x.new_zeros(shape)
        dilated[(slice(None), slice(None)) + tuple(slice(None, None, s) for s in strides)] = x
        x = dilated
    pads = [_conv_transpose_padding(kernel.shape[i], strides[i], dilation[i], padding, out_pad[i]) for i in range(n)]
    x = _pad_spatial(x, pads)
    weight = torch.flip(kernel, dims=tuple(range(n))).permute((n, n + 1) + tuple(range(n)))
    out = _CONV[n](x, weight, dilation=dilation)
    return _from_channels_first(out, data_format)


# ---------------------------------------------------------------- pooling

_MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def _pool_args(inputs, pool_size, strides):
    n = inputs.ndim - 2
    pool = _tuple(pool_size, n)
    return n, pool, pool if strides is None else _tuple(strides, n)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    inputs = convert_to_tensor(inputs)
    n, pool, strides = _pool_args(inputs, pool_size, strides)
    x = _to_channels_first(inputs, data_format)
    if padding.lower() == "same":
        pads = [_same_padding(x.shape[2 + i], pool[i], strides[i], 1) for i in range(n)]
        x = _pad_spatial(x, pads, value=float("-inf"))
    return _from_channels_first(_MAX_POOL[n](x, pool, strides), data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    inputs = _float_or_same(inputs)
    n, pool, strides = _pool_args(inputs, pool_size, strides)
    x = _to_channels_first(inputs, data_format)
    if padding.lower() != "same":
        return _from_channels_first(_AVG_POOL[n](x, pool, strides), data_format)
    # 'same': average only over real (unpadded) positions.
    pads = [_same_padding(x.shape[2 + i], pool[i], strides[i], 1) for i in range(n)]
    total = _AVG_POOL[n](_pad_spatial(x, pads), pool, strides, divisor_override=1) if n > 1 else _AVG_POOL[n](_pad_spatial(x, pads), pool, strides) * pool[0]
    ones = _pad_spatial(torch.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype), pads)
    count = _AVG_POOL[n](ones, pool, strides) * float(torch.tensor(pool).prod())
    return _from_channels_first(total / count, data_format)


# -------------------------------------------------------------- attention


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False, flash_attention=None, attn_logits_soft_cap=None):
    query = convert_to_tensor(query)
    key = convert_to_tensor(key, query.dtype)
    value = convert_to_tensor(value, query.dtype)
    q, k, v = (t.transpose(1, 2) for t in (query, key, value))  # (B, N, T, H)
    heads, kv_heads = q.shape[1], k.shape[1]
    if heads != kv_heads:
        k = torch.repeat_interleave(k, heads // kv_heads, dim=1)
        v = torch.repeat_interleave(v, heads // kv_heads, dim=1)
    if attn_logits_soft_cap is None:
        # The fused kernel takes one additive (or boolean) mask: fold bias, mask and causality into it.
        attn_mask = None if bias is None else convert_to_tensor(bias, q.dtype)
        keep = None if mask is None else convert_to_tensor(mask).bool()
        if is_causal:
            causal = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril()
            keep = causal if keep is None else keep & causal
        if keep is not None:
            blocked = torch.tensor(torch.finfo(q.dtype).min, dtype=q.dtype)
            additive = torch.where(keep, torch.zeros((), dtype=q.dtype), blocked)
            attn_mask = additive if attn_mask is None else attn_mask + additive
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask, scale=scale)
        return out.transpose(1, 2)
    scale = q.shape[-1] ** -0.5 if scale is None else scale
    logits = torch.einsum("bnth,bnsh->bnts", q.float(), k.float()) * scale
    logits = attn_logits_soft_cap * torch.tanh(logits / attn_logits_soft_cap)
    if bias is not None:
        logits = logits + convert_to_tensor(bias).float()
    if mask is not None:
        logits = logits.masked_fill(~convert_to_tensor(mask).bool(), torch.finfo(logits.dtype).min)
    if is_causal:
        causal = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril()
        logits = logits.masked_fill(~causal, torch.finfo(logits.dtype).min)
    weights = torch.softmax(logits, dim=-1).to(v.dtype)
    return torch.einsum("bnts,bnsh->bnth", weights, v).transpose(1, 2)


# ------------------------------------------------------- adaptive pooling

_ADAPTIVE_AVG = {1: F.adaptive_avg_pool1d, 2: F.adaptive_avg_pool2d, 3: F.adaptive_avg_pool3d}
_ADAPTIVE_MAX = {1: F.adaptive_max_pool1d, 2: F.adaptive_max_pool2d, 3: F.adaptive_max_pool3d}


def _adaptive_pool(x, output_size, data_format, kernels):
    n = x.ndim - 2
    if n not in kernels:
        raise ValueError(f"Adaptive pooling needs a 3D, 4D or 5D input. Received: inputs.shape={tuple(x.shape)}")
    size = _tuple(output_size, n)
    out = kernels[n](_to_channels_first(x, data_format), size[0] if n == 1 else size)
    return _from_channels_first(out, data_format)


def adaptive_average_pool(inputs, output_size, data_format="channels_last"):
    return _adaptive_pool(_float_or_same(inputs), output_size, data_format, _ADAPTIVE_AVG)


def adaptive_max_pool(inputs, output_size, data_format="channels_last"):
    return _on_floats(lambda v: _adaptive_pool(v, output_size, data_format, _ADAPTIVE_MAX), inputs)


# ---------------------------------------------------------- unfold / fold


def _on_floats(fn, x):
    # im2col/col2im have float kernels only; float64 holds every int32 exactly.
    x = convert_to_tensor(x)
    return fn(x) if x.is_floating_point() else fn(x.to(torch.float64)).to(x.dtype)


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    return _on_floats(lambda v: F.unfold(v, kernel_size, dilation=dilation, padding=padding, stride=stride), x)


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    return _on_floats(lambda v: F.fold(v, output_size, kernel_size, dilation=dilation, padding=padding, stride=stride), x)


# ---------------------------------------------------------------- CTC loss


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    output = convert_to_tensor(output)
    output = output if output.dtype == torch.float64 else output.to(torch.float32)
    log_probs = F.log_softmax(torch.transpose(output, 0, 1), dim=-1)
    return F.ctc_loss(
        log_probs, convert_to_tensor(target).to(torch.int64), convert_to_tensor(output_length).to(torch.int64),
        convert_to_tensor(target_length).to(torch.int64), blank=mask_index, reduction="none",
    )
