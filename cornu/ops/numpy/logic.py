"""Comparisons, logical and bitwise ops, and element-wise tests (`isnan`, `isclose`, ...).

Part of ``cornu.ops.numpy`` (also flattened into ``cornu.ops``); examples use ``ops``
for ``cornu.ops``.
"""

from cornu import backend
from cornu.ops.decorator import op

_b = backend.numpy


@op
def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether all elements of `x1` and `x2` are equal within `atol + rtol * abs(x2)`.

    Example: ``ops.allclose([1.0], [1.0 + 1e-7])  # True``
    """
    return _b.allclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


@op
def bitwise_and(x, y):
    """Element-wise bitwise AND of integers or booleans. Example: ``ops.bitwise_and([12], [10])  # [8]``"""
    return _b.bitwise_and(x, y)


@op
def bitwise_invert(x):
    """Element-wise bitwise NOT. Example: ``ops.bitwise_invert(ops.array([0], 'uint8'))  # [255]``"""
    return _b.bitwise_invert(x)


@op
def bitwise_left_shift(x, y):
    """Shifts the bits of `x` left by `y`. Example: ``ops.bitwise_left_shift([1], [3])  # [8]``"""
    return _b.bitwise_left_shift(x, y)


@op
def bitwise_not(x):
    """Element-wise bitwise NOT (alias of `bitwise_invert`). Example: ``ops.bitwise_not([0])  # [-1]``"""
    return _b.bitwise_not(x)


@op
def bitwise_or(x, y):
    """Element-wise bitwise OR. Example: ``ops.bitwise_or([12], [10])  # [14]``"""
    return _b.bitwise_or(x, y)


@op
def bitwise_right_shift(x, y):
    """Shifts the bits of `x` right by `y`. Example: ``ops.bitwise_right_shift([8], [3])  # [1]``"""
    return _b.bitwise_right_shift(x, y)


@op
def bitwise_xor(x, y):
    """Element-wise bitwise XOR. Example: ``ops.bitwise_xor([12], [10])  # [6]``"""
    return _b.bitwise_xor(x, y)


@op
def equal(x1, x2):
    """Element-wise `x1 == x2`. Example: ``ops.equal([1, 2], 2)  # [False, True]``"""
    return _b.equal(x1, x2)


@op
def greater(x1, x2):
    """Element-wise `x1 > x2`. Example: ``ops.greater([1, 3], 2)  # [False, True]``"""
    return _b.greater(x1, x2)


@op
def greater_equal(x1, x2):
    """Element-wise `x1 >= x2`. Example: ``ops.greater_equal([1, 2], 2)  # [False, True]``"""
    return _b.greater_equal(x1, x2)


@op
def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Element-wise closeness test within `atol + rtol * abs(x2)`.

    Example: ``ops.isclose([1.0, 2.0], [1.0, 2.1])  # [True, False]``
    """
    return _b.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


@op
def isfinite(x):
    """Element-wise finiteness test. Example: ``ops.isfinite([1.0, float('inf')])  # [True, False]``"""
    return _b.isfinite(x)


@op
def isin(x1, x2, assume_unique=False, invert=False):
    """Whether each element of `x1` occurs in `x2`. Example: ``ops.isin([1, 2], [2, 3])  # [False, True]``"""
    return _b.isin(x1, x2, assume_unique=assume_unique, invert=invert)


@op
def isinf(x):
    """Element-wise test for positive or negative infinity.

    Example: ``ops.isinf([1.0, float('inf')])  # [False, True]``
    """
    return _b.isinf(x)


@op
def isnan(x):
    """Element-wise NaN test. Example: ``ops.isnan([1.0, float('nan')])  # [False, True]``"""
    return _b.isnan(x)


@op
def isneginf(x):
    """Element-wise test for negative infinity. Example: ``ops.isneginf([-float('inf')])  # [True]``"""
    return _b.isneginf(x)


@op
def isposinf(x):
    """Element-wise test for positive infinity. Example: ``ops.isposinf([float('inf')])  # [True]``"""
    return _b.isposinf(x)


@op
def isreal(x):
    """Element-wise test for a zero imaginary part. Example: ``ops.isreal([1.0])  # [True]``"""
    return _b.isreal(x)


@op
def left_shift(x, y):
    """Shifts the bits of `x` left by `y`. Example: ``ops.left_shift([1], [2])  # [4]``"""
    return _b.left_shift(x, y)


@op
def less(x1, x2):
    """Element-wise `x1 < x2`. Example: ``ops.less([1, 3], 2)  # [True, False]``"""
    return _b.less(x1, x2)


@op
def less_equal(x1, x2):
    """Element-wise `x1 <= x2`. Example: ``ops.less_equal([2, 3], 2)  # [True, False]``"""
    return _b.less_equal(x1, x2)


@op
def logical_and(x1, x2):
    """Element-wise logical AND. Example: ``ops.logical_and([True, True], [True, False])  # [True, False]``"""
    return _b.logical_and(x1, x2)


@op
def logical_not(x):
    """Element-wise logical NOT. Example: ``ops.logical_not([True])  # [False]``"""
    return _b.logical_not(x)


@op
def logical_or(x1, x2):
    """Element-wise logical OR. Example: ``ops.logical_or([False], [True])  # [True]``"""
    return _b.logical_or(x1, x2)


@op
def logical_xor(x1, x2):
    """Element-wise logical XOR. Example: ``ops.logical_xor([True], [True])  # [False]``"""
    return _b.logical_xor(x1, x2)


@op
def not_equal(x1, x2):
    """Element-wise `x1 != x2`. Example: ``ops.not_equal([1, 2], 2)  # [True, False]``"""
    return _b.not_equal(x1, x2)


@op
def right_shift(x, y):
    """Shifts the bits of `x` right by `y`. Example: ``ops.right_shift([8], [2])  # [2]``"""
    return _b.right_shift(x, y)


__all__ = [n for n, v in list(globals().items()) if callable(v) and getattr(v, "__module__", None) == __name__ and not n.startswith("_")]
