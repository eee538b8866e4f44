"""Element-wise math functions on JAX: exponentials, logarithms, trigonometry, and ``vectorize``.

Backs ``cornu.ops.numpy.math_functions``; re-exported by ``cornu.backend.jax.numpy``.
"""

import jax.numpy as jnp

from cornu.backend.common.array_namespace_ops import install, names
from cornu.backend.common.array_namespace_ops.dtype_rules import FLOAT_MATH_FUNCTIONS
from cornu.backend.jax.numpy._common import _float_pair, _unary_float

__all__ = names.MATH_FUNCTIONS


def logaddexp(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    return jnp.logaddexp(x1, x2)


def logaddexp2(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    return jnp.logaddexp2(x1, x2)


def arctan2(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    return jnp.arctan2(x1, x2)


install(globals(), {name: _unary_float(getattr(jnp, name)) for name in FLOAT_MATH_FUNCTIONS})


def vectorize(pyfunc, *, excluded=None, signature=None):
    return jnp.vectorize(pyfunc, excluded=excluded or set(), signature=signature)
