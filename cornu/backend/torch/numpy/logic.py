"""Logic on PyTorch: comparisons, logical and bitwise ops, element-wise tests.

Backs ``cornu.ops.numpy.logic``; re-exported by ``cornu.backend.torch.numpy``.
"""

import torch

from cornu.backend.torch.numpy._common import _binary, _promote, _t

__all__ = [
    "allclose", "bitwise_and", "bitwise_invert", "bitwise_left_shift", "bitwise_not", "bitwise_or",
    "bitwise_right_shift", "bitwise_xor", "equal", "greater", "greater_equal", "isclose", "isfinite", "isin", "isinf",
    "isnan", "isneginf", "isposinf", "isreal", "left_shift", "less", "less_equal", "logical_and", "logical_not",
    "logical_or", "logical_xor", "not_equal", "right_shift",
]


equal = _binary(torch.eq)
not_equal = _binary(torch.ne)
less = _binary(torch.lt)
less_equal = _binary(torch.le)
greater = _binary(torch.gt)
greater_equal = _binary(torch.ge)


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    x1, x2 = _promote(x1, x2)
    return torch.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    return torch.all(isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))


def logical_and(x1, x2):
    return torch.logical_and(_t(x1), _t(x2))


def logical_or(x1, x2):
    return torch.logical_or(_t(x1), _t(x2))


def logical_xor(x1, x2):
    return torch.logical_xor(_t(x1), _t(x2))


def logical_not(x):
    return torch.logical_not(_t(x))


def isnan(x):
    return torch.isnan(_t(x))


def isfinite(x):
    return torch.isfinite(_t(x))


def isinf(x):
    return torch.isinf(_t(x))


def isneginf(x):
    return torch.isneginf(_t(x))


def isposinf(x):
    return torch.isposinf(_t(x))


def isreal(x):
    return torch.isreal(_t(x))


def isin(x1, x2, assume_unique=False, invert=False):
    x1, x2 = _promote(x1, x2)
    return torch.isin(x1, x2, assume_unique=assume_unique, invert=invert)


def bitwise_and(x, y):
    x, y = _promote(x, y)
    return torch.bitwise_and(x, y)


def bitwise_or(x, y):
    x, y = _promote(x, y)
    return torch.bitwise_or(x, y)


def bitwise_xor(x, y):
    x, y = _promote(x, y)
    return torch.bitwise_xor(x, y)


def bitwise_invert(x):
    return torch.bitwise_not(_t(x))


bitwise_not = bitwise_invert


def bitwise_left_shift(x, y):
    x, y = _promote(x, y)
    return torch.bitwise_left_shift(x, y)


def bitwise_right_shift(x, y):
    x, y = _promote(x, y)
    return torch.bitwise_right_shift(x, y)


left_shift = bitwise_left_shift
right_shift = bitwise_right_shift
