"""NumPy math ops (top-k, segment reductions, special functions, FFT) and the
structured core ops (slice/scatter updates, scan, map, switch) as plain loops.

``erf``/``erfinv`` are written here (NumPy has neither, and SciPy is not a
dependency): a series near 0, a Chebyshev-fitted ``erfc`` elsewhere, and
Giles's approximation of ``erfinv`` refined by one Newton step, all in float64.
"""

import builtins

import numpy as np
import optree

from cornu.backend.common.dtypes import standardize_dtype
from cornu.backend.numpy.core import convert_to_tensor, to_numpy_dtype
from cornu.backend.numpy.numpy import _float_input, _r, _t


# ------------------------------------------------------------- math


def top_k(x, k, sorted=True):
    x = _t(x)
    order = np.argsort(-x.astype(np.float64) if x.dtype.kind != "b" else ~x, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, order, axis=-1), order.astype(np.int32)


def in_top_k(targets, predictions, k):
    predictions = _t(predictions)
    targets = _t(targets).astype(np.int64)
    target_values = np.take_along_axis(predictions, targets[:, None], axis=-1)
    better = np.sum(predictions > target_values, axis=-1)
    return (better < k) & np.isfinite(target_values[:, 0])


def logsumexp(x, axis=None, keepdims=False):
    x = _float_input(x)
    axis = tuple(axis) if isinstance(axis, list) else axis
    peak = np.max(x, axis=axis, keepdims=True) if x.size else np.zeros((1,) * x.ndim, x.dtype)
    peak = np.where(np.isfinite(peak), peak, 0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(x - peak), axis=axis, keepdims=True)) + peak
    if not keepdims:
        out = np.squeeze(out, axis=axis) if axis is not None else out.reshape(())
    return _r(out, dtype=x.dtype)


def _segment(reduce, identity, data, segment_ids, num_segments):
    data = _t(data)
    segment_ids = _t(segment_ids).astype(np.int64)
    if num_segments is None:
        num_segments = int(segment_ids.max()) + 1 if segment_ids.size else 0
    out = np.full((num_segments,) + data.shape[1:], identity(data.dtype), dtype=data.dtype)
    valid = (segment_ids >= 0) & (segment_ids < num_segments)
    reduce.at(out, segment_ids[valid], data[valid])
    return out


def _lowest(dtype):
    return -np.inf if dtype.kind == "f" or dtype.name == "bfloat16" else np.iinfo(dtype).min


def _highest(dtype):
    return np.inf if dtype.kind == "f" or dtype.name == "bfloat16" else np.iinfo(dtype).max


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    return _segment(np.add, lambda d: 0, data, segment_ids, num_segments)


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    return _segment(np.multiply, lambda d: 1, data, segment_ids, num_segments)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    return _segment(np.maximum, _lowest, data, segment_ids, num_segments)


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    return _segment(np.minimum, _highest, data, segment_ids, num_segments)


def rsqrt(x):
    x = _float_input(x)
    with np.errstate(divide="ignore"):
        return _r(1.0 / np.sqrt(x), dtype=x.dtype)


# Numerical Recipes' Chebyshev fit of erfc (fractional error below 1.2e-7 for all x).
_ERFC_COEFFS = (
    -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
    0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277,
)


def _erfc64(x):
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = np.zeros_like(t)
    for c in reversed(_ERFC_COEFFS[1:]):
        poly = c + t * poly
    ans = t * np.exp(-z * z + _ERFC_COEFFS[0] + t * poly)
    return np.where(x >= 0, ans, 2.0 - ans)


def _erf64(x):
    x = np.asarray(x, np.float64)
    # Maclaurin series near 0, where 1 - erfc would lose precision.
    x2 = x * x
    term = x.copy()
    series = x.copy()
    for n in range(1, 12):
        term = -term * x2 / n
        series = series + term / (2 * n + 1)
    small = series * (2.0 / np.sqrt(np.pi))
    return np.where(np.abs(x) < 0.5, small, 1.0 - _erfc64(x))


def erf(x):
    x = _float_input(x)
    return _r(_erf64(x), dtype=x.dtype)


def erfc(x):
    x = _float_input(x)
    x64 = x.astype(np.float64)
    return _r(np.where(np.abs(x64) < 0.5, 1.0 - _erf64(x64), _erfc64(x64)), dtype=x.dtype)


def erfinv(x):
    x = _float_input(x)
    y = x.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = -np.log((1.0 - y) * (1.0 + y))
        central = w - 2.5
        p1 = 2.81022636e-08
        for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
                  -0.00417768164, 0.246640727, 1.50140941):
            p1 = c + p1 * central
        tail = np.sqrt(w) - 3.0
        p2 = -0.000200214257
        for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
                  0.00943887047, 1.00167406, 2.83297682):
            p2 = c + p2 * tail
        guess = np.where(w < 5.0, p1, p2) * y
        # One Newton step on erf(guess) = y brings the float32 fit to float64 accuracy.
        step = (_erf64(guess) - y) / (2.0 / np.sqrt(np.pi) * np.exp(-guess * guess))
        refined = np.where(np.isfinite(step), guess - step, guess)
        refined = np.where(np.abs(y) == 1.0, np.sign(y) * np.inf, refined)
        refined = np.where(np.abs(y) > 1.0, np.nan, refined)
    return _r(refined, dtype=x.dtype)


def logdet(x):
    x = _float_input(x)
    return _r(np.linalg.slogdet(x.astype(np.float64))[1], dtype=x.dtype)


def cdist(x, y):
    x, y = _float_input(x), _float_input(y)
    diff = x[..., :, None, :] - y[..., None, :, :]
    return _r(np.sqrt(np.sum(diff * diff, axis=-1)), dtype=x.dtype)


def _complex_parts(x):
    real, imag = x
    real, imag = _float_input(real), _float_input(imag)
    return real, real + 1j * imag.astype(np.float64 if real.dtype == np.float64 else np.float32)


def _split(out, dtype):
    return np.real(out).astype(dtype), np.imag(out).astype(dtype)


def fft(x):
    real, z = _complex_parts(x)
    return _split(np.fft.fft(z), real.dtype)


def fft2(x):
    real, z = _complex_parts(x)
    return _split(np.fft.fft2(z), real.dtype)


def ifft2(x):
    real, z = _complex_parts(x)
    return _split(np.fft.ifft2(z), real.dtype)


def rfft(x, fft_length=None):
    x = _float_input(x)
    return _split(np.fft.rfft(x, n=fft_length), x.dtype)


def irfft(x, fft_length=None):
    real, z = _complex_parts(x)
    return np.fft.irfft(z, n=fft_length).astype(real.dtype)


def extract_sequences(x, sequence_length, sequence_stride):
    x = _t(x)
    num = 1 + (x.shape[-1] - sequence_length) // sequence_stride
    idx = np.arange(num)[:, None] * sequence_stride + np.arange(sequence_length)[None, :]
    return x[..., idx]


def _stft_window(window, sequence_length, fft_length, dtype):
    """The analysis window zero-padded (centred) to ``fft_length``; all ones when ``window`` is None."""
    if window is None:
        return np.ones((fft_length,), dtype)
    left = (fft_length - sequence_length) // 2
    return np.pad(np.asarray(convert_to_tensor(window), dtype), (left, fft_length - sequence_length - left))


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    x = _float_input(x)
    if center:
        x = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(fft_length // 2, fft_length // 2)], mode="reflect")
    frames = extract_sequences(x, fft_length, sequence_stride)
    out = np.fft.rfft(frames * _stft_window(window, sequence_length, fft_length, x.dtype), n=fft_length)
    return np.real(out).astype(x.dtype), np.imag(out).astype(x.dtype)


def _overlap_add(frames, stride):
    """Sums frames ``(..., F, N)`` placed ``stride`` apart into one signal of length ``N + stride * (F - 1)``."""
    count, length = frames.shape[-2:]
    blocks = -(-length // stride)
    pad = [(0, 0)] * (frames.ndim - 1) + [(0, blocks * stride - length)]
    frames = np.reshape(np.pad(frames, pad), frames.shape[:-1] + (blocks, stride))
    lead = [(0, 0)] * (frames.ndim - 3)
    out = sum(
        np.pad(frames[..., j, :], lead + [(j, blocks - 1 - j), (0, 0)]) for j in range(blocks)
    )
    return np.reshape(out, out.shape[:-2] + (-1,))[..., : length + stride * (count - 1)]


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    real, z = _complex_parts(x)
    frames = np.fft.irfft(z, n=fft_length).astype(real.dtype)
    win = _stft_window(window, sequence_length, fft_length, real.dtype)
    signal = _overlap_add(frames * win, sequence_stride)
    envelope = _overlap_add(np.broadcast_to(win * win, (frames.shape[-2], fft_length)), sequence_stride)
    signal = signal / np.where(envelope > 1e-10, envelope, 1.0)
    if window is None:
        signal = signal * (fft_length / sequence_stride)
    start = fft_length // 2 if center else 0
    end = start + length if length is not None else signal.shape[-1] - start
    return signal[..., start:end].astype(real.dtype)


# ------------------------------------------------------------- core ops


def _starts(inputs, start_indices, shape):
    starts = [int(s) for s in np.asarray(start_indices).reshape(-1)]
    # Like lax.dynamic_slice: starts are clamped so the window stays inside.
    return tuple(builtins.slice(builtins.min(builtins.max(s, 0), d - n), builtins.min(builtins.max(s, 0), d - n) + n)
                 for s, n, d in zip(starts, shape, inputs.shape))


def slice(inputs, start_indices, shape):
    inputs = _t(inputs)
    return inputs[_starts(inputs, start_indices, tuple(shape))].copy()


def slice_update(inputs, start_indices, updates):
    inputs = _t(inputs)
    updates = convert_to_tensor(updates, inputs.dtype)
    out = inputs.copy()
    out[_starts(inputs, start_indices, updates.shape)] = updates
    return out


def scatter(indices, values, shape):
    indices = _t(indices)
    values = _t(values)
    out = np.zeros(tuple(shape), values.dtype)
    np.add.at(out, tuple(np.moveaxis(indices, -1, 0)), values)
    return out


def scatter_update(inputs, indices, updates, reduction=None):
    inputs = _t(inputs)
    indices = _t(indices)
    updates = convert_to_tensor(updates, inputs.dtype)
    key = tuple(np.moveaxis(indices, -1, 0))
    out = inputs.copy()
    if reduction is None:
        out[key] = updates
        return out
    ufuncs = {"add": np.add, "max": np.maximum, "min": np.minimum, "mul": np.multiply}
    if reduction not in ufuncs:
        raise ValueError(f"`reduction` must be None, 'add', 'max', 'min' or 'mul'. Received: reduction={reduction!r}")
    ufuncs[reduction].at(out, key, updates)
    return out


def unstack(x, num=None, axis=0):
    x = _t(x)
    return [np.take(x, i, axis=axis) for i in range(x.shape[axis])]


def _stack_tree(items):
    if not items or builtins.all(i is None for i in items):
        return None
    return optree.tree_map(lambda *leaves: np.stack([_t(v) for v in leaves]), *items, none_is_leaf=False)


def _length(xs, length):
    leaves = optree.tree_leaves(xs)
    return length if not leaves else _t(leaves[0]).shape[0]


def map(f, xs):
    n = _length(xs, None)
    return _stack_tree([f(optree.tree_map(lambda v: _t(v)[i], xs)) for i in range(n)])


def compiled(fn, static_argnames=()):
    """NumPy runs ``fn`` as it is (the JAX backend compiles it once)."""
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
    leaves = [np.moveaxis(_t(v), axis, 0) for v in leaves]
    n = leaves[0].shape[0]
    order = list(range(n))[::-1] if reverse else list(range(n))
    outputs, acc = [None] * n, None
    for i in order:
        current = optree.tree_unflatten(treedef, [v[i] for v in leaves])
        acc = current if acc is None else (f(acc, current) if not reverse else f(current, acc))
        outputs[i] = acc
    flat = [optree.tree_leaves(o) for o in outputs]
    stacked = [np.moveaxis(np.stack([row[j] for row in flat]), 0, axis) for j in range(len(leaves))]
    return optree.tree_unflatten(treedef, stacked)


def switch(index, branches, *operands):
    index = builtins.min(builtins.max(int(np.asarray(index)), 0), len(branches) - 1)
    return branches[index](*operands)


def vectorized_map(function, elements):
    return map(function, elements)


def custom_gradient(f):
    def forward_only(*args, **kwargs):
        return f(*args, **kwargs)[0]

    return forward_only


def saturate_cast(x, dtype):
    x = _t(x)
    dtype = to_numpy_dtype(standardize_dtype(dtype))
    if dtype != np.bool_ and x.dtype != np.bool_:
        x = np.clip(x, builtins.max(_finite_lowest(dtype), _finite_lowest(x.dtype)),
                    builtins.min(_finite_highest(dtype), _finite_highest(x.dtype)))
    return x.astype(dtype)


def _finite_lowest(dtype):
    dtype = np.dtype(dtype)
    return float(np.finfo(dtype).min) if dtype.kind == "f" else int(np.iinfo(dtype).min)


def _finite_highest(dtype):
    dtype = np.dtype(dtype)
    return float(np.finfo(dtype).max) if dtype.kind == "f" else int(np.iinfo(dtype).max)
