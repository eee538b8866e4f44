"""Reductions on NumPy: sums, means, extrema, statistics, cumulative ops, histograms.

Backs ``cornu.ops.numpy.reductions``; re-exported by ``cornu.backend.numpy.numpy``.
"""

import builtins

import numpy as np

from cornu.backend.common.array_namespace_ops import install, names
from cornu.backend.common.array_namespace_ops.dtype_rules import SMALL_INT_SUM_DTYPES
from cornu.backend.common.array_namespace_ops.reductions import check_dense_bincount, reduction_functions
from cornu.backend.common.dtypes import result_type
from cornu.backend.numpy.core import to_numpy_dtype
from cornu.backend.numpy.numpy._common import _axis, _float_input, _is_float, _r, _t

__all__ = names.REDUCTIONS

# ``diff`` and ``histogram``: written once for NumPy and JAX in array_namespace_ops.reductions.
install(globals(), reduction_functions(np, _t))


def _small_int_sum_dtype(dtype):
    return SMALL_INT_SUM_DTYPES.get(dtype, dtype)


def sum(x, axis=None, keepdims=False):
    x = _t(x)
    return _r(np.sum(x, axis=_axis(axis), keepdims=keepdims, dtype=_small_int_sum_dtype(x.dtype.name)))


def prod(x, axis=None, keepdims=False, dtype=None):
    x = _t(x)
    dtype = to_numpy_dtype(dtype) if dtype is not None else _small_int_sum_dtype(x.dtype.name)
    return _r(np.prod(x, axis=_axis(axis), keepdims=keepdims, dtype=dtype))


def _mean_dtypes(x):
    out = result_type(x.dtype, float)
    compute = "float32" if out in ("float16", "bfloat16") else out
    return to_numpy_dtype(compute), to_numpy_dtype(out)


# NumPy reduces axes other than the last with strided loops, 10-25x slower than one BLAS product
# on large float arrays (e.g. a per-image mean over height and width of an image batch).
_BLAS_REDUCTION_MIN_SIZE = 1 << 16


def _middle_axes_sum(x, axis):
    """``x.sum(axis)`` (keepdims) through a BLAS product when ``axis`` is a run of consecutive
    axes that leaves the last axis out, on a large float32/float64 array; else None."""
    if x.dtype not in (np.float32, np.float64) or x.size < _BLAS_REDUCTION_MIN_SIZE:
        return None
    axes = sorted(a % x.ndim for a in ((axis,) if isinstance(axis, int) else axis))
    # A non-contiguous view (a crop) is copied by the reshape below: still far faster.
    if not axes or axes != list(range(axes[0], axes[-1] + 1)) or axes[-1] == x.ndim - 1:
        return None
    shape = x.shape
    pre, red = int(np.prod(shape[:axes[0]])), int(np.prod(shape[axes[0]:axes[-1] + 1]))
    summed = np.matmul(np.ones((1, red), x.dtype), x.reshape(pre, red, -1))
    return summed.reshape(tuple(1 if i in axes else n for i, n in enumerate(shape)))


def mean(x, axis=None, keepdims=False):
    x = _t(x)
    compute, out = _mean_dtypes(x)
    if axis is not None and compute == x.dtype:
        summed = _middle_axes_sum(x, _axis(axis))
        if summed is not None:
            count = x.size // summed.size
            result = summed / np.asarray(count, x.dtype)
            if not keepdims:
                result = result.reshape(tuple(n for n, kept in zip(result.shape, _kept(x.ndim, _axis(axis))) if kept))
            return _r(result, dtype=out)
    return _r(np.mean(x, axis=_axis(axis), keepdims=keepdims, dtype=compute), dtype=out)


def _kept(ndim, axis):
    reduced = {a % ndim for a in ((axis,) if isinstance(axis, int) else axis)}
    return [i not in reduced for i in range(ndim)]


def var(x, axis=None, keepdims=False):
    x = _t(x)
    compute, out = _mean_dtypes(x)
    return _r(np.var(x.astype(compute), axis=_axis(axis), keepdims=keepdims), dtype=out)


def std(x, axis=None, keepdims=False):
    x = _t(x)
    compute, out = _mean_dtypes(x)
    return _r(np.std(x.astype(compute), axis=_axis(axis), keepdims=keepdims), dtype=out)


def average(x, axis=None, weights=None):
    x = _t(x)
    if weights is None:
        return mean(x, axis=axis)
    weights = _t(weights)
    dtype = to_numpy_dtype(result_type(x.dtype, weights.dtype, float))
    x, weights = x.astype(dtype), weights.astype(dtype)
    if weights.ndim == 1 and x.ndim > 1 and isinstance(axis, int):
        shape = [1] * x.ndim
        shape[axis] = -1
        weights = weights.reshape(shape)
    weights = np.broadcast_to(weights, x.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _r(np.sum(x * weights, axis=_axis(axis)) / np.sum(weights, axis=_axis(axis)), dtype=dtype)


def max(x, axis=None, keepdims=False, initial=None):
    kwargs = {} if initial is None else {"initial": initial}
    return _r(np.max(_t(x), axis=_axis(axis), keepdims=keepdims, **kwargs))


def min(x, axis=None, keepdims=False, initial=None):
    kwargs = {} if initial is None else {"initial": initial}
    return _r(np.min(_t(x), axis=_axis(axis), keepdims=keepdims, **kwargs))


def amax(x, axis=None, keepdims=False):
    return max(x, axis=axis, keepdims=keepdims)


def amin(x, axis=None, keepdims=False):
    return min(x, axis=axis, keepdims=keepdims)


def ptp(x, axis=None, keepdims=False):
    x = _t(x)
    return _r(np.ptp(x, axis=_axis(axis), keepdims=keepdims), dtype=x.dtype)


def argmax(x, axis=None, keepdims=False):
    return _r(np.argmax(_t(x), axis=axis, keepdims=keepdims), dtype=np.int32)


def argmin(x, axis=None, keepdims=False):
    return _r(np.argmin(_t(x), axis=axis, keepdims=keepdims), dtype=np.int32)


def any(x, axis=None, keepdims=False):
    return _r(np.any(_t(x), axis=_axis(axis), keepdims=keepdims))


def all(x, axis=None, keepdims=False):
    return _r(np.all(_t(x), axis=_axis(axis), keepdims=keepdims))


def count_nonzero(x, axis=None):
    return _r(np.count_nonzero(_t(x), axis=_axis(axis)), dtype=np.int32)


def _cum_dtype(x, dtype):
    if dtype is not None:
        return to_numpy_dtype(dtype)
    return np.int32 if x.dtype == np.bool_ else x.dtype


def cumsum(x, axis=None, dtype=None):
    x = _t(x)
    return _r(np.cumsum(x, axis=axis, dtype=_cum_dtype(x, dtype)))


def cumprod(x, axis=None, dtype=None):
    x = _t(x)
    return _r(np.cumprod(x, axis=axis, dtype=_cum_dtype(x, dtype)))


def nancumsum(x, axis=None, dtype=None):
    x = _t(x)
    return _r(np.nancumsum(x, axis=axis, dtype=_cum_dtype(x, dtype)))


def nancumprod(x, axis=None, dtype=None):
    x = _t(x)
    return _r(np.nancumprod(x, axis=axis, dtype=_cum_dtype(x, dtype)))


def median(x, axis=None, keepdims=False):
    x = _float_input(x)
    return _r(np.median(x, axis=_axis(axis), keepdims=keepdims), dtype=x.dtype)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    x = _float_input(x)
    return _r(np.quantile(x, _t(q), axis=_axis(axis), method=method, keepdims=keepdims), dtype=x.dtype)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    x = _float_input(x)
    return _r(np.percentile(x, _t(q), axis=_axis(axis), method=method, keepdims=keepdims), dtype=x.dtype)


def nansum(x, axis=None, keepdims=False):
    x = _t(x)
    return _r(np.nansum(x, axis=_axis(axis), keepdims=keepdims, dtype=_small_int_sum_dtype(x.dtype.name)))


def nanprod(x, axis=None, keepdims=False):
    x = _t(x)
    return _r(np.nanprod(x, axis=_axis(axis), keepdims=keepdims, dtype=_small_int_sum_dtype(x.dtype.name)))


def _nan_float_reduce(fn, x, axis, keepdims):
    x = _float_input(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return _r(fn(x, axis=_axis(axis), keepdims=keepdims), dtype=x.dtype)


def nanmean(x, axis=None, keepdims=False):
    return _nan_float_reduce(np.nanmean, x, axis, keepdims)


def nanvar(x, axis=None, keepdims=False):
    return _nan_float_reduce(np.nanvar, x, axis, keepdims)


def nanstd(x, axis=None, keepdims=False):
    return _nan_float_reduce(np.nanstd, x, axis, keepdims)


def nanmedian(x, axis=None, keepdims=False):
    return _nan_float_reduce(np.nanmedian, x, axis, keepdims)


def nanmax(x, axis=None, keepdims=False):
    x = _t(x)
    if not _is_float(x):
        return max(x, axis=axis, keepdims=keepdims)
    return _nan_float_reduce(np.nanmax, x, axis, keepdims)


def nanmin(x, axis=None, keepdims=False):
    x = _t(x)
    if not _is_float(x):
        return min(x, axis=axis, keepdims=keepdims)
    return _nan_float_reduce(np.nanmin, x, axis, keepdims)


def _nanarg(fill, fn, x, axis, keepdims):
    x = _t(x)
    if _is_float(x):
        x = np.where(np.isnan(x), fill, x)
    return _r(fn(x, axis=axis, keepdims=keepdims), dtype=np.int32)


def nanargmax(x, axis=None, keepdims=False):
    return _nanarg(-np.inf, np.argmax, x, axis, keepdims)


def nanargmin(x, axis=None, keepdims=False):
    return _nanarg(np.inf, np.argmin, x, axis, keepdims)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    x = _float_input(x)
    return _r(np.nanquantile(x, _t(q), axis=_axis(axis), method=method, keepdims=keepdims), dtype=x.dtype)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    x = _float_input(x)
    return _r(np.nanpercentile(x, _t(q), axis=_axis(axis), method=method, keepdims=keepdims), dtype=x.dtype)


def trace(x, offset=0, axis1=0, axis2=1):
    x = _t(x)
    return _r(np.trace(x, offset=offset, axis1=axis1, axis2=axis2, dtype=_small_int_sum_dtype(x.dtype.name)))


def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = _float_input(y)
    if x is not None:
        x = _t(x).astype(y.dtype)
    return _r(np.trapezoid(y, x, dx=dx, axis=axis), dtype=y.dtype)


def bincount(x, weights=None, minlength=0, sparse=False):
    check_dense_bincount(sparse)
    x = _t(x)
    dtype = np.int32 if weights is None else _t(weights).dtype
    if weights is not None:
        weights = _t(weights)
        dtype = to_numpy_dtype(result_type(x.dtype, weights.dtype))
    if x.ndim == 2:
        length = builtins.max(int(x.max()) + 1, minlength) if x.size else minlength
        rows = [np.bincount(x[i], None if weights is None else weights[i], minlength=length) for i in range(x.shape[0])]
        return np.stack(rows).astype(dtype) if rows else np.zeros((0, length), dtype)
    return np.bincount(x, weights, minlength=minlength).astype(dtype)
