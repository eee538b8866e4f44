"""Reductions on PyTorch: sums, means, extrema, statistics, cumulative ops, histograms.

Backs ``cornu.ops.numpy.reductions``; re-exported by ``cornu.backend.torch.numpy``.
"""

import builtins
import math

import torch

from cornu.backend.common.dtypes import result_type
from cornu.backend.torch.core import to_torch_dtype
from cornu.backend.torch.numpy._common import _axis, _float_input, _t

__all__ = [
    "all", "amax", "amin", "any", "argmax", "argmin", "average", "bincount", "count_nonzero", "cumprod", "cumsum",
    "diff", "histogram", "max", "mean", "median", "min", "nanargmax", "nanargmin", "nancumprod", "nancumsum", "nanmax",
    "nanmean", "nanmedian", "nanmin", "nanpercentile", "nanprod", "nanquantile", "nanstd", "nansum", "nanvar",
    "percentile", "prod", "ptp", "quantile", "std", "sum", "trace", "trapezoid", "var",
]


def _dims(axis, ndim):
    """Keras ``axis`` to a torch ``dim``: None stays None, lists become tuples."""
    if axis is None:
        return None
    if isinstance(axis, (list, tuple)):
        return tuple(_axis(a, ndim) for a in axis)
    return axis


def _reduce(fn, x, axis, keepdims, **kwargs):
    """Runs a torch reduction with NumPy's axis semantics (None: all, (): none)."""
    if axis is None:
        out = fn(x, **kwargs)
        return out.reshape((1,) * x.ndim) if keepdims else out
    dims = _dims(axis, x.ndim)
    if dims == ():
        return x.to(kwargs["dtype"]) if kwargs.get("dtype") is not None else x
    return fn(x, dim=dims, keepdim=keepdims, **kwargs)


def _sum_dtype(dtype):
    # torch has no uint32 kernels, so small unsigned sums accumulate in int32 (as in Keras).
    if dtype in (torch.bool, torch.int8, torch.int16, torch.uint8, torch.uint16):
        return torch.int32
    return dtype


def sum(x, axis=None, keepdims=False):
    x = _t(x)
    return _reduce(torch.sum, x, axis, keepdims, dtype=_sum_dtype(x.dtype))


def prod(x, axis=None, keepdims=False, dtype=None):
    x = _t(x)
    dtype = to_torch_dtype(dtype) if dtype is not None else _sum_dtype(x.dtype)
    if axis is None:
        out = torch.prod(x, dtype=dtype)
        return out.reshape((1,) * x.ndim) if keepdims else out
    axes = [axis] if isinstance(axis, int) else list(axis)
    for a in sorted((_axis(a, x.ndim) for a in axes), reverse=True):
        x = torch.prod(x, dim=a, keepdim=keepdims, dtype=dtype)
    return x


def _mean_dtypes(x):
    if x.dtype == torch.float32 or x.dtype == torch.float64:
        return x.dtype, x.dtype
    out = to_torch_dtype(result_type(x.dtype, float))
    compute = torch.float32 if out in (torch.float16, torch.bfloat16) else out
    return compute, out


def mean(x, axis=None, keepdims=False):
    x = _t(x)
    compute, out = _mean_dtypes(x)
    return _reduce(torch.mean, x, axis, keepdims, dtype=compute).to(out)


def var(x, axis=None, keepdims=False):
    x = _t(x)
    compute, out = _mean_dtypes(x)
    return _reduce(torch.var, x.to(compute), axis, keepdims, correction=0).to(out)


def std(x, axis=None, keepdims=False):
    x = _t(x)
    compute, out = _mean_dtypes(x)
    return _reduce(torch.std, x.to(compute), axis, keepdims, correction=0).to(out)


def average(x, axis=None, weights=None):
    x = _t(x)
    if weights is None:
        return mean(x, axis=axis)
    weights = _t(weights)
    dtype = to_torch_dtype(result_type(x.dtype, weights.dtype, float))
    x, weights = x.to(dtype), weights.to(dtype)
    if weights.ndim == 1 and x.ndim > 1 and isinstance(axis, int):
        shape = [1] * x.ndim
        shape[axis] = -1
        weights = weights.reshape(shape)
    dims = None if axis is None else _dims(axis, x.ndim)
    if dims is None:
        return torch.sum(x * weights) / torch.sum(torch.broadcast_to(weights, x.shape))
    return torch.sum(x * weights, dim=dims) / torch.sum(torch.broadcast_to(weights, x.shape), dim=dims)


def _minmax(fn, x, axis, keepdims, initial):
    x = _t(x)
    if x.numel() == 0 and initial is not None:
        shape = [1 if keepdims else None for _ in range(x.ndim)] if axis is None else None
        if shape is not None:
            return torch.full([1] * x.ndim if keepdims else [], initial, dtype=x.dtype)
    out = _reduce(fn, x, axis, keepdims)
    if initial is not None:
        bound = torch.tensor(initial, dtype=out.dtype)
        out = torch.maximum(out, bound) if fn is torch.amax else torch.minimum(out, bound)
    return out


def max(x, axis=None, keepdims=False, initial=None):
    return _minmax(torch.amax, x, axis, keepdims, initial)


def min(x, axis=None, keepdims=False, initial=None):
    return _minmax(torch.amin, x, axis, keepdims, initial)


def amax(x, axis=None, keepdims=False):
    return _minmax(torch.amax, x, axis, keepdims, None)


def amin(x, axis=None, keepdims=False):
    return _minmax(torch.amin, x, axis, keepdims, None)


def ptp(x, axis=None, keepdims=False):
    x = _t(x)
    return amax(x, axis, keepdims) - amin(x, axis, keepdims)


def _arg(fn, x, axis, keepdims):
    x = _t(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    if axis is None:
        out = fn(x.reshape(-1))
        return (out.reshape((1,) * x.ndim) if keepdims else out).to(torch.int32)
    return fn(x, dim=axis, keepdim=keepdims).to(torch.int32)


def argmax(x, axis=None, keepdims=False):
    return _arg(torch.argmax, x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    return _arg(torch.argmin, x, axis, keepdims)


def any(x, axis=None, keepdims=False):
    x = _t(x)
    return _reduce(torch.any, x if x.dtype == torch.bool else x.bool(), axis, keepdims)


def all(x, axis=None, keepdims=False):
    x = _t(x)
    return _reduce(torch.all, x if x.dtype == torch.bool else x.bool(), axis, keepdims)


def count_nonzero(x, axis=None):
    x = _t(x)
    dims = _dims(axis, x.ndim)
    if dims == ():
        return (x != 0).to(torch.int32)
    return torch.count_nonzero(x, dim=dims).to(torch.int32)


def _cum(fn, x, axis, dtype):
    x = _t(x)
    if dtype is not None:
        dtype = to_torch_dtype(dtype)
    else:
        dtype = torch.int32 if x.dtype == torch.bool else x.dtype
    if axis is None:
        x, axis = x.reshape(-1), 0
    return fn(x, dim=axis, dtype=dtype)


def cumsum(x, axis=None, dtype=None):
    return _cum(torch.cumsum, x, axis, dtype)


def cumprod(x, axis=None, dtype=None):
    return _cum(torch.cumprod, x, axis, dtype)


def nancumsum(x, axis=None, dtype=None):
    x = _t(x)
    if x.is_floating_point():
        x = torch.where(torch.isnan(x), torch.zeros((), dtype=x.dtype), x)
    return cumsum(x, axis, dtype)


def nancumprod(x, axis=None, dtype=None):
    x = _t(x)
    if x.is_floating_point():
        x = torch.where(torch.isnan(x), torch.ones((), dtype=x.dtype), x)
    return cumprod(x, axis, dtype)


def _move_to_end(x, axis):
    """Moves the reduced axes to one trailing axis; returns (x, kept shape)."""
    if axis is None:
        return x.reshape(-1), None
    axes = [axis] if isinstance(axis, int) else list(axis)
    axes = sorted(_axis(a, x.ndim) for a in axes)
    kept = [d for d in range(x.ndim) if d not in axes]
    x = x.permute(kept + axes)
    return x.reshape([x.shape[i] for i in range(len(kept))] + [-1]), axes


def _quantile(x, q, axis, method, keepdims, ignore_nan):
    x = _float_input(x)
    q = _t(q).to(torch.float64)
    ndim = x.ndim
    flat, axes = _move_to_end(x, axis)
    nan = torch.isnan(flat)
    ordered = torch.sort(flat, dim=-1).values  # NaNs sort last
    if ignore_nan:
        count = (~nan).sum(-1, keepdim=True)
    else:
        count = torch.full(flat.shape[:-1] + (1,), flat.shape[-1], dtype=torch.int64)
    last = (count - 1).clamp(min=0).to(torch.float64)
    pos = q.reshape(q.shape + (1,) * flat.ndim) * last  # q dims first, then batch dims, then 1
    lo = torch.floor(pos)
    hi = torch.ceil(pos)
    if method == "lower":
        pos = lo
    elif method == "higher":
        pos = hi
    elif method == "nearest":
        pos = torch.round(pos)
    elif method not in ("linear", "midpoint"):
        raise ValueError(
            "`method` must be one of 'linear', 'lower', 'higher', 'midpoint', 'nearest'. "
            f"Received: method={method!r}"
        )
    expanded = ordered.expand(q.shape + ordered.shape)

    def gather(p):
        return torch.gather(expanded, -1, p.long().clamp(min=0)).to(torch.float64)

    if method == "linear":
        out = gather(lo) + (gather(hi) - gather(lo)) * (pos - lo)
    elif method == "midpoint":
        out = (gather(lo) + gather(hi)) / 2
    else:
        out = gather(pos)
    out = out.squeeze(-1)
    bad = (count.squeeze(-1) == 0) if ignore_nan else nan.any(-1)
    out = torch.where(bad, torch.tensor(float("nan"), dtype=out.dtype), out)
    if keepdims:
        if axes is None:
            out = out.reshape(q.shape + (1,) * ndim)
        else:
            for a in axes:
                out = out.unsqueeze(q.ndim + a)
    return out.to(x.dtype)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, q, axis, method, keepdims, ignore_nan=False)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, _t(q).to(torch.float64) / 100, axis, method, keepdims, ignore_nan=False)


def median(x, axis=None, keepdims=False):
    return _quantile(x, 0.5, axis, "linear", keepdims, ignore_nan=False)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, q, axis, method, keepdims, ignore_nan=True)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, _t(q).to(torch.float64) / 100, axis, method, keepdims, ignore_nan=True)


def nanmedian(x, axis=None, keepdims=False):
    return _quantile(x, 0.5, axis, "linear", keepdims, ignore_nan=True)


def _without_nan(x, fill):
    x = _t(x)
    if not x.is_floating_point():
        return x, None
    nan = torch.isnan(x)
    return torch.where(nan, torch.tensor(fill, dtype=x.dtype), x), nan


def nansum(x, axis=None, keepdims=False):
    return sum(_without_nan(x, 0.0)[0], axis=axis, keepdims=keepdims)


def nanprod(x, axis=None, keepdims=False):
    return prod(_without_nan(x, 1.0)[0], axis=axis, keepdims=keepdims)


def nanmean(x, axis=None, keepdims=False):
    x = _float_input(x)
    filled, nan = _without_nan(x, 0.0)
    count = sum(~nan, axis=axis, keepdims=keepdims)
    return (sum(filled, axis=axis, keepdims=keepdims) / count).to(x.dtype)


def nanvar(x, axis=None, keepdims=False):
    x = _float_input(x)
    avg = nanmean(x, axis=axis, keepdims=True)
    return nanmean(torch.square(x - avg), axis=axis, keepdims=keepdims)


def nanstd(x, axis=None, keepdims=False):
    return torch.sqrt(nanvar(x, axis=axis, keepdims=keepdims))


def _nan_extreme(fn, fill, x, axis, keepdims):
    filled, nan = _without_nan(x, fill)
    out = _reduce(fn, filled, axis, keepdims)
    if nan is None:
        return out
    all_nan = _reduce(torch.all, nan, axis, keepdims)
    return torch.where(all_nan, torch.tensor(float("nan"), dtype=out.dtype), out)


def nanmax(x, axis=None, keepdims=False):
    return _nan_extreme(torch.amax, -math.inf, x, axis, keepdims)


def nanmin(x, axis=None, keepdims=False):
    return _nan_extreme(torch.amin, math.inf, x, axis, keepdims)


def nanargmax(x, axis=None, keepdims=False):
    return argmax(_without_nan(x, -math.inf)[0], axis=axis, keepdims=keepdims)


def nanargmin(x, axis=None, keepdims=False):
    return argmin(_without_nan(x, math.inf)[0], axis=axis, keepdims=keepdims)


def trace(x, offset=0, axis1=0, axis2=1):
    x = _t(x)
    return torch.sum(torch.diagonal(x, offset=offset, dim1=axis1, dim2=axis2), dim=-1, dtype=_sum_dtype(x.dtype))


def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = _float_input(y)
    if x is not None:
        return torch.trapezoid(y, _t(x).to(y.dtype), dim=axis)
    return torch.trapezoid(y, dx=dx, dim=axis)


def diff(a, n=1, axis=-1):
    return torch.diff(_t(a), n=n, dim=axis)


def bincount(x, weights=None, minlength=0, sparse=False):
    if sparse:
        raise ValueError("bincount: sparse outputs are not supported by cornu. Pass sparse=False.")
    x = _t(x)
    dtype = torch.int32
    if weights is not None:
        weights = _t(weights)
        dtype = to_torch_dtype(result_type(x.dtype, weights.dtype))
    if x.ndim == 2:
        length = builtins.max(int(x.max()) + 1, minlength) if x.numel() else minlength
        rows = [torch.bincount(x[i], None if weights is None else weights[i], minlength=length) for i in range(x.shape[0])]
        return torch.stack(rows).to(dtype) if rows else torch.zeros((0, length), dtype=dtype)
    return torch.bincount(x, weights, minlength=minlength).to(dtype)


def histogram(x, bins=10, range=None):
    x = _t(x)
    compute = x if x.dtype in (torch.float32, torch.float64) else x.to(torch.float32)
    lo, hi = (compute.min().item(), compute.max().item()) if range is None else range
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    counts = torch.histc(compute, bins=bins, min=lo, max=hi)
    edges = torch.linspace(lo, hi, bins + 1, dtype=compute.dtype)
    return counts.to(x.dtype), edges.to(x.dtype)
