"""Element-wise arithmetic on TensorFlow: sums, products, quotients, powers, rounding, signs and
complex parts.

Inputs are promoted the Keras way first (``_common._promote``). Where a TensorFlow kernel lacks a
dtype (bools in ``add``/``maximum``/..., unsigned integers in ``pow``/``abs``/``sign``, small
integers in ``truncatemod``, half floats in ``nextafter``) the op computes in a dtype that has it
and casts back; integer division by zero gives 0, as in NumPy, instead of failing.

Backs ``cornu.ops.numpy.arithmetic``; re-exported by ``cornu.backend.tensorflow.numpy``.
"""

import tensorflow as tf

from cornu.backend import config
from cornu.backend.common.array_namespace_ops import names
from cornu.backend.common.array_namespace_ops.dtype_rules import heaviside_dtype
from cornu.backend.common.dtypes import result_type
from cornu.backend.tensorflow.numpy._common import (
    _dtype_of, _float_input, _float_pair, _is_float, _promote, _SCALARS, _t, _to, _unary_float,
)

_UNSIGNED = (tf.uint8, tf.uint16, tf.uint32, tf.uint64)
# The signed dtype that holds every value of a narrower integer type, for kernels that lack it.
_WIDER_SIGNED = {tf.int8: tf.int32, tf.int16: tf.int32, tf.uint8: tf.int32, tf.uint16: tf.int32,
                 tf.uint32: tf.int64, tf.uint64: tf.int64}
_HALF = (tf.float16, tf.bfloat16)


def add(x1, x2):
    x1, x2 = _promote(x1, x2)
    if x1.dtype == tf.bool:
        return tf.logical_or(x1, x2)
    return tf.add(x1, x2)


def subtract(x1, x2):
    x1, x2 = _promote(x1, x2)
    if x1.dtype == tf.bool:
        return tf.math.logical_xor(x1, x2)
    return tf.subtract(x1, x2)


def multiply(x1, x2):
    x1, x2 = _promote(x1, x2)
    if x1.dtype == tf.bool:
        return tf.logical_and(x1, x2)
    return tf.multiply(x1, x2)


def divide(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    return tf.divide(x1, x2)


def true_divide(x1, x2):
    return divide(x1, x2)


def divide_no_nan(x1, x2):
    if isinstance(x1, tf.Tensor) and x1.dtype.is_floating and type(x2) in (int, float) and x2 != 0:
        return x1 / tf.constant(x2, x1.dtype)  # a known nonzero count (a loss's number of elements)
    x1, x2 = _float_pair(x1, x2)
    return tf.math.divide_no_nan(x1, x2)


def _integer_safe(fn):
    """``fn(x1, x2)`` that gives 0 where an integer ``x2`` is 0 (TensorFlow raises instead)."""

    def apply(x1, x2):
        if _is_float(x1.dtype):
            return fn(x1, x2)
        zero = tf.equal(x2, 0)
        return tf.where(zero, tf.zeros((), x1.dtype), fn(x1, tf.where(zero, tf.ones((), x2.dtype), x2)))

    return apply


def _as_int_if_bool(x1, x2):
    if x1.dtype == tf.bool:
        return tf.cast(x1, tf.int32), tf.cast(x2, tf.int32)
    return x1, x2


def floor_divide(x1, x2):
    x1, x2 = _as_int_if_bool(*_promote(x1, x2))
    return _integer_safe(tf.math.floordiv)(x1, x2)


def mod(x1, x2):
    x1, x2 = _as_int_if_bool(*_promote(x1, x2))
    return _integer_safe(tf.math.floormod)(x1, x2)


def fmod(x1, x2):
    x1, x2 = _as_int_if_bool(*_promote(x1, x2))
    if x1.dtype.is_floating:
        # The C fmod as sign(x1) * (|x1| mod |x2|): TruncateMod has no gradient and no half kernels.
        return tf.sign(x1) * tf.math.floormod(tf.abs(x1), tf.abs(x2))
    dtype = x1.dtype
    compute = _WIDER_SIGNED.get(dtype, dtype)  # truncatemod has int32/int64 kernels only
    return tf.cast(_integer_safe(tf.truncatemod)(tf.cast(x1, compute), tf.cast(x2, compute)), dtype)


def power(x1, x2):
    x1, x2 = _promote(x1, x2)
    dtype = x1.dtype
    if dtype == tf.bool:  # as in JAX: bools compute (and stay) in int32
        x1, x2, dtype = tf.cast(x1, tf.int32), tf.cast(x2, tf.int32), tf.int32
    if _is_float(dtype):
        return tf.pow(x1, x2)
    if dtype in _UNSIGNED:  # no unsigned pow kernels; exponents are never negative
        compute = _WIDER_SIGNED[dtype]
        return tf.cast(tf.pow(tf.cast(x1, compute), tf.cast(x2, compute)), dtype)
    # Signed integers: TensorFlow rejects negative exponents; NumPy gives 1 ** n = 1,
    # (-1) ** n = +-1 and 0 otherwise (integer truncation of the reciprocal).
    negative = x2 < 0
    one = tf.ones((), dtype)
    odd = tf.equal(tf.math.floormod(x2, 2), 1)
    negative_power = tf.where(
        tf.equal(x1, 1), one, tf.where(tf.equal(x1, -1), tf.where(odd, -one, one), tf.zeros((), dtype))
    )
    return tf.where(negative, negative_power, tf.pow(x1, tf.where(negative, tf.zeros((), dtype), x2)))


def maximum(x1, x2):
    x1, x2 = _promote(x1, x2)
    if x1.dtype == tf.bool:
        return tf.logical_or(x1, x2)
    return tf.maximum(x1, x2)


def minimum(x1, x2):
    x1, x2 = _promote(x1, x2)
    if x1.dtype == tf.bool:
        return tf.logical_and(x1, x2)
    return tf.minimum(x1, x2)


def _nan_ignoring(extremum, x1, x2):
    if not x1.dtype.is_floating:
        return extremum(x1, x2)
    nan1, nan2 = tf.math.is_nan(x1), tf.math.is_nan(x2)
    out = extremum(x1, x2)
    out = tf.where(nan1 & ~nan2, x2, out)
    return tf.where(nan2 & ~nan1, x1, out)


def fmax(x1, x2):
    x1, x2 = _promote(x1, x2)
    return _nan_ignoring(maximum, x1, x2)


def fmin(x1, x2):
    x1, x2 = _promote(x1, x2)
    return _nan_ignoring(minimum, x1, x2)


def negative(x):
    x = _t(x)
    if x.dtype == tf.bool:
        return tf.logical_not(x)
    if x.dtype in _UNSIGNED:  # two's complement wraps around, as in NumPy (no unsigned Neg kernel)
        return tf.bitwise.invert(x) + tf.ones((), x.dtype)
    return tf.negative(x)


def reciprocal(x):
    return tf.math.reciprocal(_float_input(x))


def absolute(x):
    x = _t(x)
    if x.dtype == tf.bool or x.dtype in _UNSIGNED:
        return x
    return tf.abs(x)


abs = absolute


def fabs(x):
    return tf.abs(_float_input(x))


def sign(x):
    x = _t(x)
    if x.dtype == tf.bool:
        return x
    if x.dtype in _UNSIGNED:
        return tf.cast(x > 0, x.dtype)
    return tf.sign(x)


_SIGN_BIT_CARRIERS = {tf.float16: tf.int16, tf.bfloat16: tf.int16, tf.float32: tf.int32, tf.float64: tf.int64}


def signbit(x):
    x = _t(x)
    if x.dtype == tf.bool or x.dtype in _UNSIGNED:
        return tf.zeros(tf.shape(x), tf.bool)
    carrier = _SIGN_BIT_CARRIERS.get(x.dtype)
    if carrier is None:  # signed integers
        return x < 0
    return tf.bitcast(x, carrier) < 0  # also -0.0 and negative NaNs, as in NumPy


def square(x):
    x = _t(x)
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.int32)
    return tf.square(x)


def heaviside(x1, x2):
    dtype = heaviside_dtype(result_type(_dtype_of(x1), _dtype_of(x2)))
    x1, x2 = _to(_t(x1), dtype), _to(_t(x2), dtype)
    return tf.where(x1 < 0, tf.zeros((), dtype), tf.where(x1 > 0, tf.ones((), dtype), x2))


def hypot(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    a, b = tf.abs(x1), tf.abs(x2)
    big, small = tf.maximum(a, b), tf.minimum(a, b)
    ratio = tf.math.divide_no_nan(small, big)
    return big * tf.sqrt(1 + tf.square(ratio))


def _integer_pair(name, x1, x2):
    x1, x2 = _promote(x1, x2)
    if not x1.dtype.is_integer:
        raise TypeError(f"{name}: both arguments must have integer dtypes. Received: dtype={x1.dtype.name}")
    shape = tf.broadcast_dynamic_shape(tf.shape(x1), tf.shape(x2))
    return absolute(tf.broadcast_to(x1, shape)), absolute(tf.broadcast_to(x2, shape))


def _gcd_of_magnitudes(a, b):
    def unfinished(a, b):
        return tf.reduce_any(tf.not_equal(b, 0))

    def step(a, b):
        zero = tf.equal(b, 0)
        remainder = tf.math.floormod(a, tf.where(zero, tf.ones((), b.dtype), b))
        return tf.where(zero, a, b), tf.where(zero, tf.zeros((), b.dtype), remainder)

    a, _ = tf.while_loop(unfinished, step, (a, b))
    return a


def gcd(x1, x2):
    a, b = _integer_pair("gcd", x1, x2)
    return _gcd_of_magnitudes(a, b)


def lcm(x1, x2):
    a, b = _integer_pair("lcm", x1, x2)
    divisor = _gcd_of_magnitudes(a, b)
    zero = tf.equal(divisor, 0)
    return tf.where(zero, tf.zeros((), a.dtype), a * tf.math.floordiv(b, tf.where(zero, tf.ones((), a.dtype), divisor)))


def ldexp(x1, x2):
    x2 = _t(x2)
    if not x2.dtype.is_integer:
        raise TypeError(f"ldexp: the exponent `x2` must have an integer dtype. Received: x2.dtype={x2.dtype.name}")
    x1 = _float_input(x1)
    compute = tf.float64 if x1.dtype == tf.float64 else tf.float32
    scaled = tf.cast(x1, compute) * tf.pow(tf.constant(2.0, compute), tf.cast(x2, compute))
    return tf.cast(scaled, x1.dtype)



def nextafter(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    if x1.dtype not in _HALF:
        return tf.math.nextafter(x1, x2)
    # No half kernel: step the bit pattern. Floats are sign-magnitude, so moving away from
    # zero is +1 on the bits whatever the sign.
    shape = tf.broadcast_dynamic_shape(tf.shape(x1), tf.shape(x2))
    x1, x2 = tf.broadcast_to(x1, shape), tf.broadcast_to(x2, shape)
    bits = tf.bitcast(x1, tf.uint16)
    away = tf.equal(x2 > x1, x1 > 0)
    stepped = tf.where(away, bits + 1, bits - 1)
    smallest = tf.where(x2 > 0, tf.constant(1, tf.uint16), tf.constant(0x8001, tf.uint16))
    stepped = tf.bitcast(tf.where(tf.equal(x1, 0), smallest, stepped), x1.dtype)
    out = tf.where(tf.equal(x1, x2), x2, stepped)
    return tf.where(tf.math.is_nan(x1) | tf.math.is_nan(x2), tf.constant(float("nan"), x1.dtype), out)


sqrt = _unary_float(tf.sqrt)
floor = _unary_float(tf.floor)
ceil = _unary_float(tf.math.ceil)


def angle(x):
    x = _float_input(x)
    if x.dtype.is_complex:
        return tf.math.angle(x)
    return tf.where(x < 0, tf.constant(3.141592653589793, x.dtype), tf.zeros((), x.dtype))


def cbrt(x):
    x = _float_input(x)
    return tf.sign(x) * tf.pow(tf.abs(x), tf.constant(1.0 / 3.0, x.dtype))


def trunc(x):
    x = _t(x)
    if not x.dtype.is_floating:
        return x
    return tf.where(x < 0, tf.math.ceil(x), tf.floor(x))


def round(x, decimals=0):
    x = _t(x)
    if x.dtype == tf.bool or (x.dtype.is_integer and decimals >= 0):
        return x
    if decimals == 0:
        return tf.round(x)  # half to even, as NumPy
    compute = tf.float64 if x.dtype == tf.float64 else tf.float32
    if x.dtype.is_integer:
        compute = config.floatx()
    factor = tf.constant(10.0**decimals, compute)
    return tf.cast(tf.round(tf.cast(x, compute) * factor) / factor, x.dtype)


def clip(x, x_min, x_max):
    x = _t(x)
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.int32)
    bounds = [b if b is None or isinstance(b, _SCALARS) else _t(b) for b in (x_min, x_max)]
    dtype = result_type(x.dtype, *(_dtype_of(b) for b in bounds if b is not None))
    # Integers clip in int64, so that a bound outside the dtype's range (-1 for uint8) holds.
    compute = "int64" if tf.as_dtype(dtype).is_integer else dtype
    out = _to(x, compute)
    if bounds[0] is not None:
        out = tf.maximum(out, _to(bounds[0], compute))
    if bounds[1] is not None:
        out = tf.minimum(out, _to(bounds[1], compute))
    return _to(out, dtype)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = _t(x)
    if not x.dtype.is_floating:
        return x
    dtype = x.dtype
    posinf = dtype.max if posinf is None else posinf
    neginf = dtype.min if neginf is None else neginf
    x = tf.where(tf.math.is_nan(x), _to(nan, dtype), x)
    infinite = tf.math.is_inf(x)
    x = tf.where(infinite & (x > 0), _to(posinf, dtype), x)
    return tf.where(infinite & (x < 0), _to(neginf, dtype), x)


def real(x):
    x = _t(x)
    return tf.math.real(x) if x.dtype.is_complex else x


def imag(x):
    x = _t(x)
    return tf.math.imag(x) if x.dtype.is_complex else tf.zeros_like(x)


def conjugate(x):
    x = _t(x)
    return tf.math.conj(x) if x.dtype.is_complex else x


conj = conjugate

__all__ = names.ARITHMETIC
