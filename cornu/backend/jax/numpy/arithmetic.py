"""Element-wise arithmetic on JAX: sums, products, quotients, powers, rounding, signs and complex parts.

Backs ``cornu.ops.numpy.arithmetic``; re-exported by ``cornu.backend.jax.numpy``.
"""

import jax.numpy as jnp

from cornu.backend import config
from cornu.backend.common.array_namespace_ops import install, names
from cornu.backend.common.array_namespace_ops.dtype_rules import FLOAT_ARITHMETIC, heaviside_dtype
from cornu.backend.common.dtypes import result_type
from cornu.backend.jax.core import convert_to_tensor
from cornu.backend.jax.numpy._common import _dtype_of, _float_input, _float_pair, _t, _ts, _unary_float

__all__ = names.ARITHMETIC


def add(x1, x2):
    return jnp.add(_ts(x1), _ts(x2))


def subtract(x1, x2):
    return jnp.subtract(_ts(x1), _ts(x2))


def multiply(x1, x2):
    return jnp.multiply(_ts(x1), _ts(x2))


def divide(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    return jnp.divide(x1, x2)


def true_divide(x1, x2):
    return divide(x1, x2)


def divide_no_nan(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    zero = x2 == 0
    return jnp.where(zero, jnp.zeros((), x1.dtype), x1 / jnp.where(zero, jnp.ones((), x2.dtype), x2))


def floor_divide(x1, x2):
    return jnp.floor_divide(_ts(x1), _ts(x2))


def mod(x1, x2):
    return jnp.mod(_ts(x1), _ts(x2))


def fmod(x1, x2):
    return jnp.fmod(_ts(x1), _ts(x2))


def power(x1, x2):
    return jnp.power(_ts(x1), _ts(x2))


def maximum(x1, x2):
    return jnp.maximum(_ts(x1), _ts(x2))


def minimum(x1, x2):
    return jnp.minimum(_ts(x1), _ts(x2))


def fmax(x1, x2):
    return jnp.fmax(_ts(x1), _ts(x2))


def fmin(x1, x2):
    return jnp.fmin(_ts(x1), _ts(x2))


def negative(x):
    return jnp.negative(_t(x))


def reciprocal(x):
    return jnp.reciprocal(_float_input(x))


def absolute(x):
    return jnp.abs(_t(x))


abs = absolute


def fabs(x):
    return jnp.abs(_float_input(x))


def sign(x):
    return jnp.sign(_t(x))


def signbit(x):
    return jnp.signbit(_t(x))


def square(x):
    x = _t(x)
    if x.dtype == jnp.bool_:
        x = x.astype("int32")
    return jnp.square(x)


def heaviside(x1, x2):
    dtype = heaviside_dtype(result_type(_dtype_of(x1), _dtype_of(x2)))
    return jnp.heaviside(convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype))


def hypot(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    return jnp.hypot(x1, x2)


def gcd(x1, x2):
    return jnp.gcd(_ts(x1), _ts(x2))


def lcm(x1, x2):
    return jnp.lcm(_ts(x1), _ts(x2))


def ldexp(x1, x2):
    x2 = _t(x2)
    if not jnp.issubdtype(x2.dtype, jnp.integer):
        raise TypeError(f"ldexp: the exponent `x2` must have an integer dtype. Received: x2.dtype={x2.dtype}")
    return jnp.ldexp(_float_input(x1), x2)


def nextafter(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    return jnp.nextafter(x1, x2)


install(globals(), {name: _unary_float(getattr(jnp, name)) for name in FLOAT_ARITHMETIC})
angle = _unary_float(jnp.angle)


def trunc(x):
    x = _t(x)
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        return x
    return jnp.trunc(x)


def round(x, decimals=0):
    x = _t(x)
    if jnp.issubdtype(x.dtype, jnp.integer) and decimals < 0:
        factor = 10.0 ** decimals
        return (jnp.round(x.astype(config.floatx()) * factor) / factor).astype(x.dtype)
    return jnp.round(x, decimals=decimals)


def clip(x, x_min, x_max):
    x = _t(x)
    if x.dtype == jnp.bool_:
        x = x.astype("int32")
    return jnp.clip(x, x_min, x_max)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    return jnp.nan_to_num(_t(x), nan=nan, posinf=posinf, neginf=neginf)


def real(x):
    return jnp.real(_t(x))


def imag(x):
    return jnp.imag(_t(x))


def conjugate(x):
    return jnp.conjugate(_t(x))


conj = conjugate
