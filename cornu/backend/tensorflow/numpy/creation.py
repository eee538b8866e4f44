"""Array creation on TensorFlow: ranges, fills, identity/triangular matrices, windows, grids.

Shapes may hold scalar tensors (``tf.shape(x)[0]`` inside ``tf.function``); masks are built
from ``tf.range`` over the (possibly dynamic) dimensions. Ranges and spaces compute in float64
(or a dtype ``tf.range`` has) and cast to the result dtype.

Backs ``cornu.ops.numpy.creation``; re-exported by ``cornu.backend.tensorflow.numpy``.
"""

import math

import tensorflow as tf

from cornu.backend import config
from cornu.backend.common.array_namespace_ops import names
from cornu.backend.common.dtypes import result_type, standardize_dtype
from cornu.backend.tensorflow.numpy._common import _dtype_of, _t, _to, convert_to_tensor


def _shape(shape):
    return [shape] if isinstance(shape, int) or (isinstance(shape, tf.Tensor) and shape.shape.rank == 0) else shape


def zeros(shape, dtype=None):
    return tf.zeros(_shape(shape), dtype=standardize_dtype(dtype))


def ones(shape, dtype=None):
    return tf.ones(_shape(shape), dtype=standardize_dtype(dtype))


empty = zeros


def full(shape, fill_value, dtype=None):
    return tf.broadcast_to(_to(fill_value, standardize_dtype(dtype)), _shape(shape))


def _like_dtype(x, dtype):
    return x.dtype if dtype is None else standardize_dtype(dtype)


def zeros_like(x, dtype=None):
    x = _t(x)
    return tf.zeros_like(x, dtype=_like_dtype(x, dtype))


def ones_like(x, dtype=None):
    x = _t(x)
    return tf.ones_like(x, dtype=_like_dtype(x, dtype))


empty_like = zeros_like


def full_like(x, fill_value, dtype=None):
    x = _t(x)
    return tf.broadcast_to(_to(fill_value, _like_dtype(x, dtype)), tf.shape(x))


def array(x, dtype=None):
    return convert_to_tensor(x, dtype)


def copy(x):
    return tf.identity(_t(x))


def _rows_and_columns(N, M):
    """Row and column indices of an ``N x M`` matrix, shaped to broadcast against each other."""
    return tf.range(N)[:, None], tf.range(M)[None, :]


def eye(N, M=None, k=0, dtype=None):
    dtype = standardize_dtype(dtype)
    M = N if M is None else M
    if isinstance(k, int) and k == 0:
        return tf.eye(N, M, dtype=dtype)
    rows, columns = _rows_and_columns(N, M)
    return tf.cast(tf.equal(columns - rows, k), dtype)


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    M = N if M is None else M
    rows, columns = _rows_and_columns(N, M)
    return tf.cast(columns - rows <= k, standardize_dtype(dtype))


def _triangle(x, keep):
    x = _t(x)
    shape = tf.shape(x)
    rows, columns = _rows_and_columns(shape[-2], shape[-1])
    return tf.where(keep(columns - rows), x, tf.zeros((), x.dtype))


def tril(x, k=0):
    return _triangle(x, lambda offset: offset <= k)


def triu(x, k=0):
    return _triangle(x, lambda offset: offset >= k)


def diag(x, k=0):
    x = _t(x)
    if x.shape.rank == 1:
        if x.dtype == tf.bool:  # no bool kernel
            return tf.cast(tf.linalg.diag(tf.cast(x, tf.int8), k=k), tf.bool)
        return tf.linalg.diag(x, k=k)
    if x.shape.rank == 2:
        if x.dtype == tf.bool:
            return tf.cast(tf.linalg.diag_part(tf.cast(x, tf.int8), k=k), tf.bool)
        return tf.linalg.diag_part(x, k=k)
    raise ValueError(f"diag: `x` must be 1-D (to build a matrix) or 2-D (to read a diagonal). Received: x.shape={x.shape}")


def diagflat(x, k=0):
    return diag(tf.reshape(_t(x), [-1]), k)


def vander(x, N=None, increasing=False):
    x = _t(x)
    N = tf.shape(x)[0] if N is None else N
    # cumprod lacks bool and small/unsigned integer kernels (on XLA too): integers multiply in
    # int32/int64 and wrap back on the cast.
    compute = x.dtype
    if x.dtype == tf.bool or x.dtype.is_integer:
        compute = tf.int64 if x.dtype in (tf.uint32, tf.int64, tf.uint64) else tf.int32
    column = tf.cast(x, compute)[:, None]
    # Powers by repeated multiplication: exact for integers (including unsigned, which have no pow).
    factors = tf.concat([tf.ones_like(column), tf.tile(column, [1, tf.maximum(N - 1, 0)])], axis=1)[:, :N]
    powers = tf.math.cumprod(factors, axis=1)
    if not increasing:
        powers = tf.reverse(powers, axis=[1])
    return tf.cast(powers, x.dtype)


def meshgrid(*x, indexing="xy"):
    return tf.meshgrid(*[_t(v) for v in x], indexing=indexing)


# tf.range has kernels for these; other dtypes take a range in a wider one and cast.
_RANGE_DTYPES = ("int32", "int64", "float32", "float64")


def arange(start, stop=None, step=None, dtype=None):
    if dtype is None:
        dtype = result_type(*[_dtype_of(v) for v in (start, stop, step) if v is not None])
    dtype = standardize_dtype(dtype)
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    compute = dtype if dtype in _RANGE_DTYPES else ("float64" if "float" in dtype else "int64")

    def bound(v):
        return tf.cast(v, compute) if isinstance(v, (tf.Tensor, tf.Variable)) or hasattr(v, "dtype") else v

    out = tf.range(bound(start), bound(stop), bound(step), dtype=compute)
    return out if compute == dtype else tf.cast(out, dtype)


def _space_dtype(dtype, *values):
    if dtype is not None:
        return standardize_dtype(dtype)
    return result_type(*[_dtype_of(v) for v in values], float)


def _linspace64(start, stop, num, endpoint, axis):
    """``num`` evenly spaced values from ``start`` to ``stop`` (arrays broadcast), in float64,
    along ``axis``; and the step."""
    start, stop = tf.cast(_t(start), tf.float64), tf.cast(_t(stop), tf.float64)
    shape = tf.broadcast_dynamic_shape(tf.shape(start), tf.shape(stop))
    start, stop = tf.broadcast_to(start, shape), tf.broadcast_to(stop, shape)
    divisions = (num - 1) if endpoint else num
    step = (stop - start) / divisions if divisions > 0 else tf.fill(shape, tf.constant(math.nan, tf.float64))
    steps = tf.reshape(tf.range(num, dtype=tf.float64), [num] + [1] * start.shape.rank)
    out = start[None] + steps * (step[None] if divisions > 0 else 0.0)  # one point: start (step is NaN)
    if endpoint and num > 1:
        out = tf.concat([out[:-1], stop[None]], axis=0)
    rank = start.shape.rank + 1
    axis = axis % rank
    if axis:
        perm = list(range(1, axis + 1)) + [0] + list(range(axis + 1, rank))
        out = tf.transpose(out, perm)
    return out, step


def _cast_space(values, dtype):
    if tf.as_dtype(dtype).is_integer:
        values = tf.floor(values)
    return tf.cast(values, dtype)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    if num < 0:
        raise ValueError(f"linspace: `num` must be a non-negative integer. Received: num={num}")
    dtype = _space_dtype(dtype, start, stop)
    out, step = _linspace64(start, stop, num, endpoint, axis)
    if retstep:
        return _cast_space(out, dtype), tf.cast(step, dtype)
    return _cast_space(out, dtype)


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    dtype = _space_dtype(dtype, start, stop)
    exponents, _ = _linspace64(start, stop, num, endpoint, axis)
    return _cast_space(tf.pow(tf.cast(base, tf.float64), exponents), dtype)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    dtype = _space_dtype(dtype, start, stop)
    start64, stop64 = tf.cast(_t(start), tf.float64), tf.cast(_t(stop), tf.float64)
    logs, _ = _linspace64(tf.math.log(tf.abs(start64)), tf.math.log(tf.abs(stop64)), num, endpoint, 0)
    out = tf.sign(start64)[None] * tf.exp(logs)
    if num:  # the ends exactly, as NumPy
        ends = [start64[None], out[1:]]
        if endpoint and num > 1:
            ends = [start64[None], out[1:-1], stop64[None]]
        out = tf.concat([tf.broadcast_to(e, tf.concat([tf.shape(e)[:1], tf.shape(out)[1:]], 0)) for e in ends], 0)
    rank = out.shape.rank
    axis = axis % rank
    if axis:
        out = tf.transpose(out, list(range(1, axis + 1)) + [0] + list(range(axis + 1, rank)))
    return _cast_space(out, dtype)


def _window(values_of):
    """A symmetric window of ``x`` points: ``values_of(n, m)`` for ``n = 0..x-1`` and
    ``m = x - 1`` (float64); a 1-point window is ``[1.0]``, as in NumPy."""

    def make(x, *args):
        size = tf.cast(x, tf.int32)
        m = tf.cast(size - 1, tf.float64)
        n = tf.range(tf.cast(size, tf.float64), dtype=tf.float64)
        values = values_of(n, tf.maximum(m, 1.0), *args)
        values = tf.where(tf.equal(m, 0.0), tf.ones_like(values), values)
        return tf.cast(values, config.floatx())

    return make


def _bartlett(n, m):
    return 1.0 - tf.abs(2.0 * n / m - 1.0)


def _blackman(n, m):
    return tf.maximum(0.42 - 0.5 * tf.cos(2.0 * math.pi * n / m) + 0.08 * tf.cos(4.0 * math.pi * n / m), 0.0)


def _hamming(n, m):
    return 0.54 - 0.46 * tf.cos(2.0 * math.pi * n / m)


def _hanning(n, m):
    return 0.5 - 0.5 * tf.cos(2.0 * math.pi * n / m)


def _kaiser(n, m, beta):
    beta = tf.cast(beta, tf.float64)
    return tf.math.bessel_i0(beta * tf.sqrt(tf.maximum(1.0 - tf.square(2.0 * n / m - 1.0), 0.0))) / tf.math.bessel_i0(beta)


bartlett = _window(_bartlett)
blackman = _window(_blackman)
hamming = _window(_hamming)
hanning = _window(_hanning)
_kaiser_window = _window(_kaiser)


def kaiser(x, beta):
    return _kaiser_window(x, beta)


for _function, _name in ((bartlett, "bartlett"), (blackman, "blackman"), (hamming, "hamming"), (hanning, "hanning")):
    _function.__name__ = _function.__qualname__ = _name

__all__ = names.CREATION
