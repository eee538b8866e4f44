"""Reductions along axes (sums, means, extrema, statistics, cumulative ops, histograms).

Part of ``cornu.ops.numpy`` (also flattened into ``cornu.ops``); examples use ``ops``
for ``cornu.ops``.
"""

from cornu import backend
from cornu.ops.decorator import op

_b = backend.numpy


@op
def all(x, axis=None, keepdims=False):
    """Whether all elements along `axis` are true. Example: ``ops.all([True, False])  # False``"""
    return _b.all(x, axis=axis, keepdims=keepdims)


@op
def amax(x, axis=None, keepdims=False):
    """Maximum along `axis` (NumPy's `amax`). Example: ``ops.amax([[1, 5], [3, 2]], axis=0)  # [3, 5]``"""
    return _b.amax(x, axis=axis, keepdims=keepdims)


@op
def amin(x, axis=None, keepdims=False):
    """Minimum along `axis` (NumPy's `amin`). Example: ``ops.amin([[1, 5], [3, 2]], axis=0)  # [1, 2]``"""
    return _b.amin(x, axis=axis, keepdims=keepdims)


@op
def any(x, axis=None, keepdims=False):
    """Whether any element along `axis` is true. Example: ``ops.any([False, True])  # True``"""
    return _b.any(x, axis=axis, keepdims=keepdims)


@op
def argmax(x, axis=None, keepdims=False):
    """Index of the maximum along `axis` (int32). Example: ``ops.argmax([1, 9, 3])  # 1``"""
    return _b.argmax(x, axis=axis, keepdims=keepdims)


@op
def argmin(x, axis=None, keepdims=False):
    """Index of the minimum along `axis` (int32). Example: ``ops.argmin([4, 0, 3])  # 1``"""
    return _b.argmin(x, axis=axis, keepdims=keepdims)


@op
def average(x, axis=None, weights=None):
    """Weighted average along `axis`. Example: ``ops.average([1.0, 3.0], weights=[3.0, 1.0])  # 1.5``"""
    return _b.average(x, axis=axis, weights=weights)


@op
def bincount(x, weights=None, minlength=0, sparse=False):
    """Counts occurrences of each non-negative integer in `x` (weighted sums if `weights`).

    Example: ``ops.bincount([0, 1, 1, 3])  # [1, 2, 0, 1]``
    """
    return _b.bincount(x, weights=weights, minlength=minlength, sparse=sparse)


@op
def count_nonzero(x, axis=None):
    """Number of non-zero values along `axis` (int32). Example: ``ops.count_nonzero([0, 3, 2])  # 2``"""
    return _b.count_nonzero(x, axis=axis)


@op
def cumprod(x, axis=None, dtype=None):
    """Cumulative product along `axis` (flattened when None). Example: ``ops.cumprod([1, 2, 3])  # [1, 2, 6]``"""
    return _b.cumprod(x, axis=axis, dtype=dtype)


@op
def cumsum(x, axis=None, dtype=None):
    """Cumulative sum along `axis` (flattened when None). Example: ``ops.cumsum([1, 2, 3])  # [1, 3, 6]``"""
    return _b.cumsum(x, axis=axis, dtype=dtype)


@op
def diff(a, n=1, axis=-1):
    """The `n`-th discrete difference along `axis`. Example: ``ops.diff([1, 4, 9])  # [3, 5]``"""
    return _b.diff(a, n=n, axis=axis)


@op
def histogram(x, bins=10, range=None):
    """Histogram of `x` with `bins` equal bins over `range`: `(counts, bin_edges)`.

    Example: ``ops.histogram([0.0, 1.0, 1.0], bins=2)  # ([1, 2], [0., 0.5, 1.])``
    """
    return _b.histogram(x, bins=bins, range=range)


@op
def max(x, axis=None, keepdims=False, initial=None):
    """Maximum along `axis`, optionally at least `initial`. Example: ``ops.max([1, 5, 3])  # 5``"""
    return _b.max(x, axis=axis, keepdims=keepdims, initial=initial)


@op
def mean(x, axis=None, keepdims=False):
    """Mean along `axis` (all axes when None); integers give floatx. Example: ``ops.mean([1, 2])  # 1.5``"""
    return _b.mean(x, axis=axis, keepdims=keepdims)


@op
def median(x, axis=None, keepdims=False):
    """Median along `axis`. Example: ``ops.median([3.0, 1.0, 2.0])  # 2.``"""
    return _b.median(x, axis=axis, keepdims=keepdims)


@op
def min(x, axis=None, keepdims=False, initial=None):
    """Minimum along `axis`, optionally at most `initial`. Example: ``ops.min([4, 2, 3])  # 2``"""
    return _b.min(x, axis=axis, keepdims=keepdims, initial=initial)


@op
def nanargmax(x, axis=None, keepdims=False):
    """Index of the maximum along `axis`, ignoring NaNs (int32).

    Example: ``ops.nanargmax([1.0, float('nan'), 3.0])  # 2``
    """
    return _b.nanargmax(x, axis=axis, keepdims=keepdims)


@op
def nanargmin(x, axis=None, keepdims=False):
    """Index of the minimum along `axis`, ignoring NaNs (int32).

    Example: ``ops.nanargmin([float('nan'), 2.0, 3.0])  # 1``
    """
    return _b.nanargmin(x, axis=axis, keepdims=keepdims)


@op
def nancumprod(x, axis=None, dtype=None):
    """Cumulative product treating NaNs as one.

    Example: ``ops.nancumprod([2.0, float('nan'), 3.0])  # [2., 2., 6.]``
    """
    return _b.nancumprod(x, axis=axis, dtype=dtype)


@op
def nancumsum(x, axis=None, dtype=None):
    """Cumulative sum treating NaNs as zero. Example: ``ops.nancumsum([1.0, float('nan'), 2.0])  # [1., 1., 3.]``"""
    return _b.nancumsum(x, axis=axis, dtype=dtype)


@op
def nanmax(x, axis=None, keepdims=False):
    """Maximum along `axis`, ignoring NaNs. Example: ``ops.nanmax([1.0, float('nan')])  # 1.``"""
    return _b.nanmax(x, axis=axis, keepdims=keepdims)


@op
def nanmean(x, axis=None, keepdims=False):
    """Mean along `axis`, ignoring NaNs. Example: ``ops.nanmean([1.0, float('nan'), 3.0])  # 2.``"""
    return _b.nanmean(x, axis=axis, keepdims=keepdims)


@op
def nanmedian(x, axis=None, keepdims=False):
    """Median along `axis`, ignoring NaNs. Example: ``ops.nanmedian([1.0, float('nan'), 3.0])  # 2.``"""
    return _b.nanmedian(x, axis=axis, keepdims=keepdims)


@op
def nanmin(x, axis=None, keepdims=False):
    """Minimum along `axis`, ignoring NaNs. Example: ``ops.nanmin([float('nan'), 2.0])  # 2.``"""
    return _b.nanmin(x, axis=axis, keepdims=keepdims)


@op
def nanpercentile(x, q, axis=None, method='linear', keepdims=False):
    """The `q`-th percentile along `axis`, ignoring NaNs.

    Example: ``ops.nanpercentile([1.0, float('nan'), 3.0], 50)  # 2.``
    """
    return _b.nanpercentile(x, q, axis=axis, method=method, keepdims=keepdims)


@op
def nanprod(x, axis=None, keepdims=False):
    """Product along `axis` treating NaNs as one. Example: ``ops.nanprod([2.0, float('nan'), 3.0])  # 6.``"""
    return _b.nanprod(x, axis=axis, keepdims=keepdims)


@op
def nanquantile(x, q, axis=None, method='linear', keepdims=False):
    """The `q`-th quantile along `axis`, ignoring NaNs.

    Example: ``ops.nanquantile([1.0, float('nan'), 3.0], 0.5)  # 2.``
    """
    return _b.nanquantile(x, q, axis=axis, method=method, keepdims=keepdims)


@op
def nanstd(x, axis=None, keepdims=False):
    """Standard deviation along `axis`, ignoring NaNs. Example: ``ops.nanstd([1.0, float('nan'), 3.0])  # 1.``"""
    return _b.nanstd(x, axis=axis, keepdims=keepdims)


@op
def nansum(x, axis=None, keepdims=False):
    """Sum along `axis` treating NaNs as zero. Example: ``ops.nansum([1.0, float('nan'), 2.0])  # 3.``"""
    return _b.nansum(x, axis=axis, keepdims=keepdims)


@op
def nanvar(x, axis=None, keepdims=False):
    """Variance along `axis`, ignoring NaNs. Example: ``ops.nanvar([1.0, float('nan'), 3.0])  # 1.``"""
    return _b.nanvar(x, axis=axis, keepdims=keepdims)


@op
def percentile(x, q, axis=None, method='linear', keepdims=False):
    """The `q`-th percentile (0 to 100) along `axis`. Example: ``ops.percentile([1.0, 2.0, 3.0], 50)  # 2.``"""
    return _b.percentile(x, q, axis=axis, method=method, keepdims=keepdims)


@op
def prod(x, axis=None, keepdims=False, dtype=None):
    """Product along `axis`. Example: ``ops.prod([1, 2, 3])  # 6``"""
    return _b.prod(x, axis=axis, keepdims=keepdims, dtype=dtype)


@op
def ptp(x, axis=None, keepdims=False):
    """Range (max - min) along `axis`. Example: ``ops.ptp([1, 5, 3])  # 4``"""
    return _b.ptp(x, axis=axis, keepdims=keepdims)


@op
def quantile(x, q, axis=None, method='linear', keepdims=False):
    """The `q`-th quantile (0 to 1) along `axis`. Example: ``ops.quantile([1.0, 2.0, 3.0], 0.5)  # 2.``"""
    return _b.quantile(x, q, axis=axis, method=method, keepdims=keepdims)


@op
def std(x, axis=None, keepdims=False):
    """Population standard deviation along `axis`. Example: ``ops.std([1.0, 3.0])  # 1.``"""
    return _b.std(x, axis=axis, keepdims=keepdims)


@op
def sum(x, axis=None, keepdims=False):
    """Sum along `axis` (all axes when None); small integers accumulate in int32.

    Example: ``ops.sum([1, 2, 3])  # 6``
    """
    return _b.sum(x, axis=axis, keepdims=keepdims)


@op
def trace(x, offset=0, axis1=0, axis2=1):
    """Sum of the diagonal over `axis1` and `axis2`, at `offset`. Example: ``ops.trace([[1, 2], [3, 4]])  # 5``"""
    return _b.trace(x, offset=offset, axis1=axis1, axis2=axis2)


@op
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of `y` along `axis` by the trapezoidal rule. Example: ``ops.trapezoid([1.0, 2.0, 3.0])  # 4.``"""
    return _b.trapezoid(y, x=x, dx=dx, axis=axis)


@op
def var(x, axis=None, keepdims=False):
    """Population variance along `axis`. Example: ``ops.var([1.0, 3.0])  # 1.``"""
    return _b.var(x, axis=axis, keepdims=keepdims)


__all__ = [n for n, v in list(globals().items()) if callable(v) and getattr(v, "__module__", None) == __name__ and not n.startswith("_")]
