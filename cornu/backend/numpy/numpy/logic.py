"""Logic on NumPy: comparisons, logical and bitwise ops, element-wise tests.

Backs ``cornu.ops.numpy.logic``; re-exported by ``cornu.backend.numpy.numpy``.
"""

import numpy as np

from cornu.backend.common.array_namespace_ops import names
from cornu.backend.numpy.numpy._common import _binary, _is_float, _promote, _r, _t

__all__ = names.LOGIC


equal = _binary(np.equal)
not_equal = _binary(np.not_equal)
less = _binary(np.less)
less_equal = _binary(np.less_equal)
greater = _binary(np.greater)
greater_equal = _binary(np.greater_equal)


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    x1, x2 = _promote(x1, x2)
    return _r(np.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    x1, x2 = _promote(x1, x2)
    return _r(np.allclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))


def logical_and(x1, x2):
    return _r(np.logical_and(_t(x1), _t(x2)))


def logical_or(x1, x2):
    return _r(np.logical_or(_t(x1), _t(x2)))


def logical_xor(x1, x2):
    return _r(np.logical_xor(_t(x1), _t(x2)))


def logical_not(x):
    return _r(np.logical_not(_t(x)))


def _float_test(fn, x):
    x = _t(x)
    return _r(fn(x)) if _is_float(x) else np.zeros(x.shape, bool)


def isnan(x):
    return _float_test(np.isnan, x)


def isinf(x):
    return _float_test(np.isinf, x)


def isneginf(x):
    return _float_test(np.isneginf, x)


def isposinf(x):
    return _float_test(np.isposinf, x)


def isfinite(x):
    x = _t(x)
    return _r(np.isfinite(x)) if _is_float(x) else np.ones(x.shape, bool)


def isreal(x):
    return _r(np.isreal(_t(x)))


def isin(x1, x2, assume_unique=False, invert=False):
    x1, x2 = _promote(x1, x2)
    return _r(np.isin(x1, x2, assume_unique=assume_unique, invert=invert))


bitwise_and = _binary(np.bitwise_and)
bitwise_or = _binary(np.bitwise_or)
bitwise_xor = _binary(np.bitwise_xor)
bitwise_left_shift = _binary(np.left_shift)
bitwise_right_shift = _binary(np.right_shift)
left_shift = bitwise_left_shift
right_shift = bitwise_right_shift


def bitwise_invert(x):
    return _r(np.invert(_t(x)))


bitwise_not = bitwise_invert
