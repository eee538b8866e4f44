"""Indexing and sorting on JAX: gathering, selecting, searching, sorting.

Backs ``cornu.ops.numpy.indexing``; re-exported by ``cornu.backend.jax.numpy``.
"""

import jax.numpy as jnp

from cornu.backend.common.array_namespace_ops import install, names
from cornu.backend.common.array_namespace_ops.indexing import check_sorted_sequence, indexing_functions
from cornu.backend.jax.numpy._common import _same_dtype, _t, _ts

__all__ = names.INDEXING


def _weak_operands(x1, x2):
    # jnp.where promotes as Keras does, Python scalars staying weak.
    return _ts(x1), _ts(x2)


# Diagonals, sorting, ``nonzero`` and ``where``: written once for NumPy and JAX in array_namespace_ops.indexing.
install(globals(), indexing_functions(jnp, _t, _weak_operands))


def take(x, indices, axis=None):
    return jnp.take(_t(x), _t(indices), axis=axis)


def take_along_axis(x, indices, axis=None):
    return jnp.take_along_axis(_t(x), _t(indices), axis=axis)


def get_item(x, key):
    return _t(x)[key]


def select(condlist, choicelist, default=0):
    condlist = [_t(c) for c in condlist]
    choicelist = _same_dtype(list(choicelist))
    return jnp.select(condlist, choicelist, default=default)


def argsort(x, axis=-1):
    x = _t(x)
    if x.ndim == 0:
        axis = None
    return jnp.argsort(x, axis=axis).astype("int32")


def argpartition(x, kth, axis=-1):
    x = _t(x)
    if axis is None:
        x, axis = jnp.ravel(x), 0
    return jnp.argpartition(x, kth, axis=axis).astype("int32")


def searchsorted(sorted_sequence, values, side="left"):
    sorted_sequence = _t(sorted_sequence)
    check_sorted_sequence(sorted_sequence)
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
