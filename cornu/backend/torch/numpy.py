"""PyTorch implementations of the NumPy-like ops.

torch treats 0-d tensors as weak in promotion and has no uint32 kernels, so
binary ops bring both inputs to Keras's ``result_type`` first (with fast paths
for the common same-dtype and tensor-with-Python-float cases), and reductions
pick their accumulation dtype explicitly.
"""

import builtins
import math

import torch
import torch.nn.functional as F

from cornu.backend import config
from cornu.backend.common.dtypes import result_type, standardize_dtype
from cornu.backend.torch.core import DEFAULT_DEVICE, Variable, convert_to_tensor, to_torch_dtype

_FLOATING = (torch.float16, torch.bfloat16, torch.float32, torch.float64)
_SCALARS = (int, float, bool, complex)

# Out-of-memory errors explain themselves: ops let them through unchanged.
UNTRANSLATED_ERRORS = (torch.OutOfMemoryError,)


def _t(x):
    return x if isinstance(x, torch.Tensor) else convert_to_tensor(x)


def _dtype_of(x):
    if hasattr(x, "dtype"):
        return x.dtype
    if isinstance(x, _SCALARS):
        return type(x)
    return convert_to_tensor(x).dtype


def _promote(x1, x2):
    if isinstance(x1, Variable):
        x1 = x1.value
    if isinstance(x2, Variable):
        x2 = x2.value
    # Fast paths: two tensors of one dtype, or a float tensor and a Python number.
    if isinstance(x1, torch.Tensor):
        if isinstance(x2, torch.Tensor):
            if x1.dtype == x2.dtype:
                return x1, x2
        elif isinstance(x2, (int, float)) and not isinstance(x2, bool) and x1.dtype in _FLOATING:
            return x1, convert_to_tensor(x2, x1.dtype)
    elif isinstance(x2, torch.Tensor) and isinstance(x1, (int, float)) and not isinstance(x1, bool) and x2.dtype in _FLOATING:
        return convert_to_tensor(x1, x2.dtype), x2
    dtype = result_type(_dtype_of(x1), _dtype_of(x2))
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def _float_input(x):
    x = _t(x)
    if not (x.is_floating_point() or x.is_complex()):
        x = x.to(to_torch_dtype(config.floatx()))
    return x


def _float_pair(x1, x2):
    dtype = result_type(_dtype_of(x1), _dtype_of(x2), float)
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def _axis(a, ndim):
    """``a`` in ``[0, ndim)``; out-of-range axes raise (as NumPy and JAX do) instead of wrapping."""
    if not -builtins.max(ndim, 1) <= a < builtins.max(ndim, 1):
        raise ValueError(f"axis {a} is out of bounds for array of dimension {ndim}")
    return a % ndim if ndim else a


def _dims(axis, ndim):
    """Keras ``axis`` to a torch ``dim``: None stays None, lists become tuples."""
    if axis is None:
        return None
    if isinstance(axis, (list, tuple)):
        return tuple(_axis(a, ndim) for a in axis)
    return axis


def _reduce(fn, x, axis, keepdims, **kwargs):
    """Runs a torch reduction with NumPy's axis semantics (None: all, (): none)."""
    if axis is None:
        out = fn(x, **kwargs)
        return out.reshape((1,) * x.ndim) if keepdims else out
    dims = _dims(axis, x.ndim)
    if dims == ():
        return x.to(kwargs["dtype"]) if kwargs.get("dtype") is not None else x
    return fn(x, dim=dims, keepdim=keepdims, **kwargs)


def _binary(fn):
    def apply(x1, x2):
        x1, x2 = _promote(x1, x2)
        return fn(x1, x2)

    apply.__name__ = getattr(fn, "__name__", "binary")
    return apply


def _binary_float(fn):
    def apply(x1, x2):
        x1, x2 = _float_pair(x1, x2)
        return fn(x1, x2)

    apply.__name__ = getattr(fn, "__name__", "binary")
    return apply


def _unary_float(fn):
    def apply(x):
        return fn(_float_input(x))

    apply.__name__ = getattr(fn, "__name__", "unary")
    return apply


# ---------------------------------------------------------------- arithmetic


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
logaddexp = _binary_float(torch.logaddexp)
logaddexp2 = _binary_float(torch.logaddexp2)
arctan2 = _binary_float(torch.atan2)
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
    x1, x2 = _float_pair(x1, x2)
    zero = x2 == 0
    return torch.where(zero, torch.zeros((), dtype=x1.dtype), x1 / torch.where(zero, torch.ones((), dtype=x2.dtype), x2))


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


# ------------------------------------------------------- float element-wise

sqrt = _unary_float(torch.sqrt)
exp = _unary_float(torch.exp)
exp2 = _unary_float(torch.exp2)
expm1 = _unary_float(torch.expm1)
log = _unary_float(torch.log)
log2 = _unary_float(torch.log2)
log10 = _unary_float(torch.log10)
log1p = _unary_float(torch.log1p)
sin = _unary_float(torch.sin)
cos = _unary_float(torch.cos)
tan = _unary_float(torch.tan)
arcsin = _unary_float(torch.asin)
arccos = _unary_float(torch.acos)
arctan = _unary_float(torch.atan)
sinh = _unary_float(torch.sinh)
cosh = _unary_float(torch.cosh)
tanh = _unary_float(torch.tanh)
arcsinh = _unary_float(torch.asinh)
arccosh = _unary_float(torch.acosh)
arctanh = _unary_float(torch.atanh)
sinc = _unary_float(torch.sinc)
deg2rad = _unary_float(torch.deg2rad)
rad2deg = _unary_float(torch.rad2deg)
floor = _unary_float(torch.floor)
ceil = _unary_float(torch.ceil)
angle = _unary_float(torch.angle)


def cbrt(x):
    x = _float_input(x)
    return torch.sign(x) * torch.pow(torch.abs(x), 1.0 / 3.0)


def i0(x):
    x = _float_input(x)
    if x.dtype in (torch.float16, torch.bfloat16):
        return torch.special.i0(x.float()).to(x.dtype)
    return torch.special.i0(x)


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


# ------------------------------------------------------------- comparisons

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


# ----------------------------------------------------------------- bitwise


def _shift_operand(x, y):
    x = _t(x)
    return x, (y if isinstance(y, int) else convert_to_tensor(y, x.dtype))


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


# -------------------------------------------------------------- reductions


def _sum_dtype(dtype):
    # torch has no uint32 kernels, so small unsigned sums accumulate in int32 (as in Keras).
    if dtype in (torch.bool, torch.int8, torch.int16, torch.uint8, torch.uint16):
        return torch.int32
    return dtype


def sum(x, axis=None, keepdims=False):
    x = _t(x)
    return _reduce(torch.sum, x, axis, keepdims, dtype=_sum_dtype(x.dtype))


def prod(x, axis=None, keepdims=False, dtype=None):
    x = _t(x)
    dtype = to_torch_dtype(dtype) if dtype is not None else _sum_dtype(x.dtype)
    if axis is None:
        out = torch.prod(x, dtype=dtype)
        return out.reshape((1,) * x.ndim) if keepdims else out
    axes = [axis] if isinstance(axis, int) else list(axis)
    for a in sorted((_axis(a, x.ndim) for a in axes), reverse=True):
        x = torch.prod(x, dim=a, keepdim=keepdims, dtype=dtype)
    return x


def _mean_dtypes(x):
    out = to_torch_dtype(result_type(x.dtype, float))
    compute = torch.float32 if out in (torch.float16, torch.bfloat16) else out
    return compute, out


def mean(x, axis=None, keepdims=False):
    x = _t(x)
    compute, out = _mean_dtypes(x)
    return _reduce(torch.mean, x, axis, keepdims, dtype=compute).to(out)


def var(x, axis=None, keepdims=False):
    x = _t(x)
    compute, out = _mean_dtypes(x)
    return _reduce(torch.var, x.to(compute), axis, keepdims, correction=0).to(out)


def std(x, axis=None, keepdims=False):
    x = _t(x)
    compute, out = _mean_dtypes(x)
    return _reduce(torch.std, x.to(compute), axis, keepdims, correction=0).to(out)


def average(x, axis=None, weights=None):
    x = _t(x)
    if weights is None:
        return mean(x, axis=axis)
    weights = _t(weights)
    dtype = to_torch_dtype(result_type(x.dtype, weights.dtype, float))
    x, weights = x.to(dtype), weights.to(dtype)
    if weights.ndim == 1 and x.ndim > 1 and isinstance(axis, int):
        shape = [1] * x.ndim
        shape[axis] = -1
        weights = weights.reshape(shape)
    dims = None if axis is None else _dims(axis, x.ndim)
    if dims is None:
        return torch.sum(x * weights) / torch.sum(torch.broadcast_to(weights, x.shape))
    return torch.sum(x * weights, dim=dims) / torch.sum(torch.broadcast_to(weights, x.shape), dim=dims)


def _minmax(fn, x, axis, keepdims, initial):
    x = _t(x)
    if x.numel() == 0 and initial is not None:
        shape = [1 if keepdims else None for _ in range(x.ndim)] if axis is None else None
        if shape is not None:
            return torch.full([1] * x.ndim if keepdims else [], initial, dtype=x.dtype)
    out = _reduce(fn, x, axis, keepdims)
    if initial is not None:
        bound = torch.tensor(initial, dtype=out.dtype)
        out = torch.maximum(out, bound) if fn is torch.amax else torch.minimum(out, bound)
    return out


def max(x, axis=None, keepdims=False, initial=None):
    return _minmax(torch.amax, x, axis, keepdims, initial)


def min(x, axis=None, keepdims=False, initial=None):
    return _minmax(torch.amin, x, axis, keepdims, initial)


def amax(x, axis=None, keepdims=False):
    return _minmax(torch.amax, x, axis, keepdims, None)


def amin(x, axis=None, keepdims=False):
    return _minmax(torch.amin, x, axis, keepdims, None)


def ptp(x, axis=None, keepdims=False):
    x = _t(x)
    return amax(x, axis, keepdims) - amin(x, axis, keepdims)


def _arg(fn, x, axis, keepdims):
    x = _t(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    if axis is None:
        out = fn(x.reshape(-1))
        return (out.reshape((1,) * x.ndim) if keepdims else out).to(torch.int32)
    return fn(x, dim=axis, keepdim=keepdims).to(torch.int32)


def argmax(x, axis=None, keepdims=False):
    return _arg(torch.argmax, x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    return _arg(torch.argmin, x, axis, keepdims)


def any(x, axis=None, keepdims=False):
    x = _t(x)
    return _reduce(torch.any, x if x.dtype == torch.bool else x.bool(), axis, keepdims)


def all(x, axis=None, keepdims=False):
    x = _t(x)
    return _reduce(torch.all, x if x.dtype == torch.bool else x.bool(), axis, keepdims)


def count_nonzero(x, axis=None):
    x = _t(x)
    dims = _dims(axis, x.ndim)
    if dims == ():
        return (x != 0).to(torch.int32)
    return torch.count_nonzero(x, dim=dims).to(torch.int32)


def _cum(fn, x, axis, dtype):
    x = _t(x)
    if dtype is not None:
        dtype = to_torch_dtype(dtype)
    else:
        dtype = torch.int32 if x.dtype == torch.bool else x.dtype
    if axis is None:
        x, axis = x.reshape(-1), 0
    return fn(x, dim=axis, dtype=dtype)


def cumsum(x, axis=None, dtype=None):
    return _cum(torch.cumsum, x, axis, dtype)


def cumprod(x, axis=None, dtype=None):
    return _cum(torch.cumprod, x, axis, dtype)


def nancumsum(x, axis=None, dtype=None):
    x = _t(x)
    if x.is_floating_point():
        x = torch.where(torch.isnan(x), torch.zeros((), dtype=x.dtype), x)
    return cumsum(x, axis, dtype)


def nancumprod(x, axis=None, dtype=None):
    x = _t(x)
    if x.is_floating_point():
        x = torch.where(torch.isnan(x), torch.ones((), dtype=x.dtype), x)
    return cumprod(x, axis, dtype)


def _move_to_end(x, axis):
    """Moves the reduced axes to one trailing axis; returns (x, kept shape)."""
    if axis is None:
        return x.reshape(-1), None
    axes = [axis] if isinstance(axis, int) else list(axis)
    axes = sorted(_axis(a, x.ndim) for a in axes)
    kept = [d for d in range(x.ndim) if d not in axes]
    x = x.permute(kept + axes)
    return x.reshape([x.shape[i] for i in range(len(kept))] + [-1]), axes


def _quantile(x, q, axis, method, keepdims, ignore_nan):
    x = _float_input(x)
    q = _t(q).to(torch.float64)
    ndim = x.ndim
    flat, axes = _move_to_end(x, axis)
    nan = torch.isnan(flat)
    ordered = torch.sort(flat, dim=-1).values  # NaNs sort last
    if ignore_nan:
        count = (~nan).sum(-1, keepdim=True)
    else:
        count = torch.full(flat.shape[:-1] + (1,), flat.shape[-1], dtype=torch.int64)
    last = (count - 1).clamp(min=0).to(torch.float64)
    pos = q.reshape(q.shape + (1,) * flat.ndim) * last  # q dims first, then batch dims, then 1
    lo = torch.floor(pos)
    hi = torch.ceil(pos)
    if method == "lower":
        pos = lo
    elif method == "higher":
        pos = hi
    elif method == "nearest":
        pos = torch.round(pos)
    elif method not in ("linear", "midpoint"):
        raise ValueError(
            "`method` must be one of 'linear', 'lower', 'higher', 'midpoint', 'nearest'. "
            f"Received: method={method!r}"
        )
    expanded = ordered.expand(q.shape + ordered.shape)

    def gather(p):
        return torch.gather(expanded, -1, p.long().clamp(min=0)).to(torch.float64)

    if method == "linear":
        out = gather(lo) + (gather(hi) - gather(lo)) * (pos - lo)
    elif method == "midpoint":
        out = (gather(lo) + gather(hi)) / 2
    else:
        out = gather(pos)
    out = out.squeeze(-1)
    bad = (count.squeeze(-1) == 0) if ignore_nan else nan.any(-1)
    out = torch.where(bad, torch.tensor(float("nan"), dtype=out.dtype), out)
    if keepdims:
        if axes is None:
            out = out.reshape(q.shape + (1,) * ndim)
        else:
            for a in axes:
                out = out.unsqueeze(q.ndim + a)
    return out.to(x.dtype)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, q, axis, method, keepdims, ignore_nan=False)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, _t(q).to(torch.float64) / 100, axis, method, keepdims, ignore_nan=False)


def median(x, axis=None, keepdims=False):
    return _quantile(x, 0.5, axis, "linear", keepdims, ignore_nan=False)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, q, axis, method, keepdims, ignore_nan=True)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, _t(q).to(torch.float64) / 100, axis, method, keepdims, ignore_nan=True)


def nanmedian(x, axis=None, keepdims=False):
    return _quantile(x, 0.5, axis, "linear", keepdims, ignore_nan=True)


def _without_nan(x, fill):
    x = _t(x)
    if not x.is_floating_point():
        return x, None
    nan = torch.isnan(x)
    return torch.where(nan, torch.tensor(fill, dtype=x.dtype), x), nan


def nansum(x, axis=None, keepdims=False):
    return sum(_without_nan(x, 0.0)[0], axis=axis, keepdims=keepdims)


def nanprod(x, axis=None, keepdims=False):
    return prod(_without_nan(x, 1.0)[0], axis=axis, keepdims=keepdims)


def nanmean(x, axis=None, keepdims=False):
    x = _float_input(x)
    filled, nan = _without_nan(x, 0.0)
    count = sum(~nan, axis=axis, keepdims=keepdims)
    return (sum(filled, axis=axis, keepdims=keepdims) / count).to(x.dtype)


def nanvar(x, axis=None, keepdims=False):
    x = _float_input(x)
    avg = nanmean(x, axis=axis, keepdims=True)
    return nanmean(torch.square(x - avg), axis=axis, keepdims=keepdims)


def nanstd(x, axis=None, keepdims=False):
    return torch.sqrt(nanvar(x, axis=axis, keepdims=keepdims))


def _nan_extreme(fn, fill, x, axis, keepdims):
    filled, nan = _without_nan(x, fill)
    out = _reduce(fn, filled, axis, keepdims)
    if nan is None:
        return out
    all_nan = _reduce(torch.all, nan, axis, keepdims)
    return torch.where(all_nan, torch.tensor(float("nan"), dtype=out.dtype), out)


def nanmax(x, axis=None, keepdims=False):
    return _nan_extreme(torch.amax, -math.inf, x, axis, keepdims)


def nanmin(x, axis=None, keepdims=False):
    return _nan_extreme(torch.amin, math.inf, x, axis, keepdims)


def nanargmax(x, axis=None, keepdims=False):
    return argmax(_without_nan(x, -math.inf)[0], axis=axis, keepdims=keepdims)


def nanargmin(x, axis=None, keepdims=False):
    return argmin(_without_nan(x, math.inf)[0], axis=axis, keepdims=keepdims)


def trace(x, offset=0, axis1=0, axis2=1):
    x = _t(x)
    return torch.sum(torch.diagonal(x, offset=offset, dim1=axis1, dim2=axis2), dim=-1, dtype=_sum_dtype(x.dtype))


def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = _float_input(y)
    if x is not None:
        return torch.trapezoid(y, _t(x).to(y.dtype), dim=axis)
    return torch.trapezoid(y, dx=dx, dim=axis)


# ------------------------------------------------------------ linear algebra


def _int8_to_int32(x1, x2):
    if x1.dtype == torch.int8 and x2.dtype == torch.int8:
        return x1.to(torch.int32), x2.to(torch.int32)
    return x1, x2


def matmul(x1, x2):
    x1, x2 = _int8_to_int32(*_promote(x1, x2))
    return torch.matmul(x1, x2)


def dot(x1, x2):
    x1, x2 = _promote(x1, x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return torch.multiply(x1, x2)
    if x2.ndim <= 2:
        return torch.matmul(x1, x2)
    return torch.tensordot(x1, x2, dims=([-1], [-2]))


def vdot(x1, x2):
    x1, x2 = _promote(x1, x2)
    return torch.sum(torch.conj(x1.reshape(-1)) * x2.reshape(-1), dtype=x1.dtype)


def inner(x1, x2):
    x1, x2 = _promote(x1, x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return torch.multiply(x1, x2)
    return torch.inner(x1, x2)


def outer(x1, x2):
    x1, x2 = _promote(x1, x2)
    return torch.outer(x1.reshape(-1), x2.reshape(-1))


def tensordot(x1, x2, axes=2):
    x1, x2 = _promote(x1, x2)
    if isinstance(axes, (list, tuple)):
        first, second = axes
        first = [first] if isinstance(first, int) else list(first)
        second = [second] if isinstance(second, int) else list(second)
        return torch.tensordot(x1, x2, dims=(first, second))
    return torch.tensordot(x1, x2, dims=axes)


def einsum(subscripts, *operands, **kwargs):
    operands = _same_dtype(operands)
    if operands and operands[0].dtype == torch.int8:
        operands = [o.to(torch.int32) for o in operands]
    return torch.einsum(subscripts, *operands)


def kron(x1, x2):
    x1, x2 = _promote(x1, x2)
    return torch.kron(x1, x2)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    x1, x2 = _promote(x1, x2)
    if axis is not None:
        axisa = axisb = axisc = axis
    x1, x2 = torch.movedim(x1, axisa, -1), torch.movedim(x2, axisb, -1)
    both_2d = x1.shape[-1] == 2 and x2.shape[-1] == 2
    if x1.shape[-1] == 2:
        x1 = F.pad(x1, (0, 1))
    if x2.shape[-1] == 2:
        x2 = F.pad(x2, (0, 1))
    x1, x2 = torch.broadcast_tensors(x1, x2)
    out = torch.linalg.cross(x1, x2, dim=-1)
    if both_2d:
        return out[..., 2]
    return torch.movedim(out, -1, axisc)


def slogdet(x):
    x = _float_input(x)
    compute = torch.float32 if x.dtype in (torch.float16, torch.bfloat16) else x.dtype
    sign, logdet = torch.linalg.slogdet(x.to(compute))
    return sign.to(x.dtype), logdet.to(x.dtype)


def correlate(x1, x2, mode="valid"):
    x1, x2 = _float_pair(x1, x2)
    if x2.shape[0] > x1.shape[0]:
        return torch.flip(correlate(x2, x1, mode), dims=(0,))
    n, m = x1.shape[0], x2.shape[0]
    full = F.conv1d(x1.reshape(1, 1, n), x2.reshape(1, 1, m), padding=m - 1).reshape(-1)
    if mode == "full":
        return full
    if mode == "valid":
        return full[m - 1 : n]
    if mode == "same":
        start = (m - 1) // 2
        return full[start : start + n]
    raise ValueError(f"`mode` must be 'valid', 'same' or 'full'. Received: mode={mode!r}")


def corrcoef(x):
    return torch.corrcoef(_float_input(x))


# ------------------------------------------------------------ shape & layout


def reshape(x, newshape):
    if isinstance(newshape, int):
        newshape = (newshape,)
    return torch.reshape(_t(x), tuple(newshape))


def transpose(x, axes=None):
    x = _t(x)
    if axes is None:
        return x.permute(*reversed(range(x.ndim)))
    return x.permute(*axes)


def swapaxes(x, axis1, axis2):
    return torch.swapaxes(_t(x), axis1, axis2)


def moveaxis(x, source, destination):
    if isinstance(source, list):
        source = tuple(source)
    if isinstance(destination, list):
        destination = tuple(destination)
    return torch.movedim(_t(x), source, destination)


def expand_dims(x, axis):
    x = _t(x)
    axes = [axis] if isinstance(axis, int) else list(axis)
    out_ndim = x.ndim + len(axes)
    for a in sorted(_axis(a, out_ndim) for a in axes):
        x = torch.unsqueeze(x, a)
    return x


def squeeze(x, axis=None):
    x = _t(x)
    if axis is None:
        return torch.squeeze(x)
    axes = [axis] if isinstance(axis, int) else list(axis)
    for a in axes:
        if x.shape[a] != 1:
            raise ValueError(f"Cannot squeeze axis {a}: its size is {x.shape[a]}, not 1. Received: x.shape={tuple(x.shape)}")
    return torch.squeeze(x, dim=tuple(axes))


def ravel(x):
    return _t(x).reshape(-1)


def _same_dtype(xs):
    xs = [x if isinstance(x, torch.Tensor) or isinstance(x, _SCALARS) else convert_to_tensor(x) for x in xs]
    if xs and builtins.all(isinstance(x, torch.Tensor) and x.dtype == xs[0].dtype for x in xs):
        return xs
    dtype = result_type(*[_dtype_of(x) for x in xs])
    return [convert_to_tensor(x, dtype) for x in xs]


def concatenate(xs, axis=0):
    xs = _same_dtype(xs)
    if axis is None:
        xs, axis = [x.reshape(-1) for x in xs], 0
    return torch.cat(xs, dim=axis)


def append(x1, x2, axis=None):
    x1, x2 = _promote(x1, x2)
    if axis is None:
        return torch.cat([x1.reshape(-1), x2.reshape(-1)])
    return torch.cat([x1, x2], dim=axis)


def stack(x, axis=0):
    return torch.stack(_same_dtype(x), dim=axis)


def hstack(xs):
    return torch.hstack(_same_dtype(xs))


def vstack(xs):
    return torch.vstack(_same_dtype(xs))


def dstack(xs):
    return torch.dstack(_same_dtype(xs))


def _sections(x, indices_or_sections, axis, exact):
    if isinstance(indices_or_sections, int):
        if exact and x.shape[axis] % indices_or_sections:
            raise ValueError(
                f"split: the axis of size {x.shape[axis]} cannot be divided into "
                f"{indices_or_sections} equal parts. Received: indices_or_sections={indices_or_sections}"
            )
        return list(torch.tensor_split(x, indices_or_sections, dim=axis))
    return list(torch.tensor_split(x, [int(i) for i in indices_or_sections], dim=axis))


def split(x, indices_or_sections, axis=0):
    return _sections(_t(x), indices_or_sections, axis, exact=True)


def array_split(x, indices_or_sections, axis=0):
    return _sections(_t(x), indices_or_sections, axis, exact=False)


def hsplit(x, indices_or_sections):
    x = _t(x)
    return _sections(x, indices_or_sections, 0 if x.ndim == 1 else 1, exact=True)


def vsplit(x, indices_or_sections):
    return _sections(_t(x), indices_or_sections, 0, exact=True)


def dsplit(x, indices_or_sections):
    return _sections(_t(x), indices_or_sections, 2, exact=True)


def broadcast_to(x, shape):
    return torch.broadcast_to(_t(x), tuple(shape) if not isinstance(shape, int) else (shape,))


def tile(x, repeats):
    return torch.tile(_t(x), tuple(repeats) if isinstance(repeats, (list, tuple)) else (repeats,))


def repeat(x, repeats, axis=None):
    x = _t(x)
    if not isinstance(repeats, int):
        repeats = _t(repeats)
    if axis is None:
        x, axis = x.reshape(-1), 0
    return torch.repeat_interleave(x, repeats, dim=axis)


def flip(x, axis=None):
    x = _t(x)
    if axis is None:
        axis = tuple(range(x.ndim))
    return torch.flip(x, dims=(axis,) if isinstance(axis, int) else tuple(axis))


def fliplr(x):
    return torch.fliplr(_t(x))


def flipud(x):
    return torch.flipud(_t(x))


def roll(x, shift, axis=None):
    x = _t(x)
    if axis is None:
        return torch.roll(x.reshape(-1), shift).reshape(x.shape)
    return torch.roll(x, shift, dims=axis)


def rot90(array, k=1, axes=(0, 1)):
    array = _t(array)
    if array.ndim < 2:
        raise ValueError(f"rot90 needs an array with at least 2 dimensions. Received: array.ndim={array.ndim}")
    return torch.rot90(array, k, dims=list(axes))


def _pad_index(n, before, after, mode):
    """Source indices along one axis for NumPy's non-constant pad modes."""
    idx = torch.arange(-before, n + after, device=DEFAULT_DEVICE)
    if mode == "edge":
        return idx.clamp(0, n - 1)
    if mode == "wrap":
        return torch.remainder(idx, n)
    if mode == "reflect":
        period = builtins.max(2 * n - 2, 1)
        idx = torch.remainder(idx, period)
        return torch.where(idx >= n, period - idx, idx)
    if mode == "symmetric":
        period = 2 * n
        idx = torch.remainder(idx, period)
        return torch.where(idx >= n, period - 1 - idx, idx)
    raise ValueError(
        "`mode` must be one of 'constant', 'edge', 'reflect', 'symmetric', 'wrap'. "
        f"Received: mode={mode!r}"
    )


def pad(x, pad_width, mode="constant", constant_values=None):
    x = _t(x)
    if constant_values is not None and mode != "constant":
        raise ValueError(f"`constant_values` can only be given with mode='constant'. Received: mode={mode!r}")
    if isinstance(pad_width, int):
        pad_width = [(pad_width, pad_width)]
    pad_width = [(p, p) if isinstance(p, int) else tuple(int(v) for v in p) for p in pad_width]
    if len(pad_width) == 1 and x.ndim > 1:
        pad_width = pad_width * x.ndim
    if mode == "constant":
        flat = []
        for before, after in reversed(pad_width):
            flat.extend([before, after])
        value = 0 if constant_values is None else constant_values
        if x.dtype == torch.bool:
            return F.pad(x.to(torch.uint8), flat, value=int(value)).to(torch.bool)
        return F.pad(x, flat, mode="constant", value=value)
    for axis, (before, after) in enumerate(pad_width):
        if before or after:
            x = torch.index_select(x, axis, _pad_index(x.shape[axis], before, after, mode))
    return x


def diag(x, k=0):
    return torch.diag(_t(x), k)


def diagflat(x, k=0):
    return torch.diagflat(_t(x), k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    return torch.diagonal(_t(x), offset=offset, dim1=axis1, dim2=axis2)


def diff(a, n=1, axis=-1):
    return torch.diff(_t(a), n=n, dim=axis)


def tril(x, k=0):
    return torch.tril(_t(x), k)


def triu(x, k=0):
    return torch.triu(_t(x), k)


def vander(x, N=None, increasing=False):
    x = _t(x)
    return torch.vander(x, N=N, increasing=increasing).to(x.dtype)


def copy(x):
    return _t(x).clone()


def view(x, dtype=None):
    x = _t(x)
    return x if dtype is None else x.view(to_torch_dtype(dtype))


# ------------------------------------------------------------- indexing


def _index(indices, size):
    indices = _t(indices)
    if indices.dtype != torch.int64:
        indices = indices.long()
    return torch.where(indices < 0, indices + size, indices)


def take(x, indices, axis=None):
    x = _t(x)
    if axis is None:
        return torch.take(x, _index(indices, x.numel()))
    axis = _axis(axis, x.ndim)
    indices = _index(indices, x.shape[axis])
    out = torch.index_select(x, axis, indices.reshape(-1))
    return out.reshape(x.shape[:axis] + indices.shape + x.shape[axis + 1 :])


def take_along_axis(x, indices, axis=None):
    x = _t(x)
    if axis is None:
        x = x.reshape(-1)
        return torch.take_along_dim(x, _index(indices, x.shape[0]).reshape(-1))
    return torch.take_along_dim(x, _index(indices, x.shape[axis]), dim=axis)


def get_item(x, key):
    return _t(x)[key]


def where(condition, x1=None, x2=None):
    condition = _t(condition)
    if condition.dtype != torch.bool:
        condition = condition.bool()
    if x1 is None and x2 is None:
        return nonzero(condition)
    if x1 is None or x2 is None:
        raise ValueError("where: give both `x1` and `x2`, or neither. Received: one of them is None.")
    x1, x2 = _promote(x1, x2)
    return torch.where(condition, x1, x2)


def select(condlist, choicelist, default=0):
    choicelist = _same_dtype(list(choicelist))
    out = torch.broadcast_to(convert_to_tensor(default, choicelist[0].dtype), choicelist[0].shape)
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        out = torch.where(_t(cond).bool(), choice, out)
    return out


def nonzero(x):
    return tuple(i.to(torch.int32) for i in torch.nonzero(_t(x), as_tuple=True))


def argsort(x, axis=-1):
    x = _t(x)
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    if axis is None or x.ndim == 0:
        x, axis = x.reshape(-1), 0
    return torch.argsort(x, dim=axis, stable=True).to(torch.int32)


def sort(x, axis=-1):
    x = _t(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    return torch.sort(x, dim=axis, stable=True).values


def argpartition(x, kth, axis=-1):
    # A full stable argsort is a valid partition around every kth.
    return argsort(x, axis=axis)


def searchsorted(sorted_sequence, values, side="left"):
    sorted_sequence = _t(sorted_sequence)
    if sorted_sequence.ndim != 1:
        raise ValueError(
            "searchsorted only supports a 1-D `sorted_sequence`; use `vectorized_map` for more "
            f"dimensions. Received: sorted_sequence.shape={tuple(sorted_sequence.shape)}"
        )
    values, sorted_sequence = _promote(values, sorted_sequence)
    return torch.searchsorted(sorted_sequence, values, side=side, out_int32=True)


def digitize(x, bins):
    x, bins = _promote(x, bins)
    return torch.bucketize(x, bins, right=True, out_int32=True)


def unravel_index(indices, shape):
    indices = _t(indices)
    return tuple(i.to(indices.dtype) for i in torch.unravel_index(indices.long(), tuple(shape)))


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None, size=None, fill_value=None):
    x = _t(x)
    values, inverse, counts = torch.unique(x, sorted=True, return_inverse=True, return_counts=True, dim=axis)
    dim = 0 if axis is None else axis
    n = values.shape[dim]
    outputs = [values]
    if return_index:
        flat_inverse = inverse.reshape(-1)
        first = torch.full((n,), flat_inverse.numel(), dtype=torch.int64)
        first = first.scatter_reduce(0, flat_inverse, torch.arange(flat_inverse.numel()), reduce="amin")
        outputs.append(first)
    if return_inverse:
        outputs.append(inverse)
    if return_counts:
        outputs.append(counts)
    if size is not None:
        if n < size:
            fill = values.min() if fill_value is None and n else (0 if fill_value is None else fill_value)
            pad_shape = list(values.shape)
            pad_shape[dim] = size - n
            outputs[0] = torch.cat([values, torch.full(pad_shape, fill, dtype=values.dtype)], dim=dim)
        else:
            outputs[0] = torch.narrow(values, dim, 0, size)
        for i in range(1, len(outputs)):
            if not (return_inverse and i == 1 + return_index):
                o = outputs[i]
                outputs[i] = F.pad(o, (0, size - n)) if n < size else o[:size]
    outputs = [outputs[0]] + [o.to(torch.int32) for o in outputs[1:]]
    return tuple(outputs) if len(outputs) > 1 else outputs[0]


def bincount(x, weights=None, minlength=0, sparse=False):
    if sparse:
        raise ValueError("bincount: sparse outputs are not supported by cornu. Pass sparse=False.")
    x = _t(x)
    dtype = torch.int32
    if weights is not None:
        weights = _t(weights)
        dtype = to_torch_dtype(result_type(x.dtype, weights.dtype))
    if x.ndim == 2:
        length = builtins.max(int(x.max()) + 1, minlength) if x.numel() else minlength
        rows = [torch.bincount(x[i], None if weights is None else weights[i], minlength=length) for i in range(x.shape[0])]
        return torch.stack(rows).to(dtype) if rows else torch.zeros((0, length), dtype=dtype)
    return torch.bincount(x, weights, minlength=minlength).to(dtype)


def histogram(x, bins=10, range=None):
    x = _t(x)
    compute = x if x.dtype in (torch.float32, torch.float64) else x.to(torch.float32)
    lo, hi = (compute.min().item(), compute.max().item()) if range is None else range
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    counts = torch.histc(compute, bins=bins, min=lo, max=hi)
    edges = torch.linspace(lo, hi, bins + 1, dtype=compute.dtype)
    return counts.to(x.dtype), edges.to(x.dtype)


# ------------------------------------------------------------- creation


def _shape(shape):
    return (shape,) if isinstance(shape, int) else tuple(shape)


def zeros(shape, dtype=None):
    return torch.zeros(_shape(shape), dtype=to_torch_dtype(dtype or config.floatx()), device=DEFAULT_DEVICE)


def ones(shape, dtype=None):
    return torch.ones(_shape(shape), dtype=to_torch_dtype(dtype or config.floatx()), device=DEFAULT_DEVICE)


empty = zeros


def full(shape, fill_value, dtype=None):
    fill_value = convert_to_tensor(fill_value, standardize_dtype(dtype))
    return torch.broadcast_to(fill_value, _shape(shape)).clone()


def _like_dtype(dtype):
    return to_torch_dtype(dtype) if dtype is not None else None


def zeros_like(x, dtype=None):
    return torch.zeros_like(_t(x), dtype=_like_dtype(dtype))


def ones_like(x, dtype=None):
    return torch.ones_like(_t(x), dtype=_like_dtype(dtype))


empty_like = zeros_like


def full_like(x, fill_value, dtype=None):
    x = _t(x)
    dtype = _like_dtype(dtype) or x.dtype
    if isinstance(fill_value, _SCALARS):
        return torch.full_like(x, fill_value, dtype=dtype)
    return torch.broadcast_to(convert_to_tensor(fill_value, dtype), x.shape).clone()


def array(x, dtype=None):
    return convert_to_tensor(x, dtype=dtype)


def eye(N, M=None, k=0, dtype=None):
    M = N if M is None else M
    dtype = to_torch_dtype(dtype or config.floatx())
    return torch.diagonal_scatter(torch.zeros(N, M, dtype=dtype), torch.ones(_diag_len(N, M, k), dtype=dtype), k) if k else torch.eye(N, M, dtype=dtype, device=DEFAULT_DEVICE)


def _diag_len(N, M, k):
    return builtins.max(0, builtins.min(N, M - k) if k >= 0 else builtins.min(N + k, M))


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    M = N if M is None else M
    return torch.tril(torch.ones(N, M, device=DEFAULT_DEVICE), k).to(to_torch_dtype(dtype or config.floatx()))


def arange(start, stop=None, step=None, dtype=None):
    if dtype is None:
        dtype = result_type(*[_dtype_of(v) for v in (start, stop, step) if v is not None])
    if stop is None:
        start, stop = 0, start
    return torch.arange(start, stop, 1 if step is None else step, dtype=to_torch_dtype(dtype), device=DEFAULT_DEVICE)


def _space_dtype(dtype, *values):
    if dtype is not None:
        return to_torch_dtype(dtype)
    return to_torch_dtype(result_type(*[_dtype_of(v) for v in values], float))


def _linspace64(start, stop, num, endpoint, axis):
    start = _t(start).to(torch.float64)
    stop = _t(stop).to(torch.float64)
    div = (num - 1) if endpoint else num
    steps = torch.arange(num, dtype=torch.float64, device=DEFAULT_DEVICE)
    step = (stop - start) / div if div > 0 else torch.full_like(stop - start, float("nan"))
    shape = (num,) + (1,) * torch.broadcast_shapes(start.shape, stop.shape).__len__()
    out = start + steps.reshape(shape) * step
    if endpoint and num > 1:
        out[-1] = stop
    return torch.movedim(out, 0, axis) if out.ndim > 1 else out, step


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    dtype = _space_dtype(dtype, start, stop)
    out, step = _linspace64(start, stop, num, endpoint, axis)
    if retstep:
        return out.to(dtype), step.to(dtype)
    return out.to(dtype)


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    dtype = _space_dtype(dtype, start, stop)
    exponents, _ = _linspace64(start, stop, num, endpoint, axis)
    return torch.pow(torch.tensor(float(base), dtype=torch.float64), exponents).to(dtype)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    dtype = _space_dtype(dtype, start, stop)
    start64, stop64 = _t(start).to(torch.float64), _t(stop).to(torch.float64)
    sign = torch.sign(start64)
    logs, _ = _linspace64(torch.log10(torch.abs(start64)), torch.log10(torch.abs(stop64)), num, endpoint, 0)
    out = sign * torch.pow(10.0, logs)
    if num:
        out[0] = start64
        if endpoint and num > 1:
            out[-1] = stop64
    return (torch.movedim(out, 0, axis) if out.ndim > 1 else out).to(dtype)


def meshgrid(*x, indexing="xy"):
    return list(torch.meshgrid(*[_t(v) for v in x], indexing=indexing))


def _window(fn, x, **kwargs):
    return fn(int(x), periodic=False, dtype=torch.float64, **kwargs).to(to_torch_dtype(config.floatx()))


def bartlett(x):
    return _window(torch.bartlett_window, x)


def blackman(x):
    out = _window(torch.blackman_window, x)
    return out.clamp(min=0.0) if out.numel() else out


def hamming(x):
    return _window(torch.hamming_window, x)


def hanning(x):
    return _window(torch.hann_window, x)


def kaiser(x, beta):
    return _window(torch.kaiser_window, x, beta=float(beta))


# ----------------------------------------------------------------- misc


def size(x):
    return _t(x).numel()


def ndim(x):
    return _t(x).ndim


def vectorize(pyfunc, *, excluded=None, signature=None):
    """Maps ``pyfunc`` over the broadcast loop dimensions of its tensor arguments with ``torch.vmap``."""
    excluded = excluded or set()
    core_ndims = None
    if signature is not None:
        inputs = signature.split("->")[0]
        core_ndims = [0 if part.strip() == "" else len(part.split(",")) for part in inputs.strip("()").split("),(")]

    def call(*args, **kwargs):
        positions = [i for i in range(len(args)) if i not in excluded]
        tensors = [_t(args[i]) for i in positions]
        cores = core_ndims or [0] * len(tensors)
        loop_shape = torch.broadcast_shapes(*[t.shape[: t.ndim - c] for t, c in zip(tensors, cores)])
        flat = [
            torch.broadcast_to(t, loop_shape + t.shape[t.ndim - c :]).reshape((-1,) + t.shape[t.ndim - c :])
            for t, c in zip(tensors, cores)
        ]

        def inner(*tensor_args):
            full = list(args)
            for i, v in zip(positions, tensor_args):
                full[i] = v
            return pyfunc(*full, **kwargs)

        out = torch.vmap(inner)(*flat)
        if isinstance(out, tuple):
            return tuple(o.reshape(loop_shape + o.shape[1:]) for o in out)
        return out.reshape(loop_shape + out.shape[1:])

    return call
