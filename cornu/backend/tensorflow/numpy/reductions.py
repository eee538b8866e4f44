"""Reductions on TensorFlow: sums, means, extrema, statistics, cumulative ops, histograms.

Backs ``cornu.ops.numpy.reductions``; re-exported by ``cornu.backend.tensorflow.numpy``.

Dtypes follow Keras: sums and products of small integers accumulate in 32 bits (keeping the
signedness), means and variances of integers give floatx, and float16/bfloat16 statistics are
computed in float32 and cast back. ``axis`` is None (all axes), an int, or a sequence of ints
(``()`` reduces nothing).

Example:
>>> sum(tf.constant([[1, 2], [3, 4]], tf.uint8), axis=0).dtype.name
'uint32'
"""

import math

import numpy as np
import tensorflow as tf

from cornu.backend.common.array_namespace_ops import names
from cornu.backend.common.array_namespace_ops.dtype_rules import SMALL_INT_SUM_DTYPES
from cornu.backend.common.array_namespace_ops.reductions import check_dense_bincount
from cornu.backend.common.dtypes import result_type, standardize_dtype
from cornu.backend.tensorflow.numpy._common import _float_input, _static_or_dynamic_shape, _t, _to
from cornu.backend.tensorflow.numpy.indexing import diagonal
from cornu.backend.tensorflow.numpy.shape import _canonical_axis, moveaxis


def _axes(axis, ndim):
    """None, or the reduced axes as a sorted list of non-negative ints."""
    if axis is None:
        return None
    axes = [axis] if isinstance(axis, int) else list(axis)
    axes = sorted(_canonical_axis(int(a), ndim) for a in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"repeated axis in {axis}")
    return axes


def _sum_dtype(x):
    return SMALL_INT_SUM_DTYPES.get(standardize_dtype(x.dtype), standardize_dtype(x.dtype))


def _half_to_float32(dtype):
    return "float32" if dtype in ("float16", "bfloat16") else dtype


def sum(x, axis=None, keepdims=False):
    x = _t(x)
    x = _to(x, _sum_dtype(x))
    return tf.reduce_sum(x, axis=_axes(axis, x.shape.rank), keepdims=keepdims)


def prod(x, axis=None, keepdims=False, dtype=None):
    x = _t(x)
    x = _to(x, standardize_dtype(dtype) if dtype is not None else _sum_dtype(x))
    return tf.reduce_prod(x, axis=_axes(axis, x.shape.rank), keepdims=keepdims)


def _float_dtypes(x):
    """(compute dtype, result dtype) of a mean or variance of ``x``."""
    out = result_type(x.dtype, float)
    return _half_to_float32(out), out


def mean(x, axis=None, keepdims=False):
    x = _t(x)
    compute, out = _float_dtypes(x)
    result = tf.reduce_mean(tf.cast(x, compute), axis=_axes(axis, x.shape.rank), keepdims=keepdims)
    return tf.cast(result, out)


def var(x, axis=None, keepdims=False):
    x = _t(x)
    compute, out = _float_dtypes(x)
    x = tf.cast(x, compute)
    axes = _axes(axis, x.shape.rank)
    if x.dtype.is_complex:
        centered = x - tf.reduce_mean(x, axis=axes, keepdims=True)
        result = tf.reduce_mean(tf.math.real(centered * tf.math.conj(centered)), axis=axes, keepdims=keepdims)
    else:
        result = tf.math.reduce_variance(x, axis=axes, keepdims=keepdims)
    return tf.cast(result, out)


def std(x, axis=None, keepdims=False):
    x = _t(x)
    compute, out = _float_dtypes(x)
    return tf.cast(tf.sqrt(var(tf.cast(x, compute), axis=axis, keepdims=keepdims)), out)


def average(x, axis=None, weights=None):
    x = _t(x)
    axes = _axes(axis, x.shape.rank)
    if weights is None:
        compute, out = _float_dtypes(x)
        return tf.cast(tf.reduce_mean(tf.cast(x, compute), axis=axes), out)
    weights = _t(weights)
    dtype = result_type(x.dtype, weights.dtype, float)
    x, weights = tf.cast(x, dtype), tf.cast(weights, dtype)
    if axes is not None and len(axes) == 1 and weights.shape.rank == 1 and x.shape.rank > 1:
        # 1-D weights along `axis` (NumPy's rule when the shapes differ).
        return tf.tensordot(x, weights, axes=[[axes[0]], [0]]) / tf.reduce_sum(weights)
    weights = tf.broadcast_to(weights, tf.shape(x))
    return tf.reduce_sum(x * weights, axis=axes) / tf.reduce_sum(weights, axis=axes)


def _check_not_empty(x, axes, name):
    """NumPy refuses to take the max/min of nothing; TensorFlow would give -inf/inf."""
    shape = x.shape.as_list()
    reduced = shape if axes is None else [shape[a] for a in axes]
    if 0 in reduced:
        raise ValueError(
            f"Cannot compute the {name} of an empty tensor: give `initial`. Received: x.shape={tuple(shape)}, axis={axes}"
        )


def _extreme(x, axis, keepdims, initial, largest):
    x = _t(x)
    axes = _axes(axis, x.shape.rank)
    name = "max" if largest else "min"
    if initial is None:
        _check_not_empty(x, axes, name)
    if x.dtype == tf.bool:
        out = (tf.reduce_any if largest else tf.reduce_all)(x, axis=axes, keepdims=keepdims)
        if initial is None:
            return out
        bound = tf.cast(_to(initial, "int32"), tf.bool)
        return tf.logical_or(out, bound) if largest else tf.logical_and(out, bound)
    out = (tf.reduce_max if largest else tf.reduce_min)(x, axis=axes, keepdims=keepdims)
    if initial is None:
        return out
    bound = _to(initial, x.dtype)
    return tf.maximum(out, bound) if largest else tf.minimum(out, bound)


def max(x, axis=None, keepdims=False, initial=None):
    return _extreme(x, axis, keepdims, initial, largest=True)


def min(x, axis=None, keepdims=False, initial=None):
    return _extreme(x, axis, keepdims, initial, largest=False)


def amax(x, axis=None, keepdims=False):
    return _extreme(x, axis, keepdims, None, largest=True)


def amin(x, axis=None, keepdims=False):
    return _extreme(x, axis, keepdims, None, largest=False)


def ptp(x, axis=None, keepdims=False):
    x = _t(x)
    return amax(x, axis, keepdims) - amin(x, axis, keepdims)


def _arg_extreme(x, axis, keepdims, largest):
    x = _t(x)
    ndim = x.shape.rank
    if x.dtype.is_floating:
        # -0.0 ranks below 0.0, as in Keras (a tiny negative stands for it).
        x = tf.cast(x, result_type(x.dtype, "float32"))
        bits = tf.bitcast(x, tf.int32 if x.dtype == tf.float32 else tf.int64)
        negative_zero = tf.logical_and(tf.equal(x, 0.0), bits < 0)
        x = tf.where(negative_zero, tf.constant(-np.finfo(x.dtype.as_numpy_dtype).tiny, x.dtype), x)
    elif x.dtype == tf.bool:
        x = tf.cast(x, tf.int32)
    fn = tf.argmax if largest else tf.argmin
    if axis is None:
        out = fn(tf.reshape(x, [-1]), axis=0, output_type=tf.int32)
        return tf.reshape(out, [1] * ndim) if keepdims else out
    axis = _canonical_axis(axis, ndim)
    out = fn(x, axis=axis, output_type=tf.int32)
    return tf.expand_dims(out, axis) if keepdims else out


def argmax(x, axis=None, keepdims=False):
    return _arg_extreme(x, axis, keepdims, largest=True)


def argmin(x, axis=None, keepdims=False):
    return _arg_extreme(x, axis, keepdims, largest=False)


def _as_bool(x):
    x = _t(x)
    return x if x.dtype == tf.bool else tf.cast(x, tf.bool)


def any(x, axis=None, keepdims=False):
    x = _as_bool(x)
    return tf.reduce_any(x, axis=_axes(axis, x.shape.rank), keepdims=keepdims)


def all(x, axis=None, keepdims=False):
    x = _as_bool(x)
    return tf.reduce_all(x, axis=_axes(axis, x.shape.rank), keepdims=keepdims)


def count_nonzero(x, axis=None):
    x = _as_bool(x)
    return tf.reduce_sum(tf.cast(x, tf.int32), axis=_axes(axis, x.shape.rank))


def _cumulative(fn, x, axis, dtype):
    x = _t(x)
    if dtype is not None:
        x = _to(x, standardize_dtype(dtype))
    elif x.dtype == tf.bool:
        x = tf.cast(x, tf.int32)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    return fn(x, axis=_canonical_axis(axis, x.shape.rank))


def cumsum(x, axis=None, dtype=None):
    return _cumulative(tf.math.cumsum, x, axis, dtype)


def cumprod(x, axis=None, dtype=None):
    return _cumulative(tf.math.cumprod, x, axis, dtype)


def _nan_filled(x, fill):
    """``x`` with NaNs replaced by ``fill`` (inputs other than floats have none)."""
    x = _t(x)
    if not x.dtype.is_floating:
        return x
    return tf.where(tf.math.is_nan(x), tf.constant(fill, x.dtype), x)


def nancumsum(x, axis=None, dtype=None):
    return cumsum(_nan_filled(x, 0.0), axis=axis, dtype=dtype)


def nancumprod(x, axis=None, dtype=None):
    return cumprod(_nan_filled(x, 1.0), axis=axis, dtype=dtype)


def nansum(x, axis=None, keepdims=False):
    return sum(_nan_filled(x, 0.0), axis=axis, keepdims=keepdims)


def nanprod(x, axis=None, keepdims=False):
    return prod(_nan_filled(x, 1.0), axis=axis, keepdims=keepdims)


def nanmean(x, axis=None, keepdims=False):
    x = _t(x)
    if not x.dtype.is_floating:
        return mean(x, axis=axis, keepdims=keepdims)
    compute, out = _float_dtypes(x)
    x = tf.cast(x, compute)
    axes = _axes(axis, x.shape.rank)
    valid = tf.logical_not(tf.math.is_nan(x))
    total = tf.reduce_sum(tf.where(valid, x, tf.zeros_like(x)), axis=axes, keepdims=keepdims)
    count = tf.reduce_sum(tf.cast(valid, compute), axis=axes, keepdims=keepdims)
    return tf.cast(total / count, out)


def nanvar(x, axis=None, keepdims=False):
    x = _t(x)
    compute, out = _float_dtypes(x)
    x = tf.cast(x, compute)
    axes = _axes(axis, x.shape.rank)
    valid = tf.logical_not(tf.math.is_nan(x))
    centered = tf.where(valid, x - nanmean(x, axis=axis, keepdims=True), tf.zeros_like(x))
    count = tf.reduce_sum(tf.cast(valid, compute), axis=axes, keepdims=keepdims)
    return tf.cast(tf.reduce_sum(tf.square(centered), axis=axes, keepdims=keepdims) / count, out)


def nanstd(x, axis=None, keepdims=False):
    return tf.sqrt(nanvar(x, axis=axis, keepdims=keepdims))


def _nan_extreme(x, axis, keepdims, largest):
    x = _t(x)
    if not x.dtype.is_floating:
        return _extreme(x, axis, keepdims, None, largest)
    axes = _axes(axis, x.shape.rank)
    nan = tf.math.is_nan(x)
    filled = tf.where(nan, tf.constant(-math.inf if largest else math.inf, x.dtype), x)
    out = (tf.reduce_max if largest else tf.reduce_min)(filled, axis=axes, keepdims=keepdims)
    return tf.where(tf.reduce_all(nan, axis=axes, keepdims=keepdims), tf.constant(math.nan, x.dtype), out)


def nanmax(x, axis=None, keepdims=False):
    return _nan_extreme(x, axis, keepdims, largest=True)


def nanmin(x, axis=None, keepdims=False):
    return _nan_extreme(x, axis, keepdims, largest=False)


def _nan_arg_extreme(x, axis, keepdims, largest):
    x = _t(x)
    if not x.dtype.is_floating:
        return _arg_extreme(x, axis, keepdims, largest)
    nan = tf.math.is_nan(x)
    filled = tf.where(nan, tf.constant(-math.inf if largest else math.inf, x.dtype), x)
    out = _arg_extreme(filled, axis, keepdims, largest)
    all_nan = tf.reduce_all(nan, axis=_axes(axis, x.shape.rank), keepdims=keepdims)
    if axis is None and keepdims:
        all_nan = tf.reshape(all_nan, tf.shape(out))
    return tf.where(all_nan, tf.constant(-1, tf.int32), out)


def nanargmax(x, axis=None, keepdims=False):
    return _nan_arg_extreme(x, axis, keepdims, largest=True)


def nanargmin(x, axis=None, keepdims=False):
    return _nan_arg_extreme(x, axis, keepdims, largest=False)


_QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(x, q, axis, method, keepdims, ignore_nan):
    """NumPy's quantile along ``axis``: the q axes first, then the kept axes of ``x``."""
    if method not in _QUANTILE_METHODS:
        raise ValueError(f"`method` must be one of {_QUANTILE_METHODS}. Received: method={method!r}")
    x = _float_input(x)
    out_dtype = x.dtype
    x = tf.cast(x, _half_to_float32(standardize_dtype(x.dtype)))
    q = tf.cast(_t(q), tf.float64)
    ndim = x.shape.rank
    axes = _axes(axis, ndim)
    shape = _static_or_dynamic_shape(x)
    if axes is None:
        kept = []
        rows = tf.reshape(x, [-1])
    else:
        kept = [d for d in range(ndim) if d not in axes]
        rows = tf.reshape(tf.transpose(x, kept + axes), [shape[d] for d in kept] + [-1])
    nan = tf.math.is_nan(rows)
    # NaNs sort last once they are +inf; the valid values keep their places.
    ordered = tf.sort(tf.where(nan, tf.constant(math.inf, rows.dtype), rows), axis=-1)
    length = tf.shape(rows)[-1]
    if ignore_nan:
        count = tf.reduce_sum(tf.cast(tf.logical_not(nan), tf.int32), axis=-1, keepdims=True)
    else:
        count = tf.fill(tf.concat([tf.shape(rows)[:-1], [1]], 0), length)
    flat_q = tf.reshape(q, [-1])
    position = flat_q * tf.cast(tf.maximum(count - 1, 0), tf.float64)  # kept dims + (len(q),)
    lower, upper = tf.floor(position), tf.math.ceil(position)

    def pick(p):
        index = tf.clip_by_value(tf.cast(p, tf.int32), 0, tf.maximum(length - 1, 0))
        return tf.gather(ordered, index, axis=-1, batch_dims=len(kept))

    if method == "lower":
        result = pick(lower)
    elif method == "higher":
        result = pick(upper)
    elif method == "nearest":
        result = pick(tf.round(position))
    elif method == "midpoint":
        result = (pick(lower) + pick(upper)) / 2
    else:
        low, high = pick(lower), pick(upper)
        fraction = tf.cast(position - lower, ordered.dtype)
        result = low + (high - low) * fraction
    invalid = tf.equal(count, 0) if ignore_nan else tf.reduce_any(nan, axis=-1, keepdims=True)
    result = tf.where(invalid, tf.constant(math.nan, result.dtype), result)
    # (kept..., q) -> (q..., kept...)
    result = tf.transpose(result, [len(kept)] + list(range(len(kept))))
    kept_shape = [shape[d] for d in kept]
    if keepdims:
        kept_shape = [1] * ndim if axes is None else [1 if d in axes else shape[d] for d in range(ndim)]
    result = tf.reshape(result, _static_or_dynamic_shape(q) + kept_shape)
    return tf.cast(result, out_dtype)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, q, axis, method, keepdims, ignore_nan=False)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, tf.cast(_t(q), tf.float64) / 100, axis, method, keepdims, ignore_nan=False)


def median(x, axis=None, keepdims=False):
    return _quantile(x, 0.5, axis, "linear", keepdims, ignore_nan=False)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, q, axis, method, keepdims, ignore_nan=True)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, tf.cast(_t(q), tf.float64) / 100, axis, method, keepdims, ignore_nan=True)


def nanmedian(x, axis=None, keepdims=False):
    return _quantile(x, 0.5, axis, "linear", keepdims, ignore_nan=True)


def trace(x, offset=0, axis1=0, axis2=1):
    x = _t(x)
    x = _to(x, _sum_dtype(x))
    return tf.reduce_sum(diagonal(x, offset=offset, axis1=axis1, axis2=axis2), axis=-1)


def diff(a, n=1, axis=-1):
    a = _t(a)
    if n < 0:
        raise ValueError(f"diff needs a non-negative order `n`. Received: n={n}")
    if n == 0:
        return a
    if a.shape.rank == 0:
        raise ValueError(f"diff needs an input of at least one dimension. Received: a.shape={tuple(a.shape)}")
    axis = _canonical_axis(axis, a.shape.rank)
    head = (slice(None),) * axis
    for _ in range(n):
        later, earlier = a[head + (slice(1, None),)], a[head + (slice(None, -1),)]
        a = tf.not_equal(later, earlier) if a.dtype == tf.bool else later - earlier
    return a


def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = _t(y)
    dtype = result_type(y.dtype, float)
    y = moveaxis(tf.cast(y, dtype), axis, -1)
    heights = (y[..., 1:] + y[..., :-1]) / 2
    if x is None:
        return tf.reduce_sum(heights * tf.cast(dx, dtype), axis=-1)
    x = tf.cast(_t(x), dtype)
    widths = x[1:] - x[:-1] if x.shape.rank == 1 else moveaxis(diff(x, axis=axis), axis, -1)
    return tf.reduce_sum(heights * widths, axis=-1)


def bincount(x, weights=None, minlength=0, sparse=False):
    check_dense_bincount(sparse)
    x = _t(x)
    if x.dtype not in (tf.int32, tf.int64):
        x = tf.cast(x, tf.int32)
    dtype = "int32"
    if weights is not None:
        weights = _t(weights)
        dtype = result_type(x.dtype, weights.dtype)
        if weights.dtype not in (tf.int32, tf.int64, tf.float32, tf.float64):
            weights = tf.cast(weights, tf.int32 if weights.dtype.is_integer or weights.dtype == tf.bool else tf.float32)
    return tf.cast(tf.math.bincount(x, weights=weights, minlength=minlength, axis=-1), dtype)


def histogram(x, bins=10, range=None):
    x = _t(x)
    if x.shape.rank != 1:
        x = tf.reshape(x, [-1])
    compute = x if x.dtype in (tf.float32, tf.float64) else tf.cast(x, tf.float32)
    if range is None:
        low, high = tf.reduce_min(compute), tf.reduce_max(compute)
    else:
        low, high = tf.cast(range[0], compute.dtype), tf.cast(range[1], compute.dtype)
    # NumPy widens an empty range to one of width 1 around its value.
    same = tf.equal(low, high)
    low, high = tf.where(same, low - 0.5, low), tf.where(same, high + 0.5, high)
    edges = tf.cast(tf.linspace(low, high, bins + 1), compute.dtype)
    inside = tf.logical_and(compute >= low, compute <= high)
    index = tf.clip_by_value(tf.searchsorted(edges[1:-1], compute, side="right", out_type=tf.int32), 0, bins - 1)
    counts = tf.math.unsorted_segment_sum(tf.cast(inside, compute.dtype), index, bins)
    return tf.cast(counts, x.dtype), tf.cast(edges, x.dtype)


__all__ = names.REDUCTIONS
