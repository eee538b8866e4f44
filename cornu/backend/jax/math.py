"""JAX math ops (top-k, segment reductions, special functions, FFT) and the
structured core ops (slice/scatter updates, scan, map, switch) that build on them."""

import jax
import jax.numpy as jnp

from cornu.backend.common.dtypes import standardize_dtype
from cornu.backend.jax.core import convert_to_tensor
from cornu.backend.jax.numpy import _float_input, _t


# ------------------------------------------------------------- math


def top_k(x, k, sorted=True):
    values, indices = jax.lax.top_k(_t(x), k)
    return values, indices.astype("int32")


def in_top_k(targets, predictions, k):
    predictions = _t(predictions)
    targets = _t(targets).astype("int32")
    target_values = jnp.take_along_axis(predictions, targets[:, None], axis=-1)
    # A target is in the top k when fewer than k predictions beat it (ties favour the target).
    better = jnp.sum(predictions > target_values, axis=-1)
    return (better < k) & jnp.isfinite(target_values[:, 0])


def logsumexp(x, axis=None, keepdims=False):
    return jax.nn.logsumexp(_float_input(x), axis=axis, keepdims=keepdims)


def _segment(fn, data, segment_ids, num_segments, sorted):
    data = _t(data)
    segment_ids = _t(segment_ids)
    if num_segments is None:
        num_segments = int(jnp.max(segment_ids)) + 1
    return fn(data, segment_ids, num_segments=num_segments, indices_are_sorted=sorted)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    return _segment(jax.ops.segment_sum, data, segment_ids, num_segments, sorted)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    return _segment(jax.ops.segment_max, data, segment_ids, num_segments, sorted)


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    return _segment(jax.ops.segment_min, data, segment_ids, num_segments, sorted)


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    return _segment(jax.ops.segment_prod, data, segment_ids, num_segments, sorted)


def rsqrt(x):
    return jax.lax.rsqrt(_float_input(x))


def erf(x):
    return jax.lax.erf(_float_input(x))


def erfc(x):
    return jax.lax.erfc(_float_input(x))


def erfinv(x):
    return jax.lax.erf_inv(_float_input(x))


def logdet(x):
    return jnp.linalg.slogdet(_float_input(x))[1]


def cdist(x, y):
    x, y = _float_input(x), _float_input(y)
    diff = x[..., :, None, :] - y[..., None, :, :]
    return jnp.sqrt(jnp.sum(diff * diff, axis=-1))


def _complex_parts(x):
    real, imag = x
    real, imag = _float_input(real), _float_input(imag)
    return real, imag


def fft(x):
    real, imag = _complex_parts(x)
    out = jnp.fft.fft(jax.lax.complex(real, imag))
    return jnp.real(out).astype(real.dtype), jnp.imag(out).astype(real.dtype)


def fft2(x):
    real, imag = _complex_parts(x)
    out = jnp.fft.fft2(jax.lax.complex(real, imag))
    return jnp.real(out).astype(real.dtype), jnp.imag(out).astype(real.dtype)


def ifft2(x):
    real, imag = _complex_parts(x)
    out = jnp.fft.ifft2(jax.lax.complex(real, imag))
    return jnp.real(out).astype(real.dtype), jnp.imag(out).astype(real.dtype)


def rfft(x, fft_length=None):
    x = _float_input(x)
    out = jnp.fft.rfft(x, n=fft_length)
    return jnp.real(out).astype(x.dtype), jnp.imag(out).astype(x.dtype)


def irfft(x, fft_length=None):
    real, imag = _complex_parts(x)
    return jnp.fft.irfft(jax.lax.complex(real, imag), n=fft_length).astype(real.dtype)


def extract_sequences(x, sequence_length, sequence_stride):
    x = _t(x)
    num = 1 + (x.shape[-1] - sequence_length) // sequence_stride
    idx = jnp.arange(num)[:, None] * sequence_stride + jnp.arange(sequence_length)[None, :]
    return x[..., idx]



def _stft_window(window, sequence_length, fft_length, dtype):
    """The analysis window zero-padded (centred) to ``fft_length``; all ones when ``window`` is None."""
    if window is None:
        return jnp.ones((fft_length,), dtype)
    left = (fft_length - sequence_length) // 2
    return jnp.pad(convert_to_tensor(window).astype(dtype), (left, fft_length - sequence_length - left))


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    x = _float_input(x)
    if center:
        x = jnp.pad(x, [(0, 0)] * (x.ndim - 1) + [(fft_length // 2, fft_length // 2)], mode="reflect")
    frames = extract_sequences(x, fft_length, sequence_stride)
    out = jnp.fft.rfft(frames * _stft_window(window, sequence_length, fft_length, x.dtype), n=fft_length)
    return jnp.real(out).astype(x.dtype), jnp.imag(out).astype(x.dtype)


def _overlap_add(frames, stride):
    """Sums frames ``(..., F, N)`` placed ``stride`` apart into one signal of length ``N + stride * (F - 1)``."""
    count, length = frames.shape[-2:]
    blocks = -(-length // stride)
    pad = [(0, 0)] * (frames.ndim - 1) + [(0, blocks * stride - length)]
    frames = jnp.reshape(jnp.pad(frames, pad), frames.shape[:-1] + (blocks, stride))
    lead = [(0, 0)] * (frames.ndim - 3)
    out = sum(
        jnp.pad(frames[..., j, :], lead + [(j, blocks - 1 - j), (0, 0)]) for j in range(blocks)
    )
    return jnp.reshape(out, out.shape[:-2] + (-1,))[..., : length + stride * (count - 1)]


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    real, imag = _complex_parts(x)
    frames = jnp.fft.irfft(jax.lax.complex(real, imag), n=fft_length).astype(real.dtype)
    win = _stft_window(window, sequence_length, fft_length, real.dtype)
    signal = _overlap_add(frames * win, sequence_stride)
    envelope = _overlap_add(jnp.broadcast_to(win * win, (frames.shape[-2], fft_length)), sequence_stride)
    signal = signal / jnp.where(envelope > 1e-10, envelope, 1.0)
    if window is None:
        signal = signal * (fft_length / sequence_stride)
    start = fft_length // 2 if center else 0
    end = start + length if length is not None else signal.shape[-1] - start
    return signal[..., start:end]


# ------------------------------------------------------------- core ops


def slice(inputs, start_indices, shape):
    inputs = _t(inputs)
    if not isinstance(start_indices, jax.Array):
        start_indices = [int(s) if not hasattr(s, "dtype") else s for s in start_indices]
    return jax.lax.dynamic_slice(inputs, start_indices, tuple(shape))


def slice_update(inputs, start_indices, updates):
    inputs = _t(inputs)
    updates = convert_to_tensor(updates, inputs.dtype)
    if not isinstance(start_indices, jax.Array):
        start_indices = [int(s) if not hasattr(s, "dtype") else s for s in start_indices]
    return jax.lax.dynamic_update_slice(inputs, updates, start_indices)


def scatter(indices, values, shape):
    indices = _t(indices)
    values = _t(values)
    zeros = jnp.zeros(tuple(shape), values.dtype)
    key = tuple(jnp.moveaxis(indices, -1, 0))
    return zeros.at[key].add(values)


def scatter_update(inputs, indices, updates, reduction=None):
    inputs = _t(inputs)
    indices = _t(indices)
    updates = convert_to_tensor(updates, inputs.dtype)
    key = tuple(jnp.moveaxis(indices, -1, 0))
    ref = inputs.at[key]
    if reduction is None:
        return ref.set(updates)
    ops = {"add": ref.add, "max": ref.max, "min": ref.min, "mul": ref.multiply}
    if reduction not in ops:
        raise ValueError(f"`reduction` must be None, 'add', 'max', 'min' or 'mul'. Received: reduction={reduction!r}")
    return ops[reduction](updates)


def unstack(x, num=None, axis=0):
    x = _t(x)
    return [jnp.squeeze(part, axis) for part in jnp.split(x, x.shape[axis], axis=axis)]


def map(f, xs):
    return jax.lax.map(f, xs)


def compiled(fn, static_argnames=()):
    """``fn`` compiled once per input shapes and static arguments (``jax.jit``), so eager
    calls of an op built from ``scan`` and closures do not retrace every time."""
    return jax.jit(fn, static_argnames=static_argnames)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    return jax.lax.scan(f, init, xs=xs, length=length, reverse=reverse, unroll=unroll)


def associative_scan(f, elems, reverse=False, axis=0):
    return jax.lax.associative_scan(f, elems, reverse=reverse, axis=axis)


def switch(index, branches, *operands):
    index = convert_to_tensor(index, "int32")
    index = jnp.clip(index, 0, len(branches) - 1)
    return jax.lax.switch(index, branches, *operands)


def vectorized_map(function, elements):
    return jax.vmap(function)(elements)


def custom_gradient(f):
    """Keras's contract: ``f`` returns ``(output, grad_fn)`` with ``grad_fn(*args, upstream)``."""

    @jax.custom_vjp
    def wrapped(*args):
        return f(*args)[0]

    def forward(*args):
        return f(*args)[0], args

    def backward(args, upstream):
        # Residuals must be arrays, so the gradient function is rebuilt from the inputs.
        grads = f(*args)[1](upstream)
        return tuple(grads) if isinstance(grads, (tuple, list)) else (grads,)

    wrapped.defvjp(forward, backward)
    return wrapped


def saturate_cast(x, dtype):
    x = _t(x)
    dtype = standardize_dtype(dtype)
    if dtype != "bool" and x.dtype != jnp.bool_:
        x = jnp.clip(x, max(_lowest(dtype), _lowest(x.dtype)), min(_highest(dtype), _highest(x.dtype)))
    return x.astype(dtype)


def _lowest(dtype):
    dtype = jnp.dtype(dtype)
    return float(jnp.finfo(dtype).min) if jnp.issubdtype(dtype, jnp.inexact) else int(jnp.iinfo(dtype).min)


def _highest(dtype):
    dtype = jnp.dtype(dtype)
    return float(jnp.finfo(dtype).max) if jnp.issubdtype(dtype, jnp.inexact) else int(jnp.iinfo(dtype).max)
