"""Element-wise math functions on JAX: exponentials, logarithms, trigonometry, and ``vectorize``.

Backs ``cornu.ops.numpy.math_functions``; re-exported by ``cornu.backend.jax.numpy``.
"""

import jax.numpy as jnp

from cornu.backend.jax.numpy._common import _float_input, _float_pair, _unary_float

__all__ = [
    "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2", "arctanh", "cos", "cosh", "deg2rad", "exp", "exp2",
    "expm1", "i0", "log", "log10", "log1p", "log2", "logaddexp", "logaddexp2", "rad2deg", "sin", "sinc", "sinh", "tan",
    "tanh", "vectorize",
]


def logaddexp(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    return jnp.logaddexp(x1, x2)


def logaddexp2(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    return jnp.logaddexp2(x1, x2)


def arctan2(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    return jnp.arctan2(x1, x2)


exp = _unary_float(jnp.exp)
exp2 = _unary_float(jnp.exp2)
expm1 = _unary_float(jnp.expm1)
log = _unary_float(jnp.log)
log2 = _unary_float(jnp.log2)
log10 = _unary_float(jnp.log10)
log1p = _unary_float(jnp.log1p)
sin = _unary_float(jnp.sin)
cos = _unary_float(jnp.cos)
tan = _unary_float(jnp.tan)
arcsin = _unary_float(jnp.arcsin)
arccos = _unary_float(jnp.arccos)
arctan = _unary_float(jnp.arctan)
sinh = _unary_float(jnp.sinh)
cosh = _unary_float(jnp.cosh)
tanh = _unary_float(jnp.tanh)
arcsinh = _unary_float(jnp.arcsinh)
arccosh = _unary_float(jnp.arccosh)
arctanh = _unary_float(jnp.arctanh)
sinc = _unary_float(jnp.sinc)
deg2rad = _unary_float(jnp.deg2rad)
rad2deg = _unary_float(jnp.rad2deg)


def i0(x):
    return jnp.i0(_float_input(x))


def vectorize(pyfunc, *, excluded=None, signature=None):
    return jnp.vectorize(pyfunc, excluded=excluded or set(), signature=signature)
