"""Element-wise arithmetic: sums, products, quotients, powers, rounding, signs and complex parts.

Part of ``cornu.ops.numpy`` (also flattened into ``cornu.ops``); examples use ``ops``
for ``cornu.ops``.
"""

from cornu import backend
from cornu.ops.decorator import op

_b = backend.numpy


@op
def abs(x):
    """Element-wise absolute value (alias of `absolute`). Example: ``ops.abs([-1, 2])  # [1, 2]``"""
    return _b.abs(x)


@op
def absolute(x):
    """Element-wise absolute value. Example: ``ops.absolute([-1.5])  # [1.5]``"""
    return _b.absolute(x)


@op
def add(x1, x2):
    """Element-wise `x1 + x2` with Keras dtype promotion (Python scalars are weak).

    Example: ``ops.add([1, 2], 3)  # [4, 5], int32``
    """
    return _b.add(x1, x2)


@op
def angle(x):
    """Element-wise argument of a complex number (0 or pi for reals); integers give floatx.

    Example: ``ops.angle([-1.0, 1.0])  # [3.1416, 0.]``
    """
    return _b.angle(x)


@op
def cbrt(x):
    """Element-wise cube root. Example: ``ops.cbrt([8.0])  # [2.]``"""
    return _b.cbrt(x)


@op
def ceil(x):
    """Element-wise ceiling; integers give floatx. Example: ``ops.ceil([1.2])  # [2.]``"""
    return _b.ceil(x)


@op
def clip(x, x_min, x_max):
    """Clips values to `[x_min, x_max]`; booleans are clipped as int32.

    Example: ``ops.clip([-1, 5], 0, 3)  # [0, 3]``
    """
    return _b.clip(x, x_min, x_max)


@op
def conj(x):
    """Element-wise complex conjugate (alias of `conjugate`). Example: ``ops.conj([1.0])  # [1.]``"""
    return _b.conj(x)


@op
def conjugate(x):
    """Element-wise complex conjugate. Example: ``ops.conjugate([1.0])  # [1.]``"""
    return _b.conjugate(x)


@op
def divide(x1, x2):
    """Element-wise true division; integer inputs give a float result.

    Example: ``ops.divide([1, 2], 2)  # [0.5, 1.]``
    """
    return _b.divide(x1, x2)


@op
def divide_no_nan(x1, x2):
    """Element-wise division that gives 0 where the divisor is 0.

    Example: ``ops.divide_no_nan([1.0, 1.0], [0.0, 2.0])  # [0., 0.5]``
    """
    return _b.divide_no_nan(x1, x2)


@op
def fabs(x):
    """Element-wise absolute value as a float. Example: ``ops.fabs([-2])  # [2.]``"""
    return _b.fabs(x)


@op
def floor(x):
    """Element-wise floor; integers give floatx. Example: ``ops.floor([1.7])  # [1.]``"""
    return _b.floor(x)


@op
def floor_divide(x1, x2):
    """Element-wise floor division. Example: ``ops.floor_divide([7], [2])  # [3]``"""
    return _b.floor_divide(x1, x2)


@op
def fmax(x1, x2):
    """Element-wise maximum that ignores NaNs. Example: ``ops.fmax([1.0, float('nan')], [2.0, 0.0])  # [2., 0.]``"""
    return _b.fmax(x1, x2)


@op
def fmin(x1, x2):
    """Element-wise minimum that ignores NaNs. Example: ``ops.fmin([1.0, float('nan')], [2.0, 0.0])  # [1., 0.]``"""
    return _b.fmin(x1, x2)


@op
def fmod(x1, x2):
    """Element-wise remainder with the sign of the dividend (C `fmod`). Example: ``ops.fmod([-3], [2])  # [-1]``"""
    return _b.fmod(x1, x2)


@op
def gcd(x1, x2):
    """Element-wise greatest common divisor of integers. Example: ``ops.gcd([12], [18])  # [6]``"""
    return _b.gcd(x1, x2)


@op
def heaviside(x1, x2):
    """Heaviside step: 0 for `x1 < 0`, `x2` for `x1 == 0`, 1 for `x1 > 0`.

    Example: ``ops.heaviside([-1.0, 0.0, 2.0], 0.5)  # [0., 0.5, 1.]``
    """
    return _b.heaviside(x1, x2)


@op
def hypot(x1, x2):
    """Element-wise `sqrt(x1**2 + x2**2)`. Example: ``ops.hypot([3.0], [4.0])  # [5.]``"""
    return _b.hypot(x1, x2)


@op
def imag(x):
    """Imaginary part of `x` (zeros for real inputs). Example: ``ops.imag([1.0])  # [0.]``"""
    return _b.imag(x)


@op
def lcm(x1, x2):
    """Element-wise least common multiple of integers. Example: ``ops.lcm([4], [6])  # [12]``"""
    return _b.lcm(x1, x2)


@op
def ldexp(x1, x2):
    """Element-wise `x1 * 2 ** x2` (`x2` must be an integer tensor). Example: ``ops.ldexp([1.0], [3])  # [8.]``"""
    return _b.ldexp(x1, x2)


@op
def maximum(x1, x2):
    """Element-wise maximum. Example: ``ops.maximum([1, 5], 3)  # [3, 5]``"""
    return _b.maximum(x1, x2)


@op
def minimum(x1, x2):
    """Element-wise minimum. Example: ``ops.minimum([1, 5], 3)  # [1, 3]``"""
    return _b.minimum(x1, x2)


@op
def mod(x1, x2):
    """Element-wise remainder with the sign of the divisor. Example: ``ops.mod([-3], [2])  # [1]``"""
    return _b.mod(x1, x2)


@op
def multiply(x1, x2):
    """Element-wise `x1 * x2`. Example: ``ops.multiply([1, 2], 2)  # [2, 4]``"""
    return _b.multiply(x1, x2)


@op
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replaces NaN and infinities with finite numbers. Example: ``ops.nan_to_num([float('nan')])  # [0.]``"""
    return _b.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


@op
def negative(x):
    """Element-wise `-x`. Example: ``ops.negative([1, -2])  # [-1, 2]``"""
    return _b.negative(x)


@op
def nextafter(x1, x2):
    """The next representable float after `x1` towards `x2`.

    Example: ``ops.nextafter([1.0], [2.0])  # [1.0000001]``
    """
    return _b.nextafter(x1, x2)


@op
def power(x1, x2):
    """Element-wise `x1 ** x2`. Example: ``ops.power([2, 3], 2)  # [4, 9]``"""
    return _b.power(x1, x2)


@op
def real(x):
    """Real part of `x`. Example: ``ops.real([1.0])  # [1.]``"""
    return _b.real(x)


@op
def reciprocal(x):
    """Element-wise `1 / x`; integers give floatx. Example: ``ops.reciprocal([2.0])  # [0.5]``"""
    return _b.reciprocal(x)


@op
def round(x, decimals=0):
    """Rounds half to even, to `decimals` places. Example: ``ops.round([0.5, 1.5])  # [0., 2.]``"""
    return _b.round(x, decimals=decimals)


@op
def sign(x):
    """Element-wise sign: -1, 0 or 1. Example: ``ops.sign([-2, 0, 3])  # [-1, 0, 1]``"""
    return _b.sign(x)


@op
def signbit(x):
    """Element-wise test of the sign bit (true for -0.0). Example: ``ops.signbit([-1.0, 1.0])  # [True, False]``"""
    return _b.signbit(x)


@op
def sqrt(x):
    """Element-wise square root; integers give floatx. Example: ``ops.sqrt([4.0])  # [2.]``"""
    return _b.sqrt(x)


@op
def square(x):
    """Element-wise `x * x`; booleans give int32. Example: ``ops.square([3])  # [9]``"""
    return _b.square(x)


@op
def subtract(x1, x2):
    """Element-wise `x1 - x2`. Example: ``ops.subtract([3, 4], 1)  # [2, 3]``"""
    return _b.subtract(x1, x2)


@op
def true_divide(x1, x2):
    """Element-wise true division (alias of `divide`). Example: ``ops.true_divide([1], [2])  # [0.5]``"""
    return _b.true_divide(x1, x2)


@op
def trunc(x):
    """Element-wise truncation towards zero; integers are returned unchanged.

    Example: ``ops.trunc([-1.7, 1.7])  # [-1., 1.]``
    """
    return _b.trunc(x)


__all__ = [n for n, v in list(globals().items()) if callable(v) and getattr(v, "__module__", None) == __name__ and not n.startswith("_")]
