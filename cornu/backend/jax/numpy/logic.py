"""Logic on JAX: comparisons, logical and bitwise ops, element-wise tests.

Backs ``cornu.ops.numpy.logic``; re-exported by ``cornu.backend.jax.numpy``.
"""

import jax.numpy as jnp

from cornu.backend.common.array_namespace_ops import names
from cornu.backend.jax.numpy._common import _promote, _t, _ts

__all__ = names.LOGIC


def equal(x1, x2):
    return jnp.equal(_ts(x1), _ts(x2))


def not_equal(x1, x2):
    return jnp.not_equal(_ts(x1), _ts(x2))


def less(x1, x2):
    return jnp.less(_ts(x1), _ts(x2))


def less_equal(x1, x2):
    return jnp.less_equal(_ts(x1), _ts(x2))


def greater(x1, x2):
    return jnp.greater(_ts(x1), _ts(x2))


def greater_equal(x1, x2):
    return jnp.greater_equal(_ts(x1), _ts(x2))


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    x1, x2 = _promote(x1, x2)
    return jnp.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    x1, x2 = _promote(x1, x2)
    return jnp.allclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


def logical_and(x1, x2):
    return jnp.logical_and(_ts(x1), _ts(x2))


def logical_or(x1, x2):
    return jnp.logical_or(_ts(x1), _ts(x2))


def logical_xor(x1, x2):
    return jnp.logical_xor(_ts(x1), _ts(x2))


def logical_not(x):
    return jnp.logical_not(_t(x))


def isnan(x):
    return jnp.isnan(_t(x))


def isfinite(x):
    return jnp.isfinite(_t(x))


def isinf(x):
    return jnp.isinf(_t(x))


def isneginf(x):
    return jnp.isneginf(_t(x))


def isposinf(x):
    return jnp.isposinf(_t(x))


def isreal(x):
    return jnp.isreal(_t(x))


def isin(x1, x2, assume_unique=False, invert=False):
    return jnp.isin(_t(x1), _t(x2), assume_unique=assume_unique, invert=invert)


def bitwise_and(x, y):
    return jnp.bitwise_and(_ts(x), _ts(y))


def bitwise_or(x, y):
    return jnp.bitwise_or(_ts(x), _ts(y))


def bitwise_xor(x, y):
    return jnp.bitwise_xor(_ts(x), _ts(y))


def bitwise_invert(x):
    return jnp.invert(_t(x))


bitwise_not = bitwise_invert


def bitwise_left_shift(x, y):
    return jnp.left_shift(_ts(x), _ts(y))


def bitwise_right_shift(x, y):
    return jnp.right_shift(_ts(x), _ts(y))


left_shift = bitwise_left_shift
right_shift = bitwise_right_shift
