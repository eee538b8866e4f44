"""Element-wise arithmetic on PyTorch: sums, products, quotients, powers, rounding, signs and complex parts.

Backs ``cornu.ops.numpy.arithmetic``; re-exported by ``cornu.backend.torch.numpy``.
"""

import builtins

import torch

from cornu.backend import config
from cornu.backend.common.dtypes import result_type, standardize_dtype
from cornu.backend.torch.core import convert_to_tensor, to_torch_dtype
from cornu.backend.torch.numpy._common import (
    _binary, _binary_float, _dtype_of, _float_input, _float_pair, _promote, _SCALARS, _t, _unary_float,
)

__all__ = [
    "abs", "absolute", "add", "angle", "cbrt", "ceil", "clip", "conj", "conjugate", "divide", "divide_no_nan", "fabs",
    "floor", "floor_divide", "fmax", "fmin", "fmod", "gcd", "heaviside", "hypot", "imag", "lcm", "ldexp", "maximum",
    "minimum", "mod", "multiply", "nan_to_num", "negative", "nextafter", "power", "real", "reciprocal", "round", "sign",
    "signbit", "sqrt", "square", "subtract", "true_divide", "trunc",
]


def add(x1, x2):
    x1, x2 = _promote(x1, x2)
    return torch.add(x1, x2)


def subtract(x1, x2):
    x1, x2 = _promote(x1, x2)
    if x1.dtype == torch.bool:
        return torch.logical_xor(x1, x2)
    return torch.subtract(x1, x2)


def multiply(x1, x2):
    x1, x2 = _promote(x1, x2)
    return torch.multiply(x1, x2)


divide = _binary_float(torch.divide)
hypot = _binary_float(torch.hypot)
floor_divide = _binary(torch.floor_divide)
mod = _binary(torch.remainder)
fmod = _binary(torch.fmod)
maximum = _binary(torch.maximum)
minimum = _binary(torch.minimum)
fmax = _binary(torch.fmax)
fmin = _binary(torch.fmin)
gcd = _binary(torch.gcd)
lcm = _binary(torch.lcm)


def true_divide(x1, x2):
    return divide(x1, x2)


def nextafter(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    if x1.dtype in (torch.float16, torch.bfloat16):
        return torch.nextafter(x1.float(), x2.float()).to(x1.dtype)
    return torch.nextafter(x1, x2)


def power(x1, x2):
    x1, x2 = _promote(x1, x2)
    if not (x1.is_floating_point() or x1.is_complex()) and x1.dtype != torch.bool and bool(torch.any(x2 < 0)):
        odd = torch.remainder(x2, 2) == 1
        one = torch.ones((), dtype=x1.dtype)
        negative_power = torch.where(x1 == 1, one, torch.where(x1 == -1, torch.where(odd, -one, one), 0 * one))
        return torch.where(x2 < 0, negative_power, torch.pow(x1, torch.clamp(x2, min=0)))
    return torch.pow(x1, x2)


def divide_no_nan(x1, x2):
    same_float = (
        isinstance(x1, torch.Tensor) and isinstance(x2, torch.Tensor) and x1.dtype == x2.dtype
        and x1.is_floating_point()
    )
    if (
        isinstance(x1, torch.Tensor) and x1.is_floating_point() and isinstance(x2, (int, float))
        and not isinstance(x2, bool) and x2 != 0
    ):
        return x1 / x2  # a known nonzero count (a loss's number of elements): a plain division
    if not same_float:  # the common case (a metric's total / count) skips the dtype resolution
        x1, x2 = _float_pair(x1, x2)
    zero = x2 == 0
    return torch.where(zero, 0.0, x1 / torch.where(zero, 1.0, x2))


def negative(x):
    x = _t(x)
    return torch.logical_not(x) if x.dtype == torch.bool else torch.negative(x)


def reciprocal(x):
    return torch.reciprocal(_float_input(x))


def absolute(x):
    x = _t(x)
    return x if x.dtype == torch.bool else torch.abs(x)


abs = absolute


def fabs(x):
    return torch.abs(_float_input(x))


def sign(x):
    x = _t(x)
    return x if x.dtype == torch.bool else torch.sign(x)


def signbit(x):
    x = _t(x)
    if x.dtype == torch.bool:
        return torch.zeros_like(x)
    return torch.signbit(x)


def square(x):
    x = _t(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    return torch.square(x)


def heaviside(x1, x2):
    dtype = result_type(_dtype_of(x1), _dtype_of(x2))
    if dtype in ("int8", "int16", "int32", "uint8", "uint16", "uint32", "bool"):
        dtype = config.floatx()
    elif dtype == "int64":
        dtype = "float64"
    return torch.heaviside(convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype))


def ldexp(x1, x2):
    x2 = _t(x2)
    if x2.is_floating_point() or x2.dtype == torch.bool:
        raise TypeError(f"ldexp: the exponent `x2` must have an integer dtype. Received: x2.dtype={x2.dtype}")
    x1 = _float_input(x1)
    return (x1 * torch.pow(2.0, x2.to(torch.float32))).to(x1.dtype)


sqrt = _unary_float(torch.sqrt)
floor = _unary_float(torch.floor)
ceil = _unary_float(torch.ceil)
angle = _unary_float(torch.angle)


def cbrt(x):
    x = _float_input(x)
    return torch.sign(x) * torch.pow(torch.abs(x), 1.0 / 3.0)


def trunc(x):
    x = _t(x)
    return torch.trunc(x) if x.is_floating_point() else x


def round(x, decimals=0):
    x = _t(x)
    if x.is_floating_point():
        return torch.round(x, decimals=decimals)
    if decimals >= 0 or x.dtype == torch.bool:
        return x
    factor = 10.0 ** decimals
    return torch.round(x.to(to_torch_dtype(config.floatx())) * factor).div(factor).to(x.dtype)


def clip(x, x_min, x_max):
    x = _t(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    bounds = [b for b in (x_min, x_max) if b is not None]
    dtype = to_torch_dtype(result_type(standardize_dtype(x.dtype), *(_dtype_of(b) for b in bounds)))
    # Clamp where values and bounds are both exact (e.g. uint8 values, bound -1), then cast.
    wide = torch.float64 if dtype.is_floating_point or dtype.is_complex else torch.int64
    if builtins.any(isinstance(b, float) for b in bounds) and not wide.is_floating_point:
        wide = torch.float64

    def bound(b):
        return b if b is None or isinstance(b, _SCALARS) else convert_to_tensor(b).to(wide)

    return torch.clamp(x.to(wide), min=bound(x_min), max=bound(x_max)).to(dtype)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = _t(x)
    if not x.is_floating_point():
        return x
    return torch.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


def real(x):
    x = _t(x)
    return torch.real(x) if x.is_complex() else x


def imag(x):
    x = _t(x)
    return torch.imag(x) if x.is_complex() else torch.zeros_like(x)


def conjugate(x):
    x = _t(x)
    return torch.conj(x).resolve_conj() if x.is_complex() else x


conj = conjugate
