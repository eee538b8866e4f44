"""Reductions on JAX: sums, means, extrema, statistics, cumulative ops, histograms.

Backs ``cornu.ops.numpy.reductions``; re-exported by ``cornu.backend.jax.numpy``.
"""

import builtins

import jax.numpy as jnp

from cornu.backend.common.array_namespace_ops import install, names
from cornu.backend.common.array_namespace_ops.dtype_rules import SMALL_INT_SUM_DTYPES
from cornu.backend.common.array_namespace_ops.reductions import check_dense_bincount, reduction_functions
from cornu.backend.common.dtypes import result_type, standardize_dtype
from cornu.backend.jax.numpy._common import _axis, _float_input, _t
from cornu.backend.jax.numpy.arithmetic import divide

__all__ = names.REDUCTIONS

# ``diff`` and ``histogram``: written once for NumPy and JAX in array_namespace_ops.reductions.
install(globals(), reduction_functions(jnp, _t))


def _small_int_sum_dtype(dtype):
    return SMALL_INT_SUM_DTYPES.get(dtype)


def sum(x, axis=None, keepdims=False):
    x = _t(x)
    return jnp.sum(x, axis=_axis(axis), keepdims=keepdims, dtype=_small_int_sum_dtype(standardize_dtype(x.dtype)))


def prod(x, axis=None, keepdims=False, dtype=None):
    x = _t(x)
    dtype = standardize_dtype(dtype) if dtype is not None else _small_int_sum_dtype(standardize_dtype(x.dtype))
    return jnp.prod(x, axis=_axis(axis), keepdims=keepdims, dtype=dtype)


def mean(x, axis=None, keepdims=False):
    x = _t(x)
    dtype = standardize_dtype(x.dtype)
    out_dtype = result_type(dtype, float)
    if out_dtype in ("float16", "bfloat16"):
        return jnp.mean(x, axis=_axis(axis), keepdims=keepdims, dtype="float32").astype(out_dtype)
    return jnp.mean(x, axis=_axis(axis), keepdims=keepdims, dtype=out_dtype)


def var(x, axis=None, keepdims=False):
    x = _t(x)
    out_dtype = result_type(x.dtype, float)
    compute = "float32" if out_dtype in ("float16", "bfloat16") else out_dtype
    return jnp.var(x.astype(compute), axis=_axis(axis), keepdims=keepdims).astype(out_dtype)


def std(x, axis=None, keepdims=False):
    return jnp.sqrt(var(x, axis=axis, keepdims=keepdims))


def average(x, axis=None, weights=None):
    x = _t(x)
    if weights is None:
        dtype = result_type(x.dtype, float)
        return jnp.average(x.astype(dtype), axis=_axis(axis))
    weights = _t(weights)
    dtype = result_type(x.dtype, weights.dtype, float)
    return jnp.average(x.astype(dtype), axis=_axis(axis), weights=weights.astype(dtype))


def max(x, axis=None, keepdims=False, initial=None):
    return jnp.max(_t(x), axis=_axis(axis), keepdims=keepdims, initial=initial)


def min(x, axis=None, keepdims=False, initial=None):
    return jnp.min(_t(x), axis=_axis(axis), keepdims=keepdims, initial=initial)


def amax(x, axis=None, keepdims=False):
    return jnp.max(_t(x), axis=_axis(axis), keepdims=keepdims)


def amin(x, axis=None, keepdims=False):
    return jnp.min(_t(x), axis=_axis(axis), keepdims=keepdims)


def ptp(x, axis=None, keepdims=False):
    return jnp.ptp(_t(x), axis=_axis(axis), keepdims=keepdims)


def argmax(x, axis=None, keepdims=False):
    return jnp.argmax(_t(x), axis=axis, keepdims=keepdims).astype("int32")


def argmin(x, axis=None, keepdims=False):
    return jnp.argmin(_t(x), axis=axis, keepdims=keepdims).astype("int32")


def any(x, axis=None, keepdims=False):
    return jnp.any(_t(x), axis=_axis(axis), keepdims=keepdims)


def all(x, axis=None, keepdims=False):
    return jnp.all(_t(x), axis=_axis(axis), keepdims=keepdims)


def count_nonzero(x, axis=None):
    return jnp.count_nonzero(_t(x), axis=_axis(axis)).astype("int32")


def cumsum(x, axis=None, dtype=None):
    x = _t(x)
    if dtype is None and x.dtype == jnp.bool_:
        dtype = "int32"
    return jnp.cumsum(x, axis=axis, dtype=dtype)


def cumprod(x, axis=None, dtype=None):
    x = _t(x)
    if dtype is None and x.dtype == jnp.bool_:
        dtype = "int32"
    return jnp.cumprod(x, axis=axis, dtype=dtype)


def median(x, axis=None, keepdims=False):
    x = _float_input(x)
    return _keep_all_dims(jnp.median(x, axis=_axis(axis), keepdims=keepdims), x.ndim, axis, keepdims)


def _keep_all_dims(out, ndim, axis, keepdims, extra=0):
    if keepdims and axis is None:
        out = jnp.reshape(out, out.shape[:extra] + (1,) * ndim)
    return out


def quantile(x, q, axis=None, method="linear", keepdims=False):
    x = _float_input(x)
    q = _t(q)
    out = jnp.quantile(x, q.astype(x.dtype), axis=_axis(axis), method=method, keepdims=keepdims)
    return _keep_all_dims(out, x.ndim, axis, keepdims, extra=q.ndim)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    return quantile(x, divide(q, 100), axis=axis, method=method, keepdims=keepdims)


def nansum(x, axis=None, keepdims=False):
    x = _t(x)
    return jnp.nansum(x, axis=_axis(axis), keepdims=keepdims, dtype=_small_int_sum_dtype(standardize_dtype(x.dtype)))


def nanprod(x, axis=None, keepdims=False):
    x = _t(x)
    return jnp.nanprod(x, axis=_axis(axis), keepdims=keepdims, dtype=_small_int_sum_dtype(standardize_dtype(x.dtype)))


def nanmean(x, axis=None, keepdims=False):
    return jnp.nanmean(_float_input(x), axis=_axis(axis), keepdims=keepdims)


def nanvar(x, axis=None, keepdims=False):
    return jnp.nanvar(_float_input(x), axis=_axis(axis), keepdims=keepdims)


def nanstd(x, axis=None, keepdims=False):
    return jnp.nanstd(_float_input(x), axis=_axis(axis), keepdims=keepdims)


def nanmax(x, axis=None, keepdims=False):
    return jnp.nanmax(_t(x), axis=_axis(axis), keepdims=keepdims)


def nanmin(x, axis=None, keepdims=False):
    return jnp.nanmin(_t(x), axis=_axis(axis), keepdims=keepdims)


def nanargmax(x, axis=None, keepdims=False):
    return jnp.nanargmax(_t(x), axis=axis, keepdims=keepdims).astype("int32")


def nanargmin(x, axis=None, keepdims=False):
    return jnp.nanargmin(_t(x), axis=axis, keepdims=keepdims).astype("int32")


def nancumsum(x, axis=None, dtype=None):
    x = _t(x)
    if dtype is None and x.dtype == jnp.bool_:
        dtype = "int32"
    return jnp.nancumsum(x, axis=axis, dtype=dtype)


def nancumprod(x, axis=None, dtype=None):
    x = _t(x)
    if dtype is None and x.dtype == jnp.bool_:
        dtype = "int32"
    return jnp.nancumprod(x, axis=axis, dtype=dtype)


def nanmedian(x, axis=None, keepdims=False):
    x = _float_input(x)
    return _keep_all_dims(jnp.nanmedian(x, axis=_axis(axis), keepdims=keepdims), x.ndim, axis, keepdims)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    x = _float_input(x)
    q = _t(q)
    out = jnp.nanquantile(x, q.astype(x.dtype), axis=_axis(axis), method=method, keepdims=keepdims)
    return _keep_all_dims(out, x.ndim, axis, keepdims, extra=q.ndim)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    return nanquantile(x, divide(q, 100), axis=axis, method=method, keepdims=keepdims)


def trace(x, offset=0, axis1=0, axis2=1):
    x = _t(x)
    return jnp.trace(x, offset=offset, axis1=axis1, axis2=axis2, dtype=_small_int_sum_dtype(standardize_dtype(x.dtype)))


def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = _float_input(y)
    if x is not None:
        x = _t(x).astype(y.dtype)
    return jnp.trapezoid(y, x, dx=dx, axis=axis)


def bincount(x, weights=None, minlength=0, sparse=False):
    check_dense_bincount(sparse)
    x = _t(x)
    if weights is not None:
        weights = _t(weights)
    if x.ndim == 2:
        length = builtins.max(int(jnp.max(x)) + 1, minlength) if x.size else minlength
        rows = [jnp.bincount(x[i], None if weights is None else weights[i], length=length) for i in range(x.shape[0])]
        return jnp.stack(rows)
    out = jnp.bincount(x, weights, minlength=minlength)
    return out.astype("int32") if weights is None else out
