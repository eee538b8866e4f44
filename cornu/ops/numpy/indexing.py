"""Selecting, gathering, searching and sorting elements.

Part of ``cornu.ops.numpy`` (also flattened into ``cornu.ops``); examples use ``ops``
for ``cornu.ops``.
"""

from cornu import backend
from cornu.ops.decorator import op

_b = backend.numpy


@op
def argpartition(x, kth, axis=-1):
    """Indices that partition `x` around its `kth` element along `axis` (int32).

    Example: ``ops.argpartition([3, 1, 2], 1)  # e.g. [1, 2, 0]``
    """
    return _b.argpartition(x, kth, axis=axis)


@op
def argsort(x, axis=-1):
    """Indices that sort `x` along `axis` (int32). Example: ``ops.argsort([3, 1, 2])  # [1, 2, 0]``"""
    return _b.argsort(x, axis=axis)


@op
def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal of `x` over `axis1` and `axis2`, at `offset`.

    Example: ``ops.diagonal([[1, 2], [3, 4]])  # [1, 4]``
    """
    return _b.diagonal(x, offset=offset, axis1=axis1, axis2=axis2)


@op
def digitize(x, bins):
    """Index of the bin of each value of `x` (int32).

    Example: ``ops.digitize([0.5, 2.5], [0.0, 1.0, 2.0])  # [1, 3]``
    """
    return _b.digitize(x, bins)


@op
def get_item(x, key):
    """`x[key]`. Example: ``ops.get_item([1, 2, 3], 1)  # 2``"""
    return _b.get_item(x, key)


@op
def nonzero(x):
    """Indices of the non-zero elements, one int32 tensor per axis.

    Example: ``ops.nonzero([0, 3, 0, 5])  # ([1, 3],)``
    """
    return _b.nonzero(x)


@op
def searchsorted(sorted_sequence, values, side='left'):
    """Indices where `values` would be inserted to keep a 1-D `sorted_sequence` sorted (int32).

    Example: ``ops.searchsorted([1, 3, 5], [4])  # [2]``
    """
    return _b.searchsorted(sorted_sequence, values, side=side)


@op
def select(condlist, choicelist, default=0):
    """Picks from `choicelist` where the matching `condlist` entry is first true, else `default`.

    Example: ``ops.select([[True, False]], [[1, 2]], default=0)  # [1, 0]``
    """
    return _b.select(condlist, choicelist, default=default)


@op
def sort(x, axis=-1):
    """Sorts along `axis`. Example: ``ops.sort([3, 1, 2])  # [1, 2, 3]``"""
    return _b.sort(x, axis=axis)


@op
def take(x, indices, axis=None):
    """Gathers elements of `x` at `indices` along `axis` (flattened when None).

    Example: ``ops.take([10, 20, 30], [2, 0])  # [30, 10]``
    """
    return _b.take(x, indices, axis=axis)


@op
def take_along_axis(x, indices, axis=None):
    """Gathers along `axis` with indices broadcast against `x`.

    Example: ``ops.take_along_axis([[10, 20]], [[1]], axis=1)  # [[20]]``
    """
    return _b.take_along_axis(x, indices, axis=axis)


@op
def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None, size=None, fill_value=None):
    """The sorted unique elements of `x`, optionally with indices, inverse and counts.

    Example: ``ops.unique([3, 1, 3])  # [1, 3]``
    """
    return _b.unique(x, sorted=sorted, return_index=return_index, return_inverse=return_inverse, return_counts=return_counts, axis=axis, size=size, fill_value=fill_value)


@op
def unravel_index(indices, shape):
    """Converts flat `indices` into a tuple of coordinate tensors for `shape`.

    Example: ``ops.unravel_index([5], (2, 3))  # ([1], [2])``
    """
    return _b.unravel_index(indices, shape)


@op
def where(condition, x1=None, x2=None):
    """Picks `x1` where `condition` holds, else `x2`; with one argument, like `nonzero`.

    Example: ``ops.where([True, False], 1, 0)  # [1, 0]``
    """
    return _b.where(condition, x1=x1, x2=x2)


__all__ = [n for n, v in list(globals().items()) if callable(v) and getattr(v, "__module__", None) == __name__ and not n.startswith("_")]
