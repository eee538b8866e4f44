"""Indexing and sorting on NumPy: gathering, selecting, searching, sorting.

Backs ``cornu.ops.numpy.indexing``; re-exported by ``cornu.backend.numpy.numpy``.
"""

import builtins

import numpy as np

from cornu.backend.common.array_namespace_ops import install, names
from cornu.backend.common.array_namespace_ops.indexing import check_sorted_sequence, indexing_functions
from cornu.backend.numpy.numpy._common import _promote, _r, _same_dtype, _t

__all__ = names.INDEXING

# Diagonals, sorting, ``nonzero`` and ``where``: written once for NumPy and JAX in array_namespace_ops.indexing.
install(globals(), indexing_functions(np, _t, _promote))


def _indices(indices):
    return _t(indices)


def take(x, indices, axis=None):
    x = _t(x)
    indices = _indices(indices)
    size = x.size if axis is None else x.shape[axis]
    # JAX clips out-of-range indices and wraps negative ones; NumPy would raise.
    indices = np.where(indices < 0, indices + size, indices)
    return np.take(x, np.clip(indices, 0, builtins.max(size - 1, 0)), axis=axis)


def take_along_axis(x, indices, axis=None):
    x = _t(x)
    indices = _indices(indices)
    if axis is None:
        x, axis = x.ravel(), 0
    indices = np.where(indices < 0, indices + x.shape[axis], indices)
    return np.take_along_axis(x, indices, axis=axis)


def get_item(x, key):
    return _r(_t(x)[key])


def select(condlist, choicelist, default=0):
    condlist = [_t(c) for c in condlist]
    choicelist = _same_dtype(list(choicelist))
    return _r(np.select(condlist, choicelist, default=default), dtype=choicelist[0].dtype)


def argsort(x, axis=-1):
    x = _t(x)
    if x.ndim == 0:
        axis = None
    return np.argsort(x, axis=axis, kind="stable").astype(np.int32)


def argpartition(x, kth, axis=-1):
    x = _t(x)
    if axis is None:
        x, axis = x.ravel(), 0
    return np.argpartition(x, kth, axis=axis).astype(np.int32)


def searchsorted(sorted_sequence, values, side="left"):
    sorted_sequence = _t(sorted_sequence)
    check_sorted_sequence(sorted_sequence)
    return _r(np.searchsorted(sorted_sequence, _t(values), side=side), dtype=np.int32)


def digitize(x, bins):
    return _r(np.digitize(_t(x), _t(bins)), dtype=np.int32)


def unravel_index(indices, shape):
    indices = _t(indices)
    return tuple(i.astype(indices.dtype) for i in np.unravel_index(indices, shape))


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None, size=None, fill_value=None):
    x = _t(x)
    out = np.unique(x, return_index=return_index, return_inverse=return_inverse, return_counts=return_counts, axis=axis)
    out = list(out) if isinstance(out, tuple) else [out]
    if return_inverse and axis is None:
        out[1 + return_index] = out[1 + return_index].reshape(x.shape)
    if size is not None:
        values = out[0]
        n = values.shape[0 if axis is None else axis]
        if n < size:
            fill = values.min() if fill_value is None and n else (fill_value or 0)
            pad_width = [(0, 0)] * values.ndim
            pad_width[0 if axis is None else axis] = (0, size - n)
            out[0] = np.pad(values, pad_width, constant_values=fill)
        else:
            out[0] = np.take(values, np.arange(size), axis=0 if axis is None else axis)
        for i in range(1, len(out)):
            if out[i].shape[0] == n and not (return_inverse and i == 1 + return_index):
                out[i] = np.pad(out[i], (0, builtins.max(size - n, 0)))[:size]
    out = [out[0]] + [o.astype(np.int32) for o in out[1:]]
    return tuple(out) if len(out) > 1 else out[0]
