"""Indexing and sorting on JAX: gathering, selecting, searching, sorting.

Backs ``cornu.ops.numpy.indexing``; re-exported by ``cornu.backend.jax.numpy``.
"""

import jax.numpy as jnp

from cornu.backend.jax.numpy._common import _same_dtype, _t, _ts

__all__ = [
    "argpartition", "argsort", "diagonal", "digitize", "get_item", "nonzero", "searchsorted", "select", "sort", "take",
    "take_along_axis", "unique", "unravel_index", "where",
]


def diagonal(x, offset=0, axis1=0, axis2=1):
    return jnp.diagonal(_t(x), offset=offset, axis1=axis1, axis2=axis2)


def take(x, indices, axis=None):
    return jnp.take(_t(x), _t(indices), axis=axis)


def take_along_axis(x, indices, axis=None):
    return jnp.take_along_axis(_t(x), _t(indices), axis=axis)


def get_item(x, key):
    return _t(x)[key]


def where(condition, x1=None, x2=None):
    condition = _t(condition)
    if x1 is None and x2 is None:
        return nonzero(condition)
    if x1 is None or x2 is None:
        raise ValueError("where: give both `x1` and `x2`, or neither. Received: one of them is None.")
    return jnp.where(condition, _ts(x1), _ts(x2))


def select(condlist, choicelist, default=0):
    condlist = [_t(c) for c in condlist]
    choicelist = _same_dtype(list(choicelist))
    return jnp.select(condlist, choicelist, default=default)


def nonzero(x):
    return tuple(i.astype("int32") for i in jnp.nonzero(_t(x)))


def argsort(x, axis=-1):
    x = _t(x)
    if x.ndim == 0:
        axis = None
    return jnp.argsort(x, axis=axis).astype("int32")


def sort(x, axis=-1):
    return jnp.sort(_t(x), axis=axis)


def argpartition(x, kth, axis=-1):
    x = _t(x)
    if axis is None:
        x, axis = jnp.ravel(x), 0
    return jnp.argpartition(x, kth, axis=axis).astype("int32")


def searchsorted(sorted_sequence, values, side="left"):
    sorted_sequence = _t(sorted_sequence)
    if sorted_sequence.ndim != 1:
        raise ValueError(
            "searchsorted only supports a 1-D `sorted_sequence`; use `vectorized_map` for more "
            f"dimensions. Received: sorted_sequence.shape={sorted_sequence.shape}"
        )
    return jnp.searchsorted(sorted_sequence, _t(values), side=side).astype("int32")


def digitize(x, bins):
    return jnp.digitize(_t(x), _t(bins)).astype("int32")


def unravel_index(indices, shape):
    return tuple(i.astype("int32") if i.dtype == jnp.int64 else i for i in jnp.unravel_index(_t(indices), shape))


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None, size=None, fill_value=None):
    out = jnp.unique(
        _t(x), return_index=return_index, return_inverse=return_inverse, return_counts=return_counts,
        axis=axis, size=size, fill_value=fill_value,
    )
    if isinstance(out, tuple):
        return (out[0],) + tuple(o.astype("int32") for o in out[1:])
    return out
