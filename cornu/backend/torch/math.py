"""PyTorch math ops (top-k, segment reductions, special functions, FFT) and the
structured core ops (slice/scatter updates, scan, map, switch)."""

import builtins

import optree
import torch

from cornu.backend.common.dtypes import standardize_dtype
from cornu.backend.torch.core import convert_to_tensor, to_torch_dtype
from cornu.backend.torch.numpy import _float_input, _t


# ------------------------------------------------------------- math


def top_k(x, k, sorted=True):
    values, indices = torch.topk(_t(x), k, sorted=sorted)
    return values, indices.to(torch.int32)


def in_top_k(targets, predictions, k):
    predictions = _t(predictions)
    targets = _t(targets).long()
    target_values = torch.take_along_dim(predictions, targets[:, None], dim=-1)
    better = torch.sum(predictions > target_values, dim=-1)
    return (better < k) & torch.isfinite(target_values[:, 0])


def logsumexp(x, axis=None, keepdims=False):
    x = _float_input(x)
    if axis is None:
        out = torch.logsumexp(x.reshape(-1), dim=0)
        return out.reshape((1,) * x.ndim) if keepdims else out
    dims = tuple(axis) if isinstance(axis, (list, tuple)) else axis
    return torch.logsumexp(x, dim=dims, keepdim=keepdims)


def _segment(reduce, data, segment_ids, num_segments):
    data = _t(data)
    segment_ids = _t(segment_ids).long()
    if num_segments is None:
        num_segments = int(segment_ids.max()) + 1 if segment_ids.numel() else 0
    valid = (segment_ids >= 0) & (segment_ids < num_segments)
    data, segment_ids = data[valid], segment_ids[valid]
    fill = torch.ones if reduce == "prod" else torch.zeros  # an empty product is 1
    out = fill((num_segments,) + tuple(data.shape[1:]), dtype=data.dtype, device=data.device)
    index = segment_ids.reshape((-1,) + (1,) * (data.ndim - 1)).expand(data.shape)
    return out.scatter_reduce(0, index, data, reduce=reduce, include_self=False)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    return _segment("sum", data, segment_ids, num_segments)


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    return _segment("prod", data, segment_ids, num_segments)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    out = _segment("amax", data, segment_ids, num_segments)
    return _fill_empty(out, data, segment_ids, num_segments, low=True)


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    out = _segment("amin", data, segment_ids, num_segments)
    return _fill_empty(out, data, segment_ids, num_segments, low=False)


def _fill_empty(out, data, segment_ids, num_segments, low):
    # Empty segments hold the reduction's identity, as in JAX (-inf for max, +inf for min).
    counts = torch.bincount(_t(segment_ids).long().clamp(min=0), minlength=out.shape[0])[: out.shape[0]]
    empty = (counts == 0).reshape((-1,) + (1,) * (out.ndim - 1))
    if out.is_floating_point():
        fill = float("-inf") if low else float("inf")
    else:
        info = torch.iinfo(out.dtype)
        fill = info.min if low else info.max
    return torch.where(empty, torch.tensor(fill, dtype=out.dtype), out)


def rsqrt(x):
    return torch.rsqrt(_float_input(x))


def erf(x):
    return torch.special.erf(_float_input(x))


def erfc(x):
    return torch.special.erfc(_float_input(x))


def erfinv(x):
    x = _float_input(x)
    if x.dtype in (torch.float16, torch.bfloat16):
        return torch.special.erfinv(x.float()).to(x.dtype)
    return torch.special.erfinv(x)


def logdet(x):
    x = _float_input(x)
    compute = torch.float32 if x.dtype in (torch.float16, torch.bfloat16) else x.dtype
    return torch.linalg.slogdet(x.to(compute))[1].to(x.dtype)


def cdist(x, y):
    x, y = _float_input(x), _float_input(y)
    diff = x[..., :, None, :] - y[..., None, :, :]
    return torch.sqrt(torch.sum(diff * diff, dim=-1))


def _complex(x):
    real, imag = x
    real, imag = _float_input(real), _float_input(imag)
    compute = torch.float64 if real.dtype == torch.float64 else torch.float32
    return real.dtype, torch.complex(real.to(compute), imag.to(compute))


def _split(z, dtype):
    return z.real.to(dtype), z.imag.to(dtype)


def fft(x):
    dtype, z = _complex(x)
    return _split(torch.fft.fft(z), dtype)


def fft2(x):
    dtype, z = _complex(x)
    return _split(torch.fft.fft2(z), dtype)


def ifft2(x):
    dtype, z = _complex(x)
    return _split(torch.fft.ifft2(z), dtype)


def rfft(x, fft_length=None):
    x = _float_input(x)
    compute = torch.float64 if x.dtype == torch.float64 else torch.float32
    return _split(torch.fft.rfft(x.to(compute), n=fft_length), x.dtype)


def irfft(x, fft_length=None):
    dtype, z = _complex(x)
    return torch.fft.irfft(z, n=fft_length).to(dtype)


def extract_sequences(x, sequence_length, sequence_stride):
    return _t(x).unfold(-1, sequence_length, sequence_stride)



def _stft_window(window, sequence_length, fft_length, dtype, device):
    """``(window, win_length)`` for torch.stft/istft; no window means ones over all ``fft_length``."""
    if window is None:
        return torch.ones((fft_length,), dtype=dtype, device=device), fft_length
    return convert_to_tensor(window).to(dtype=dtype, device=device), sequence_length


def _batched(x, fn):
    """Runs ``fn`` on ``x`` flattened to (batch, ...last axis) and restores the leading axes."""
    lead = x.shape[:-1]
    out = fn(x.reshape((-1, x.shape[-1])))
    return out.reshape(tuple(lead) + tuple(out.shape[1:]))


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    x = _float_input(x)
    win, win_length = _stft_window(window, sequence_length, fft_length, x.dtype, x.device)

    def transform(signal):
        return torch.stft(signal, fft_length, hop_length=sequence_stride, win_length=win_length, window=win,
                          center=center, pad_mode="reflect", normalized=False, onesided=True, return_complex=True)

    out = torch.swapaxes(_batched(x, transform), -2, -1)
    return out.real.to(x.dtype), out.imag.to(x.dtype)


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    dtype, z = _complex(x)
    frames = z.shape[-2]
    total = fft_length + sequence_stride * (frames - 1)
    start = fft_length // 2 if center else 0
    end = total - start if length is None else builtins.min(start + length, total)
    win, win_length = _stft_window(window, sequence_length, fft_length, z.real.dtype, z.device)
    if center and window is not None:
        # The fused kernel; it needs a nonzero window envelope, which centring gives.
        z = torch.swapaxes(z, -2, -1)
        flat = z.reshape((-1,) + tuple(z.shape[-2:]))
        out = torch.istft(flat, fft_length, hop_length=sequence_stride, win_length=win_length, window=win,
                          center=True, length=end - start)
        return out.reshape(tuple(z.shape[:-2]) + (end - start,)).to(dtype)
    padded = torch.zeros((fft_length,), dtype=win.dtype, device=win.device)
    left = (fft_length - win_length) // 2
    padded[left : left + win_length] = win
    signal = _overlap_add(torch.fft.irfft(z, n=fft_length) * padded, sequence_stride)
    envelope = _overlap_add((padded * padded).expand(frames, fft_length), sequence_stride)
    signal = signal / torch.where(envelope > 1e-10, envelope, torch.ones_like(envelope))
    if window is None:
        signal = signal * (fft_length / sequence_stride)
    return signal[..., start:end].to(dtype)


def _overlap_add(frames, stride):
    """Sums frames ``(..., F, N)`` placed ``stride`` apart into one signal of length ``N + stride * (F - 1)``."""
    count, length = frames.shape[-2:]
    total = length + stride * (count - 1)
    lead = tuple(frames.shape[:-2])
    folded = torch.nn.functional.fold(
        torch.swapaxes(frames.reshape((-1, count, length)), 1, 2), (1, total), (1, length), stride=(1, stride)
    )
    return folded.reshape(lead + (total,))


# ------------------------------------------------------------- core ops


def _starts(inputs, start_indices, shape):
    if isinstance(start_indices, torch.Tensor):
        start_indices = start_indices.reshape(-1).tolist()
    starts = [int(s) for s in start_indices]
    return tuple(
        builtins.slice(builtins.min(builtins.max(s, 0), d - n), builtins.min(builtins.max(s, 0), d - n) + n)
        for s, n, d in zip(starts, shape, inputs.shape)
    )


def slice(inputs, start_indices, shape):
    inputs = _t(inputs)
    return inputs[_starts(inputs, start_indices, tuple(shape))]


def slice_update(inputs, start_indices, updates):
    inputs = _t(inputs)
    updates = convert_to_tensor(updates, inputs.dtype)
    out = inputs.clone()
    out[_starts(inputs, start_indices, tuple(updates.shape))] = updates
    return out


def scatter(indices, values, shape):
    indices = _t(indices).long()
    values = _t(values)
    out = torch.zeros(tuple(shape), dtype=values.dtype)
    return out.index_put(tuple(torch.movedim(indices, -1, 0)), values, accumulate=True)


def scatter_update(inputs, indices, updates, reduction=None):
    inputs = _t(inputs)
    indices = _t(indices).long()
    updates = convert_to_tensor(updates, inputs.dtype)
    key = tuple(torch.movedim(indices, -1, 0))
    if reduction is None:
        return inputs.index_put(key, updates)
    if reduction == "add":
        return inputs.index_put(key, updates, accumulate=True)
    reduce = {"max": "amax", "min": "amin", "mul": "prod"}.get(reduction)
    if reduce is None:
        raise ValueError(f"`reduction` must be None, 'add', 'max', 'min' or 'mul'. Received: reduction={reduction!r}")
    # Flatten the indexed dims so scatter_reduce can work along one axis.
    n_index = indices.shape[-1]
    lead = inputs.shape[:n_index]
    flat_inputs = inputs.reshape((-1,) + tuple(inputs.shape[n_index:]))
    strides = torch.tensor([int(torch.tensor(lead[i + 1 :]).prod()) for i in range(n_index)], dtype=torch.long)
    flat_index = (indices * strides).sum(-1).reshape(-1)
    flat_updates = updates.reshape((-1,) + tuple(inputs.shape[n_index:]))
    index = flat_index.reshape((-1,) + (1,) * (flat_updates.ndim - 1)).expand(flat_updates.shape)
    return flat_inputs.scatter_reduce(0, index, flat_updates, reduce=reduce, include_self=True).reshape(inputs.shape)


def unstack(x, num=None, axis=0):
    return list(torch.unbind(_t(x), dim=axis))


def _stack_tree(items):
    if not items or builtins.all(i is None for i in items):
        return None
    return optree.tree_map(lambda *leaves: torch.stack([_t(v) for v in leaves]), *items, none_is_leaf=False)


def _length(xs, length):
    leaves = optree.tree_leaves(xs)
    return length if not leaves else _t(leaves[0]).shape[0]


def map(f, xs):
    n = _length(xs, None)
    return _stack_tree([f(optree.tree_map(lambda v: _t(v)[i], xs)) for i in range(n)])


def compiled(fn, static_argnames=()):
    """Eager PyTorch runs ``fn`` as it is (the JAX backend compiles it once)."""
    return fn


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    n = _length(xs, length)
    carry, ys = optree.tree_map(_t, init), []
    for i in (reversed(range(n)) if reverse else range(n)):
        x_i = None if xs is None else optree.tree_map(lambda v: _t(v)[i], xs)
        carry, y = f(carry, x_i)
        ys.append(y)
    if reverse:
        ys.reverse()
    return carry, _stack_tree(ys)


def associative_scan(f, elems, reverse=False, axis=0):
    leaves, treedef = optree.tree_flatten(elems)
    leaves = [torch.movedim(_t(v), axis, 0) for v in leaves]
    n = leaves[0].shape[0]
    order = list(range(n))[::-1] if reverse else list(range(n))
    outputs, acc = [None] * n, None
    for i in order:
        current = optree.tree_unflatten(treedef, [v[i] for v in leaves])
        acc = current if acc is None else (f(acc, current) if not reverse else f(current, acc))
        outputs[i] = acc
    flat = [optree.tree_leaves(o) for o in outputs]
    stacked = [torch.movedim(torch.stack([row[j] for row in flat]), 0, axis) for j in range(len(leaves))]
    return optree.tree_unflatten(treedef, stacked)


def switch(index, branches, *operands):
    index = builtins.min(builtins.max(int(index), 0), len(branches) - 1)
    return branches[index](*operands)


def vectorized_map(function, elements):
    try:
        return torch.vmap(function)(elements)
    except Exception:
        # Functions with data-dependent Python control flow cannot be vmapped: loop instead.
        return map(function, elements)


def custom_gradient(f):
    """Keras's contract: ``f`` returns ``(output, grad_fn)``; ``grad_fn(upstream)`` gives input grads."""

    class _Function(torch.autograd.Function):
        @staticmethod
        def forward(ctx, *args):
            with torch.enable_grad():
                output, grad_fn = f(*args)
            ctx.grad_fn = grad_fn
            return output.detach() if isinstance(output, torch.Tensor) else output

        @staticmethod
        def backward(ctx, upstream):
            grads = ctx.grad_fn(upstream)
            return tuple(grads) if isinstance(grads, (tuple, list)) else grads

    def wrapped(*args):
        return _Function.apply(*[_t(a) for a in args])

    return wrapped


def saturate_cast(x, dtype):
    x = _t(x)
    target = to_torch_dtype(standardize_dtype(dtype))
    if target != torch.bool and x.dtype != torch.bool:
        x = torch.clamp(x, builtins.max(_lowest(target), _lowest(x.dtype)), builtins.min(_highest(target), _highest(x.dtype)))
    return x.to(target)


def _lowest(dtype):
    return float(torch.finfo(dtype).min) if dtype.is_floating_point else int(torch.iinfo(dtype).min)


def _highest(dtype):
    return float(torch.finfo(dtype).max) if dtype.is_floating_point else int(torch.iinfo(dtype).max)
