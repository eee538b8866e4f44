"""Logic on TensorFlow: comparisons, logical and bitwise ops, element-wise tests.

Operands are promoted the Keras way first; bools, which TensorFlow cannot order or combine
bitwise, compare as ``uint8`` and combine with the logical ops.

Backs ``cornu.ops.numpy.logic``; re-exported by ``cornu.backend.tensorflow.numpy``.
"""

import tensorflow as tf

from cornu.backend.common.array_namespace_ops import names
from cornu.backend.tensorflow.numpy._common import _promote, _t


def _comparison(compare):
    def apply(x1, x2):
        x1, x2 = _promote(x1, x2)
        if x1.dtype == tf.bool:
            x1, x2 = tf.cast(x1, tf.uint8), tf.cast(x2, tf.uint8)
        return compare(x1, x2)

    apply.__name__ = compare.__name__
    return apply


def equal(x1, x2):
    x1, x2 = _promote(x1, x2)
    return tf.equal(x1, x2)


def not_equal(x1, x2):
    x1, x2 = _promote(x1, x2)
    return tf.not_equal(x1, x2)


less = _comparison(tf.less)
less_equal = _comparison(tf.less_equal)
greater = _comparison(tf.greater)
greater_equal = _comparison(tf.greater_equal)
for _function, _name in ((less, "less"), (less_equal, "less_equal"), (greater, "greater"), (greater_equal, "greater_equal")):
    _function.__name__ = _function.__qualname__ = _name


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    x1, x2 = _promote(x1, x2)
    if not (x1.dtype.is_floating or x1.dtype.is_complex):
        return tf.equal(x1, x2)
    difference = tf.abs(x1 - x2)  # real for complex inputs
    tolerance = atol + rtol * tf.abs(x2)
    # Infinities are close only to themselves (their difference is NaN or inf).
    finite = tf.math.is_finite(tf.abs(x1)) & tf.math.is_finite(tf.abs(x2))
    out = (finite & (difference <= tolerance)) | tf.equal(x1, x2)
    if equal_nan:
        out = out | (tf.math.is_nan(tf.abs(x1)) & tf.math.is_nan(tf.abs(x2)))
    return out


def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    return tf.reduce_all(isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))


def _as_bool(x):
    x = _t(x)
    return x if x.dtype == tf.bool else tf.cast(x, tf.bool)


def logical_and(x1, x2):
    return tf.logical_and(_as_bool(x1), _as_bool(x2))


def logical_or(x1, x2):
    return tf.logical_or(_as_bool(x1), _as_bool(x2))


def logical_xor(x1, x2):
    return tf.math.logical_xor(_as_bool(x1), _as_bool(x2))


def logical_not(x):
    return tf.logical_not(_as_bool(x))


def _float_test(test, otherwise):
    """``test(x)`` on float tensors; integers and bools are never NaN or infinite."""

    def apply(x):
        x = _t(x)
        if x.dtype.is_floating:
            return test(x)
        if x.dtype.is_complex:
            return test(tf.abs(x))
        return tf.fill(tf.shape(x), otherwise)

    return apply


isnan = _float_test(tf.math.is_nan, False)
isinf = _float_test(tf.math.is_inf, False)
isfinite = _float_test(tf.math.is_finite, True)
isneginf = _float_test(lambda x: tf.math.is_inf(x) & (x < 0), False)
isposinf = _float_test(lambda x: tf.math.is_inf(x) & (x > 0), False)
for _function, _name in ((isnan, "isnan"), (isinf, "isinf"), (isfinite, "isfinite"), (isneginf, "isneginf"),
                         (isposinf, "isposinf")):
    _function.__name__ = _function.__qualname__ = _name


def isreal(x):
    x = _t(x)
    if x.dtype.is_complex:
        return tf.equal(tf.math.imag(x), 0)
    return tf.fill(tf.shape(x), True)


def isin(x1, x2, assume_unique=False, invert=False):
    x1, x2 = _promote(x1, x2)
    found = tf.reduce_any(tf.equal(x1[..., None], tf.reshape(x2, [-1])), axis=-1)
    return tf.logical_not(found) if invert else found


def _integer_or_bool_pair(x, y):
    x, y = _promote(x, y)
    if not (x.dtype.is_integer or x.dtype == tf.bool):
        raise TypeError(f"bitwise operations need integer or boolean tensors, not {x.dtype.name}")
    return x, y


def bitwise_and(x, y):
    x, y = _integer_or_bool_pair(x, y)
    return tf.logical_and(x, y) if x.dtype == tf.bool else tf.bitwise.bitwise_and(x, y)


def bitwise_or(x, y):
    x, y = _integer_or_bool_pair(x, y)
    return tf.logical_or(x, y) if x.dtype == tf.bool else tf.bitwise.bitwise_or(x, y)


def bitwise_xor(x, y):
    x, y = _integer_or_bool_pair(x, y)
    return tf.math.logical_xor(x, y) if x.dtype == tf.bool else tf.bitwise.bitwise_xor(x, y)


def bitwise_invert(x):
    x = _t(x)
    if x.dtype == tf.bool:
        return tf.logical_not(x)
    if not x.dtype.is_integer:
        raise TypeError(f"bitwise operations need integer or boolean tensors, not {x.dtype.name}")
    return tf.bitwise.invert(x)


bitwise_not = bitwise_invert


def _shift(shift, out_of_range):
    """A shift by ``y`` bits; amounts outside ``[0, bits)`` give ``out_of_range(x)``, as in JAX
    (TensorFlow leaves them undefined). Bools shift as int32."""

    def apply(x, y):
        x, y = _promote(x, y)
        if x.dtype == tf.bool:
            x, y = tf.cast(x, tf.int32), tf.cast(y, tf.int32)
        if not x.dtype.is_integer:
            raise TypeError(f"shifts need integer tensors, not {x.dtype.name}")
        bits = x.dtype.size * 8
        outside = y >= bits if x.dtype.is_unsigned else (y < 0) | (y >= bits)
        in_range = tf.where(outside, tf.zeros((), y.dtype), y)
        return tf.where(outside, out_of_range(x), shift(x, in_range))

    return apply


def _sign_fill(x):
    """What an arithmetic right shift by the full width leaves: -1 for negatives, else 0."""
    if x.dtype.is_unsigned:
        return tf.zeros_like(x)
    return tf.where(x < 0, -tf.ones((), x.dtype), tf.zeros((), x.dtype))


bitwise_left_shift = _shift(tf.bitwise.left_shift, tf.zeros_like)
bitwise_right_shift = _shift(tf.bitwise.right_shift, _sign_fill)
bitwise_left_shift.__name__ = bitwise_left_shift.__qualname__ = "bitwise_left_shift"
bitwise_right_shift.__name__ = bitwise_right_shift.__qualname__ = "bitwise_right_shift"
left_shift = bitwise_left_shift
right_shift = bitwise_right_shift

__all__ = names.LOGIC
