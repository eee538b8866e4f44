"""Element-wise arithmetic on NumPy: sums, products, quotients, powers, rounding, signs and complex parts.

Backs ``cornu.ops.numpy.arithmetic``; re-exported by ``cornu.backend.numpy.numpy``.
"""

import builtins

import numpy as np

from cornu.backend import config
from cornu.backend.common.array_namespace_ops import install, names
from cornu.backend.common.array_namespace_ops.dtype_rules import FLOAT_ARITHMETIC, heaviside_dtype
from cornu.backend.common.dtypes import result_type
from cornu.backend.numpy.core import convert_to_tensor, to_numpy_dtype
from cornu.backend.numpy.numpy._common import (
    _binary, _binary_float, _dtype_of, _float_input, _float_pair, _is_float, _promote, _r, _t, _unary_float,
)

__all__ = names.ARITHMETIC


add = _binary(np.add)
multiply = _binary(np.multiply)
floor_divide = _binary(np.floor_divide)
mod = _binary(np.mod)
fmod = _binary(np.fmod)
maximum = _binary(np.maximum)
minimum = _binary(np.minimum)
fmax = _binary(np.fmax)
fmin = _binary(np.fmin)
gcd = _binary(np.gcd)
lcm = _binary(np.lcm)
divide = _binary_float(np.divide)
hypot = _binary_float(np.hypot)
nextafter = _binary_float(np.nextafter)


def subtract(x1, x2):
    x1, x2 = _promote(x1, x2)
    if x1.dtype == np.bool_:
        return _r(np.logical_xor(x1, x2))
    return _r(np.subtract(x1, x2))


def power(x1, x2):
    x1, x2 = _promote(x1, x2)
    if x1.dtype.kind in "iu" and np.any(x2 < 0):
        # NumPy refuses negative integer powers of integers; JAX gives 1, -1 or 0.
        odd = np.mod(x2, 2) == 1
        negative_power = np.where(x1 == 1, 1, np.where(x1 == -1, np.where(odd, -1, 1), 0)).astype(x1.dtype)
        return _r(np.where(x2 < 0, negative_power, np.power(x1, np.maximum(x2, 0))))
    return _r(np.power(x1, x2))


def true_divide(x1, x2):
    return divide(x1, x2)


def divide_no_nan(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    zero = x2 == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return _r(np.where(zero, np.zeros((), x1.dtype), x1 / np.where(zero, np.ones((), x2.dtype), x2)))


def negative(x):
    return _r(np.negative(_t(x)))


def reciprocal(x):
    x = _float_input(x)
    with np.errstate(divide="ignore"):
        return _r(np.reciprocal(x))


def absolute(x):
    x = _t(x)
    return x if x.dtype == np.bool_ else _r(np.abs(x))


abs = absolute


def fabs(x):
    return _r(np.abs(_float_input(x)))


def sign(x):
    x = _t(x)
    return x if x.dtype == np.bool_ else _r(np.sign(x))


def signbit(x):
    x = _t(x)
    return _r(np.signbit(x)) if x.dtype != np.bool_ else np.zeros(x.shape, bool)


def square(x):
    x = _t(x)
    if x.dtype == np.bool_:
        x = x.astype(np.int32)
    return _r(np.square(x))


def heaviside(x1, x2):
    dtype = heaviside_dtype(result_type(_dtype_of(x1), _dtype_of(x2)))
    return _r(np.heaviside(convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)))


def ldexp(x1, x2):
    x2 = _t(x2)
    if x2.dtype.kind not in "iu":
        raise TypeError(f"ldexp: the exponent `x2` must have an integer dtype. Received: x2.dtype={x2.dtype}")
    x1 = _float_input(x1)
    return _r(np.ldexp(x1, x2), dtype=x1.dtype)


install(globals(), {name: _unary_float(getattr(np, name)) for name in FLOAT_ARITHMETIC})


def angle(x):
    x = _float_input(x)
    out = np.angle(x)
    return _r(out, dtype=out.dtype if x.dtype.kind == "c" else x.dtype)


def trunc(x):
    x = _t(x)
    return _r(np.trunc(x)) if _is_float(x) else x


def round(x, decimals=0):
    x = _t(x)
    if x.dtype.kind in "iu" and decimals < 0:
        factor = 10.0 ** decimals
        return _r(np.round(x.astype(to_numpy_dtype(config.floatx())) * factor) / factor).astype(x.dtype)
    return _r(np.round(x, decimals=decimals))


def clip(x, x_min, x_max):
    x = _t(x)
    if x.dtype == np.bool_:
        x = x.astype(np.int32)
    bounds = [b for b in (x_min, x_max) if b is not None]
    dtype = np.dtype(to_numpy_dtype(result_type(x.dtype, *(_dtype_of(b) for b in bounds))))
    if dtype == x.dtype and dtype.kind == "f" and builtins.all(np.ndim(b) == 0 for b in bounds):
        # Same-dtype float clip: the bounds rounded to that dtype clip exactly as wide ones do.
        low, high = (None if b is None else np.asarray(b, dtype) for b in (x_min, x_max))
        return _r(np.clip(x, low, high))
    wide = np.float64 if dtype.kind in "fcV" or builtins.any(isinstance(b, float) for b in bounds) else np.int64
    low, high = (None if b is None else np.asarray(b, wide) for b in (x_min, x_max))
    return _r(np.clip(x.astype(wide), low, high)).astype(dtype, copy=False)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    return _r(np.nan_to_num(_t(x), nan=nan, posinf=posinf, neginf=neginf))


def real(x):
    return _r(np.real(_t(x)))


def imag(x):
    return _r(np.imag(_t(x)))


def conjugate(x):
    return _r(np.conjugate(_t(x)))


conj = conjugate
