"""NumPy implementations of the NumPy-like ops.

NumPy's own promotion differs from Keras's (``int32 + float16`` is float64
there, float16 in Keras), so binary ops first bring both inputs to
``result_type``; results are always ndarrays (never NumPy scalars), so a
float64 result keeps its dtype when it is converted again.
"""

import builtins

import numpy as np

from cornu.backend import config
from cornu.backend.common.dtypes import result_type, standardize_dtype
from cornu.backend.numpy.core import convert_to_tensor, to_numpy_dtype

_r = np.asarray
_FLOAT_KINDS = "fc"

# Errors that ops let through unchanged instead of re-explaining them (none on NumPy).
UNTRANSLATED_ERRORS = ()


def _t(x):
    return x if type(x) is np.ndarray else convert_to_tensor(x)


def _dtype_of(x):
    if hasattr(x, "dtype"):
        return x.dtype
    if isinstance(x, (int, float, bool, complex)):
        return type(x)
    return convert_to_tensor(x).dtype


def _promote(x1, x2):
    if type(x1) is np.ndarray and type(x2) is np.ndarray and x1.dtype == x2.dtype:
        return x1, x2
    dtype = result_type(_dtype_of(x1), _dtype_of(x2))
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def _is_float(x):
    return x.dtype.kind in _FLOAT_KINDS or x.dtype.name == "bfloat16"


def _float_input(x):
    x = _t(x)
    if not _is_float(x):
        x = x.astype(to_numpy_dtype(config.floatx()))
    return x


def _float_pair(x1, x2):
    dtype = result_type(_dtype_of(x1), _dtype_of(x2), float)
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _binary(fn):
    def apply(x1, x2):
        x1, x2 = _promote(x1, x2)
        return _r(fn(x1, x2))

    apply.__name__ = fn.__name__
    return apply


def _unary_float(fn):
    def apply(x):
        x = _float_input(x)
        return _r(fn(x), dtype=x.dtype)

    apply.__name__ = fn.__name__
    return apply


def _binary_float(fn):
    def apply(x1, x2):
        x1, x2 = _float_pair(x1, x2)
        return _r(fn(x1, x2), dtype=x1.dtype)

    apply.__name__ = fn.__name__
    return apply


# ---------------------------------------------------------------- arithmetic

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
logaddexp = _binary_float(np.logaddexp)
logaddexp2 = _binary_float(np.logaddexp2)
arctan2 = _binary_float(np.arctan2)


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
    dtype = result_type(_dtype_of(x1), _dtype_of(x2))
    if dtype in ("int8", "int16", "int32", "uint8", "uint16", "uint32", "bool"):
        dtype = config.floatx()
    elif dtype == "int64":
        dtype = "float64"
    return _r(np.heaviside(convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)))


def ldexp(x1, x2):
    x2 = _t(x2)
    if x2.dtype.kind not in "iu":
        raise TypeError(f"ldexp: the exponent `x2` must have an integer dtype. Received: x2.dtype={x2.dtype}")
    x1 = _float_input(x1)
    return _r(np.ldexp(x1, x2), dtype=x1.dtype)


# ------------------------------------------------------- float element-wise

sqrt = _unary_float(np.sqrt)
cbrt = _unary_float(np.cbrt)
exp = _unary_float(np.exp)
exp2 = _unary_float(np.exp2)
expm1 = _unary_float(np.expm1)
log = _unary_float(np.log)
log2 = _unary_float(np.log2)
log10 = _unary_float(np.log10)
log1p = _unary_float(np.log1p)
sin = _unary_float(np.sin)
cos = _unary_float(np.cos)
tan = _unary_float(np.tan)
arcsin = _unary_float(np.arcsin)
arccos = _unary_float(np.arccos)
arctan = _unary_float(np.arctan)
sinh = _unary_float(np.sinh)
cosh = _unary_float(np.cosh)
tanh = _unary_float(np.tanh)
arcsinh = _unary_float(np.arcsinh)
arccosh = _unary_float(np.arccosh)
arctanh = _unary_float(np.arctanh)
sinc = _unary_float(np.sinc)
deg2rad = _unary_float(np.deg2rad)
rad2deg = _unary_float(np.rad2deg)
floor = _unary_float(np.floor)
ceil = _unary_float(np.ceil)
i0 = _unary_float(np.i0)


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


# ------------------------------------------------------------- comparisons

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


# ----------------------------------------------------------------- bitwise

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


# -------------------------------------------------------------- reductions


def _small_int_sum_dtype(dtype):
    if dtype in ("bool", "int8", "int16"):
        return np.int32
    if dtype in ("uint8", "uint16"):
        return np.uint32
    return dtype


def sum(x, axis=None, keepdims=False):
    x = _t(x)
    return _r(np.sum(x, axis=_axis(axis), keepdims=keepdims, dtype=_small_int_sum_dtype(x.dtype.name)))


def prod(x, axis=None, keepdims=False, dtype=None):
    x = _t(x)
    dtype = to_numpy_dtype(dtype) if dtype is not None else _small_int_sum_dtype(x.dtype.name)
    return _r(np.prod(x, axis=_axis(axis), keepdims=keepdims, dtype=dtype))


def _mean_dtypes(x):
    out = result_type(x.dtype, float)
    compute = "float32" if out in ("float16", "bfloat16") else out
    return to_numpy_dtype(compute), to_numpy_dtype(out)


def mean(x, axis=None, keepdims=False):
    x = _t(x)
    compute, out = _mean_dtypes(x)
    return _r(np.mean(x, axis=_axis(axis), keepdims=keepdims, dtype=compute), dtype=out)


def var(x, axis=None, keepdims=False):
    x = _t(x)
    compute, out = _mean_dtypes(x)
    return _r(np.var(x.astype(compute), axis=_axis(axis), keepdims=keepdims), dtype=out)


def std(x, axis=None, keepdims=False):
    x = _t(x)
    compute, out = _mean_dtypes(x)
    return _r(np.std(x.astype(compute), axis=_axis(axis), keepdims=keepdims), dtype=out)


def average(x, axis=None, weights=None):
    x = _t(x)
    if weights is None:
        return mean(x, axis=axis)
    weights = _t(weights)
    dtype = to_numpy_dtype(result_type(x.dtype, weights.dtype, float))
    x, weights = x.astype(dtype), weights.astype(dtype)
    if weights.ndim == 1 and x.ndim > 1 and isinstance(axis, int):
        shape = [1] * x.ndim
        shape[axis] = -1
        weights = weights.reshape(shape)
    weights = np.broadcast_to(weights, x.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _r(np.sum(x * weights, axis=_axis(axis)) / np.sum(weights, axis=_axis(axis)), dtype=dtype)


def max(x, axis=None, keepdims=False, initial=None):
    kwargs = {} if initial is None else {"initial": initial}
    return _r(np.max(_t(x), axis=_axis(axis), keepdims=keepdims, **kwargs))


def min(x, axis=None, keepdims=False, initial=None):
    kwargs = {} if initial is None else {"initial": initial}
    return _r(np.min(_t(x), axis=_axis(axis), keepdims=keepdims, **kwargs))


def amax(x, axis=None, keepdims=False):
    return max(x, axis=axis, keepdims=keepdims)


def amin(x, axis=None, keepdims=False):
    return min(x, axis=axis, keepdims=keepdims)


def ptp(x, axis=None, keepdims=False):
    x = _t(x)
    return _r(np.ptp(x, axis=_axis(axis), keepdims=keepdims), dtype=x.dtype)


def argmax(x, axis=None, keepdims=False):
    return _r(np.argmax(_t(x), axis=axis, keepdims=keepdims), dtype=np.int32)


def argmin(x, axis=None, keepdims=False):
    return _r(np.argmin(_t(x), axis=axis, keepdims=keepdims), dtype=np.int32)


def any(x, axis=None, keepdims=False):
    return _r(np.any(_t(x), axis=_axis(axis), keepdims=keepdims))


def all(x, axis=None, keepdims=False):
    return _r(np.all(_t(x), axis=_axis(axis), keepdims=keepdims))


def count_nonzero(x, axis=None):
    return _r(np.count_nonzero(_t(x), axis=_axis(axis)), dtype=np.int32)


def _cum_dtype(x, dtype):
    if dtype is not None:
        return to_numpy_dtype(dtype)
    return np.int32 if x.dtype == np.bool_ else x.dtype


def cumsum(x, axis=None, dtype=None):
    x = _t(x)
    return _r(np.cumsum(x, axis=axis, dtype=_cum_dtype(x, dtype)))


def cumprod(x, axis=None, dtype=None):
    x = _t(x)
    return _r(np.cumprod(x, axis=axis, dtype=_cum_dtype(x, dtype)))


def nancumsum(x, axis=None, dtype=None):
    x = _t(x)
    return _r(np.nancumsum(x, axis=axis, dtype=_cum_dtype(x, dtype)))


def nancumprod(x, axis=None, dtype=None):
    x = _t(x)
    return _r(np.nancumprod(x, axis=axis, dtype=_cum_dtype(x, dtype)))


def median(x, axis=None, keepdims=False):
    x = _float_input(x)
    return _r(np.median(x, axis=_axis(axis), keepdims=keepdims), dtype=x.dtype)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    x = _float_input(x)
    return _r(np.quantile(x, _t(q), axis=_axis(axis), method=method, keepdims=keepdims), dtype=x.dtype)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    x = _float_input(x)
    return _r(np.percentile(x, _t(q), axis=_axis(axis), method=method, keepdims=keepdims), dtype=x.dtype)


def nansum(x, axis=None, keepdims=False):
    x = _t(x)
    return _r(np.nansum(x, axis=_axis(axis), keepdims=keepdims, dtype=_small_int_sum_dtype(x.dtype.name)))


def nanprod(x, axis=None, keepdims=False):
    x = _t(x)
    return _r(np.nanprod(x, axis=_axis(axis), keepdims=keepdims, dtype=_small_int_sum_dtype(x.dtype.name)))


def _nan_float_reduce(fn, x, axis, keepdims):
    x = _float_input(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return _r(fn(x, axis=_axis(axis), keepdims=keepdims), dtype=x.dtype)


def nanmean(x, axis=None, keepdims=False):
    return _nan_float_reduce(np.nanmean, x, axis, keepdims)


def nanvar(x, axis=None, keepdims=False):
    return _nan_float_reduce(np.nanvar, x, axis, keepdims)


def nanstd(x, axis=None, keepdims=False):
    return _nan_float_reduce(np.nanstd, x, axis, keepdims)


def nanmedian(x, axis=None, keepdims=False):
    return _nan_float_reduce(np.nanmedian, x, axis, keepdims)


def nanmax(x, axis=None, keepdims=False):
    x = _t(x)
    if not _is_float(x):
        return max(x, axis=axis, keepdims=keepdims)
    return _nan_float_reduce(np.nanmax, x, axis, keepdims)


def nanmin(x, axis=None, keepdims=False):
    x = _t(x)
    if not _is_float(x):
        return min(x, axis=axis, keepdims=keepdims)
    return _nan_float_reduce(np.nanmin, x, axis, keepdims)


def _nanarg(fill, fn, x, axis, keepdims):
    x = _t(x)
    if _is_float(x):
        x = np.where(np.isnan(x), fill, x)
    return _r(fn(x, axis=axis, keepdims=keepdims), dtype=np.int32)


def nanargmax(x, axis=None, keepdims=False):
    return _nanarg(-np.inf, np.argmax, x, axis, keepdims)


def nanargmin(x, axis=None, keepdims=False):
    return _nanarg(np.inf, np.argmin, x, axis, keepdims)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    x = _float_input(x)
    return _r(np.nanquantile(x, _t(q), axis=_axis(axis), method=method, keepdims=keepdims), dtype=x.dtype)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    x = _float_input(x)
    return _r(np.nanpercentile(x, _t(q), axis=_axis(axis), method=method, keepdims=keepdims), dtype=x.dtype)


def trace(x, offset=0, axis1=0, axis2=1):
    x = _t(x)
    return _r(np.trace(x, offset=offset, axis1=axis1, axis2=axis2, dtype=_small_int_sum_dtype(x.dtype.name)))


def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = _float_input(y)
    if x is not None:
        x = _t(x).astype(y.dtype)
    return _r(np.trapezoid(y, x, dx=dx, axis=axis), dtype=y.dtype)


# ------------------------------------------------------------ linear algebra


def _int8_to_int32(x1, x2):
    if x1.dtype == np.int8 and x2.dtype == np.int8:
        return x1.astype(np.int32), x2.astype(np.int32)
    return x1, x2


def matmul(x1, x2):
    x1, x2 = _int8_to_int32(*_promote(x1, x2))
    return _r(np.matmul(x1, x2), dtype=x1.dtype)


def dot(x1, x2):
    x1, x2 = _promote(x1, x2)
    return _r(np.dot(x1, x2))


def vdot(x1, x2):
    x1, x2 = _promote(x1, x2)
    return _r(np.vdot(x1, x2))


def inner(x1, x2):
    x1, x2 = _promote(x1, x2)
    return _r(np.inner(x1, x2))


def outer(x1, x2):
    x1, x2 = _promote(x1, x2)
    return _r(np.outer(x1, x2))


def tensordot(x1, x2, axes=2):
    x1, x2 = _promote(x1, x2)
    return _r(np.tensordot(x1, x2, axes=axes))


def einsum(subscripts, *operands, **kwargs):
    operands = _same_dtype(operands)
    if operands and operands[0].dtype == np.int8:
        operands = [o.astype(np.int32) for o in operands]
    dtype = operands[0].dtype if operands else None
    if dtype is not None and dtype.name == "bfloat16":
        operands = [o.astype(np.float32) for o in operands]
    return _r(np.einsum(subscripts, *operands, **kwargs), dtype=dtype)


def kron(x1, x2):
    x1, x2 = _promote(x1, x2)
    return _r(np.kron(x1, x2))


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    x1, x2 = _promote(x1, x2)
    return _r(np.cross(x1, x2, axisa=axisa, axisb=axisb, axisc=axisc, axis=axis))


def slogdet(x):
    x = _float_input(x)
    sign, logdet = np.linalg.slogdet(x)
    return _r(sign, dtype=x.dtype), _r(logdet, dtype=x.dtype)


def correlate(x1, x2, mode="valid"):
    x1, x2 = _float_pair(x1, x2)
    return _r(np.correlate(x1, x2, mode=mode), dtype=x1.dtype)


def corrcoef(x):
    x = _float_input(x)
    return _r(np.corrcoef(x), dtype=x.dtype)


# ------------------------------------------------------------ shape & layout


def reshape(x, newshape):
    return np.reshape(_t(x), newshape)


def transpose(x, axes=None):
    return np.transpose(_t(x), axes)


def swapaxes(x, axis1, axis2):
    return np.swapaxes(_t(x), axis1, axis2)


def moveaxis(x, source, destination):
    return np.moveaxis(_t(x), source, destination)


def expand_dims(x, axis):
    return np.expand_dims(_t(x), _axis(axis))


def squeeze(x, axis=None):
    return np.squeeze(_t(x), axis=_axis(axis))


def ravel(x):
    return np.ravel(_t(x))


def _same_dtype(xs):
    dtype = result_type(*[_dtype_of(x) for x in xs])
    return [convert_to_tensor(x, dtype) for x in xs]


def concatenate(xs, axis=0):
    return np.concatenate(_same_dtype(xs), axis=axis)


def append(x1, x2, axis=None):
    x1, x2 = _promote(x1, x2)
    return np.append(x1, x2, axis=axis)


def stack(x, axis=0):
    return np.stack(_same_dtype(x), axis=axis)


def hstack(xs):
    return np.hstack(_same_dtype(xs))


def vstack(xs):
    return np.vstack(_same_dtype(xs))


def dstack(xs):
    return np.dstack(_same_dtype(xs))


def split(x, indices_or_sections, axis=0):
    return np.split(_t(x), indices_or_sections, axis=axis)


def array_split(x, indices_or_sections, axis=0):
    return np.array_split(_t(x), indices_or_sections, axis=axis)


def hsplit(x, indices_or_sections):
    return np.hsplit(_t(x), indices_or_sections)


def vsplit(x, indices_or_sections):
    return np.vsplit(_t(x), indices_or_sections)


def dsplit(x, indices_or_sections):
    return np.dsplit(_t(x), indices_or_sections)


def broadcast_to(x, shape):
    return np.broadcast_to(_t(x), shape)


def tile(x, repeats):
    return np.tile(_t(x), repeats)


def repeat(x, repeats, axis=None):
    return np.repeat(_t(x), _t(repeats) if not isinstance(repeats, int) else repeats, axis=axis)


def flip(x, axis=None):
    return np.flip(_t(x), axis=_axis(axis))


def fliplr(x):
    return np.fliplr(_t(x))


def flipud(x):
    return np.flipud(_t(x))


def roll(x, shift, axis=None):
    return np.roll(_t(x), shift, axis=_axis(axis))


def rot90(array, k=1, axes=(0, 1)):
    array = _t(array)
    if array.ndim < 2:
        raise ValueError(f"rot90 needs an array with at least 2 dimensions. Received: array.ndim={array.ndim}")
    return np.rot90(array, k=k, axes=tuple(axes))


def pad(x, pad_width, mode="constant", constant_values=None):
    kwargs = {}
    if constant_values is not None:
        if mode != "constant":
            raise ValueError(f"`constant_values` can only be given with mode='constant'. Received: mode={mode!r}")
        kwargs["constant_values"] = constant_values
    return np.pad(_t(x), pad_width, mode=mode, **kwargs)


def diag(x, k=0):
    return np.diag(_t(x), k=k)


def diagflat(x, k=0):
    return np.diagflat(_t(x), k=k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    return np.diagonal(_t(x), offset=offset, axis1=axis1, axis2=axis2)


def diff(a, n=1, axis=-1):
    return np.diff(_t(a), n=n, axis=axis)


def tril(x, k=0):
    return np.tril(_t(x), k=k)


def triu(x, k=0):
    return np.triu(_t(x), k=k)


def vander(x, N=None, increasing=False):
    x = _t(x)
    return _r(np.vander(x, N=N, increasing=increasing), dtype=x.dtype)


def copy(x):
    return np.array(_t(x), copy=True)


def view(x, dtype=None):
    x = _t(x)
    return x if dtype is None else x.view(to_numpy_dtype(dtype))


# ------------------------------------------------------------- indexing


def _indices(indices):
    return _t(indices)


def take(x, indices, axis=None):
    x = _t(x)
    indices = _indices(indices)
    size = x.size if axis is None else x.shape[axis]
    # JAX clips out-of-range indices and wraps negative ones; NumPy would raise.
    indices = np.where(indices < 0, indices + size, indices)
    return np.take(x, np.clip(indices, 0, builtins.max(size - 1, 0)), axis=axis)


def take_along_axis(x, indices, axis=None):
    x = _t(x)
    indices = _indices(indices)
    if axis is None:
        x, axis = x.ravel(), 0
    indices = np.where(indices < 0, indices + x.shape[axis], indices)
    return np.take_along_axis(x, indices, axis=axis)


def get_item(x, key):
    return _r(_t(x)[key])


def where(condition, x1=None, x2=None):
    condition = _t(condition)
    if x1 is None and x2 is None:
        return nonzero(condition)
    if x1 is None or x2 is None:
        raise ValueError("where: give both `x1` and `x2`, or neither. Received: one of them is None.")
    x1, x2 = _promote(x1, x2)
    return np.where(condition, x1, x2)


def select(condlist, choicelist, default=0):
    condlist = [_t(c) for c in condlist]
    choicelist = _same_dtype(list(choicelist))
    return _r(np.select(condlist, choicelist, default=default), dtype=choicelist[0].dtype)


def nonzero(x):
    return tuple(i.astype(np.int32) for i in np.nonzero(_t(x)))


def argsort(x, axis=-1):
    x = _t(x)
    if x.ndim == 0:
        axis = None
    return np.argsort(x, axis=axis, kind="stable").astype(np.int32)


def sort(x, axis=-1):
    return np.sort(_t(x), axis=axis)


def argpartition(x, kth, axis=-1):
    x = _t(x)
    if axis is None:
        x, axis = x.ravel(), 0
    return np.argpartition(x, kth, axis=axis).astype(np.int32)


def searchsorted(sorted_sequence, values, side="left"):
    sorted_sequence = _t(sorted_sequence)
    if sorted_sequence.ndim != 1:
        raise ValueError(
            "searchsorted only supports a 1-D `sorted_sequence`; use `vectorized_map` for more "
            f"dimensions. Received: sorted_sequence.shape={sorted_sequence.shape}"
        )
    return _r(np.searchsorted(sorted_sequence, _t(values), side=side), dtype=np.int32)


def digitize(x, bins):
    return _r(np.digitize(_t(x), _t(bins)), dtype=np.int32)


def unravel_index(indices, shape):
    indices = _t(indices)
    return tuple(i.astype(indices.dtype) for i in np.unravel_index(indices, shape))


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None, size=None, fill_value=None):
    x = _t(x)
    out = np.unique(x, return_index=return_index, return_inverse=return_inverse, return_counts=return_counts, axis=axis)
    out = list(out) if isinstance(out, tuple) else [out]
    if return_inverse and axis is None:
        out[1 + return_index] = out[1 + return_index].reshape(x.shape)
    if size is not None:
        values = out[0]
        n = values.shape[0 if axis is None else axis]
        if n < size:
            fill = values.min() if fill_value is None and n else (fill_value or 0)
            pad_width = [(0, 0)] * values.ndim
            pad_width[0 if axis is None else axis] = (0, size - n)
            out[0] = np.pad(values, pad_width, constant_values=fill)
        else:
            out[0] = np.take(values, np.arange(size), axis=0 if axis is None else axis)
        for i in range(1, len(out)):
            if out[i].shape[0] == n and not (return_inverse and i == 1 + return_index):
                out[i] = np.pad(out[i], (0, builtins.max(size - n, 0)))[:size]
    out = [out[0]] + [o.astype(np.int32) for o in out[1:]]
    return tuple(out) if len(out) > 1 else out[0]


def bincount(x, weights=None, minlength=0, sparse=False):
    if sparse:
        raise ValueError("bincount: sparse outputs are not supported by cornu. Pass sparse=False.")
    x = _t(x)
    dtype = np.int32 if weights is None else _t(weights).dtype
    if weights is not None:
        weights = _t(weights)
        dtype = to_numpy_dtype(result_type(x.dtype, weights.dtype))
    if x.ndim == 2:
        length = builtins.max(int(x.max()) + 1, minlength) if x.size else minlength
        rows = [np.bincount(x[i], None if weights is None else weights[i], minlength=length) for i in range(x.shape[0])]
        return np.stack(rows).astype(dtype) if rows else np.zeros((0, length), dtype)
    return np.bincount(x, weights, minlength=minlength).astype(dtype)


def histogram(x, bins=10, range=None):
    x = _t(x)
    hist, edges = np.histogram(x, bins=bins, range=range)
    return hist.astype(x.dtype), edges.astype(x.dtype)


# ------------------------------------------------------------- creation


def zeros(shape, dtype=None):
    return np.zeros(shape, dtype=to_numpy_dtype(dtype))


def ones(shape, dtype=None):
    return np.ones(shape, dtype=to_numpy_dtype(dtype))


def empty(shape, dtype=None):
    return np.zeros(shape, dtype=to_numpy_dtype(dtype))


def full(shape, fill_value, dtype=None):
    dtype = standardize_dtype(dtype)
    return np.full(shape, convert_to_tensor(fill_value, dtype), dtype=to_numpy_dtype(dtype))


def _like(fn, x, dtype, *args):
    x = _t(x)
    return fn(x, *args, dtype=x.dtype if dtype is None else to_numpy_dtype(dtype))


def zeros_like(x, dtype=None):
    return _like(np.zeros_like, x, dtype)


def ones_like(x, dtype=None):
    return _like(np.ones_like, x, dtype)


def empty_like(x, dtype=None):
    return _like(np.zeros_like, x, dtype)


def full_like(x, fill_value, dtype=None):
    return _like(np.full_like, x, dtype, fill_value)


def array(x, dtype=None):
    return convert_to_tensor(x, dtype=dtype)


def eye(N, M=None, k=0, dtype=None):
    return np.eye(N, M, k=k, dtype=to_numpy_dtype(dtype))


def identity(n, dtype=None):
    return np.identity(n, dtype=to_numpy_dtype(dtype))


def tri(N, M=None, k=0, dtype=None):
    return np.tri(N, M, k=k, dtype=to_numpy_dtype(dtype))


def arange(start, stop=None, step=None, dtype=None):
    if dtype is None:
        dtype = result_type(*[_dtype_of(v) for v in (start, stop, step) if v is not None])
    if stop is None:
        start, stop = 0, start
    return np.arange(start, stop, 1 if step is None else step, dtype=to_numpy_dtype(dtype))


def _space_dtype(dtype, *values):
    if dtype is not None:
        return to_numpy_dtype(dtype)
    return to_numpy_dtype(result_type(*[_dtype_of(v) for v in values], float))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    dtype = _space_dtype(dtype, start, stop)
    out = np.linspace(_t(start), _t(stop), num=num, endpoint=endpoint, retstep=retstep, axis=axis)
    if retstep:
        return out[0].astype(dtype), _r(out[1], dtype=dtype)
    return out.astype(dtype)


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    dtype = _space_dtype(dtype, start, stop)
    return np.logspace(_t(start), _t(stop), num=num, endpoint=endpoint, base=base, axis=axis).astype(dtype)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    dtype = _space_dtype(dtype, start, stop)
    return np.geomspace(_t(start), _t(stop), num=num, endpoint=endpoint, axis=axis).astype(dtype)


def meshgrid(*x, indexing="xy"):
    return np.meshgrid(*[_t(v) for v in x], indexing=indexing)


def _window(fn, x, *args):
    return fn(int(x), *args).astype(to_numpy_dtype(config.floatx()))


def bartlett(x):
    return _window(np.bartlett, x)


def blackman(x):
    return _window(np.blackman, x)


def hamming(x):
    return _window(np.hamming, x)


def hanning(x):
    return _window(np.hanning, x)


def kaiser(x, beta):
    return _window(np.kaiser, x, beta)


# ----------------------------------------------------------------- misc


def size(x):
    return np.size(_t(x))


def ndim(x):
    return np.ndim(_t(x))


def vectorize(pyfunc, *, excluded=None, signature=None):
    vectorized = np.vectorize(pyfunc, excluded=excluded or set(), signature=signature)

    def call(*args, **kwargs):
        return _r(vectorized(*args, **kwargs))

    return call
