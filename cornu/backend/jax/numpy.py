"""JAX implementations of the NumPy-like ops.

``jax.numpy`` already promotes dtypes the way Keras does (weak Python scalars,
the JAX lattice), so most functions only convert non-JAX inputs (lists, NumPy
arrays, Variables) once and call ``jnp``. The few places where Keras departs
from ``jnp`` (integer inputs to float functions give floatx, integer counts
and indices are int32, ...) are spelled out.
"""

import builtins

import jax
import jax.numpy as jnp

from cornu.backend import config
from cornu.backend.common.dtypes import result_type, standardize_dtype
from cornu.backend.jax.core import convert_to_tensor

_SCALARS = (int, float, bool, complex)

# Raised while tracing or running (a tracer used as a Python value, out of memory):
# ops let these through unchanged instead of re-explaining them.
UNTRANSLATED_ERRORS = (jax.errors.JAXTypeError, jax.errors.JAXIndexError, jax.errors.JaxRuntimeError)


def _t(x):
    """Converts ``x`` to a JAX array (no-op for arrays)."""
    return x if isinstance(x, jax.Array) else convert_to_tensor(x)


def _ts(x):
    """Like :func:`_t` but keeps Python scalars weak, as ``jnp`` expects."""
    return x if isinstance(x, (jax.Array,) + _SCALARS) else convert_to_tensor(x)


def _dtype_of(x):
    if hasattr(x, "dtype"):
        return x.dtype
    if isinstance(x, (int, float, bool, complex)):
        return type(x)
    return convert_to_tensor(x).dtype


def _promote(x1, x2):
    dtype = result_type(_dtype_of(x1), _dtype_of(x2))
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def _float_input(x):
    x = _t(x)
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        x = x.astype(config.floatx())
    return x


def _float_pair(x1, x2):
    dtype = result_type(_dtype_of(x1), _dtype_of(x2), float)
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


# ---------------------------------------------------------------- arithmetic


def add(x1, x2):
    return jnp.add(_ts(x1), _ts(x2))


def subtract(x1, x2):
    return jnp.subtract(_ts(x1), _ts(x2))


def multiply(x1, x2):
    return jnp.multiply(_ts(x1), _ts(x2))


def divide(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    return jnp.divide(x1, x2)


def true_divide(x1, x2):
    return divide(x1, x2)


def divide_no_nan(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    zero = x2 == 0
    return jnp.where(zero, jnp.zeros((), x1.dtype), x1 / jnp.where(zero, jnp.ones((), x2.dtype), x2))


def floor_divide(x1, x2):
    return jnp.floor_divide(_ts(x1), _ts(x2))


def mod(x1, x2):
    return jnp.mod(_ts(x1), _ts(x2))


def fmod(x1, x2):
    return jnp.fmod(_ts(x1), _ts(x2))


def power(x1, x2):
    return jnp.power(_ts(x1), _ts(x2))


def maximum(x1, x2):
    return jnp.maximum(_ts(x1), _ts(x2))


def minimum(x1, x2):
    return jnp.minimum(_ts(x1), _ts(x2))


def fmax(x1, x2):
    return jnp.fmax(_ts(x1), _ts(x2))


def fmin(x1, x2):
    return jnp.fmin(_ts(x1), _ts(x2))


def negative(x):
    return jnp.negative(_t(x))


def reciprocal(x):
    return jnp.reciprocal(_float_input(x))


def absolute(x):
    return jnp.abs(_t(x))


abs = absolute


def fabs(x):
    return jnp.abs(_float_input(x))


def sign(x):
    return jnp.sign(_t(x))


def signbit(x):
    return jnp.signbit(_t(x))


def square(x):
    x = _t(x)
    if x.dtype == jnp.bool_:
        x = x.astype("int32")
    return jnp.square(x)


def heaviside(x1, x2):
    dtype = result_type(_dtype_of(x1), _dtype_of(x2))
    if dtype in ("int8", "int16", "int32", "uint8", "uint16", "uint32", "bool"):
        dtype = config.floatx()
    elif dtype == "int64":
        dtype = "float64"
    return jnp.heaviside(convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype))


def hypot(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    return jnp.hypot(x1, x2)


def gcd(x1, x2):
    return jnp.gcd(_ts(x1), _ts(x2))


def lcm(x1, x2):
    return jnp.lcm(_ts(x1), _ts(x2))


def ldexp(x1, x2):
    x2 = _t(x2)
    if not jnp.issubdtype(x2.dtype, jnp.integer):
        raise TypeError(f"ldexp: the exponent `x2` must have an integer dtype. Received: x2.dtype={x2.dtype}")
    return jnp.ldexp(_float_input(x1), x2)


def nextafter(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    return jnp.nextafter(x1, x2)


def logaddexp(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    return jnp.logaddexp(x1, x2)


def logaddexp2(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    return jnp.logaddexp2(x1, x2)


def arctan2(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    return jnp.arctan2(x1, x2)


# ------------------------------------------------------- float element-wise


def _unary_float(fn):
    def apply(x):
        return fn(_float_input(x))

    apply.__name__ = fn.__name__
    return apply


sqrt = _unary_float(jnp.sqrt)
cbrt = _unary_float(jnp.cbrt)
exp = _unary_float(jnp.exp)
exp2 = _unary_float(jnp.exp2)
expm1 = _unary_float(jnp.expm1)
log = _unary_float(jnp.log)
log2 = _unary_float(jnp.log2)
log10 = _unary_float(jnp.log10)
log1p = _unary_float(jnp.log1p)
sin = _unary_float(jnp.sin)
cos = _unary_float(jnp.cos)
tan = _unary_float(jnp.tan)
arcsin = _unary_float(jnp.arcsin)
arccos = _unary_float(jnp.arccos)
arctan = _unary_float(jnp.arctan)
sinh = _unary_float(jnp.sinh)
cosh = _unary_float(jnp.cosh)
tanh = _unary_float(jnp.tanh)
arcsinh = _unary_float(jnp.arcsinh)
arccosh = _unary_float(jnp.arccosh)
arctanh = _unary_float(jnp.arctanh)
sinc = _unary_float(jnp.sinc)
deg2rad = _unary_float(jnp.deg2rad)
rad2deg = _unary_float(jnp.rad2deg)
floor = _unary_float(jnp.floor)
ceil = _unary_float(jnp.ceil)
angle = _unary_float(jnp.angle)


def i0(x):
    return jnp.i0(_float_input(x))


def trunc(x):
    x = _t(x)
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        return x
    return jnp.trunc(x)


def round(x, decimals=0):
    x = _t(x)
    if jnp.issubdtype(x.dtype, jnp.integer) and decimals < 0:
        factor = 10.0 ** decimals
        return (jnp.round(x.astype(config.floatx()) * factor) / factor).astype(x.dtype)
    return jnp.round(x, decimals=decimals)


def clip(x, x_min, x_max):
    x = _t(x)
    if x.dtype == jnp.bool_:
        x = x.astype("int32")
    return jnp.clip(x, x_min, x_max)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    return jnp.nan_to_num(_t(x), nan=nan, posinf=posinf, neginf=neginf)


def real(x):
    return jnp.real(_t(x))


def imag(x):
    return jnp.imag(_t(x))


def conjugate(x):
    return jnp.conjugate(_t(x))


conj = conjugate


# ------------------------------------------------------------- comparisons


def equal(x1, x2):
    return jnp.equal(_ts(x1), _ts(x2))


def not_equal(x1, x2):
    return jnp.not_equal(_ts(x1), _ts(x2))


def less(x1, x2):
    return jnp.less(_ts(x1), _ts(x2))


def less_equal(x1, x2):
    return jnp.less_equal(_ts(x1), _ts(x2))


def greater(x1, x2):
    return jnp.greater(_ts(x1), _ts(x2))


def greater_equal(x1, x2):
    return jnp.greater_equal(_ts(x1), _ts(x2))


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    x1, x2 = _promote(x1, x2)
    return jnp.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    x1, x2 = _promote(x1, x2)
    return jnp.allclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


def logical_and(x1, x2):
    return jnp.logical_and(_ts(x1), _ts(x2))


def logical_or(x1, x2):
    return jnp.logical_or(_ts(x1), _ts(x2))


def logical_xor(x1, x2):
    return jnp.logical_xor(_ts(x1), _ts(x2))


def logical_not(x):
    return jnp.logical_not(_t(x))


def isnan(x):
    return jnp.isnan(_t(x))


def isfinite(x):
    return jnp.isfinite(_t(x))


def isinf(x):
    return jnp.isinf(_t(x))


def isneginf(x):
    return jnp.isneginf(_t(x))


def isposinf(x):
    return jnp.isposinf(_t(x))


def isreal(x):
    return jnp.isreal(_t(x))


def isin(x1, x2, assume_unique=False, invert=False):
    return jnp.isin(_t(x1), _t(x2), assume_unique=assume_unique, invert=invert)


# ----------------------------------------------------------------- bitwise


def bitwise_and(x, y):
    return jnp.bitwise_and(_ts(x), _ts(y))


def bitwise_or(x, y):
    return jnp.bitwise_or(_ts(x), _ts(y))


def bitwise_xor(x, y):
    return jnp.bitwise_xor(_ts(x), _ts(y))


def bitwise_invert(x):
    return jnp.invert(_t(x))


bitwise_not = bitwise_invert


def bitwise_left_shift(x, y):
    return jnp.left_shift(_ts(x), _ts(y))


def bitwise_right_shift(x, y):
    return jnp.right_shift(_ts(x), _ts(y))


left_shift = bitwise_left_shift
right_shift = bitwise_right_shift


# -------------------------------------------------------------- reductions


def _small_int_sum_dtype(dtype):
    if dtype in ("bool", "int8", "int16"):
        return "int32"
    if dtype in ("uint8", "uint16"):
        return "uint32"
    return None


def sum(x, axis=None, keepdims=False):
    x = _t(x)
    return jnp.sum(x, axis=_axis(axis), keepdims=keepdims, dtype=_small_int_sum_dtype(standardize_dtype(x.dtype)))


def prod(x, axis=None, keepdims=False, dtype=None):
    x = _t(x)
    dtype = standardize_dtype(dtype) if dtype is not None else _small_int_sum_dtype(standardize_dtype(x.dtype))
    return jnp.prod(x, axis=_axis(axis), keepdims=keepdims, dtype=dtype)


def mean(x, axis=None, keepdims=False):
    x = _t(x)
    dtype = standardize_dtype(x.dtype)
    out_dtype = result_type(dtype, float)
    if out_dtype in ("float16", "bfloat16"):
        return jnp.mean(x, axis=_axis(axis), keepdims=keepdims, dtype="float32").astype(out_dtype)
    return jnp.mean(x, axis=_axis(axis), keepdims=keepdims, dtype=out_dtype)


def var(x, axis=None, keepdims=False):
    x = _t(x)
    out_dtype = result_type(x.dtype, float)
    compute = "float32" if out_dtype in ("float16", "bfloat16") else out_dtype
    return jnp.var(x.astype(compute), axis=_axis(axis), keepdims=keepdims).astype(out_dtype)


def std(x, axis=None, keepdims=False):
    return jnp.sqrt(var(x, axis=axis, keepdims=keepdims))


def average(x, axis=None, weights=None):
    x = _t(x)
    if weights is None:
        dtype = result_type(x.dtype, float)
        return jnp.average(x.astype(dtype), axis=_axis(axis))
    weights = _t(weights)
    dtype = result_type(x.dtype, weights.dtype, float)
    return jnp.average(x.astype(dtype), axis=_axis(axis), weights=weights.astype(dtype))


def max(x, axis=None, keepdims=False, initial=None):
    return jnp.max(_t(x), axis=_axis(axis), keepdims=keepdims, initial=initial)


def min(x, axis=None, keepdims=False, initial=None):
    return jnp.min(_t(x), axis=_axis(axis), keepdims=keepdims, initial=initial)


def amax(x, axis=None, keepdims=False):
    return jnp.max(_t(x), axis=_axis(axis), keepdims=keepdims)


def amin(x, axis=None, keepdims=False):
    return jnp.min(_t(x), axis=_axis(axis), keepdims=keepdims)


def ptp(x, axis=None, keepdims=False):
    return jnp.ptp(_t(x), axis=_axis(axis), keepdims=keepdims)


def argmax(x, axis=None, keepdims=False):
    return jnp.argmax(_t(x), axis=axis, keepdims=keepdims).astype("int32")


def argmin(x, axis=None, keepdims=False):
    return jnp.argmin(_t(x), axis=axis, keepdims=keepdims).astype("int32")


def any(x, axis=None, keepdims=False):
    return jnp.any(_t(x), axis=_axis(axis), keepdims=keepdims)


def all(x, axis=None, keepdims=False):
    return jnp.all(_t(x), axis=_axis(axis), keepdims=keepdims)


def count_nonzero(x, axis=None):
    return jnp.count_nonzero(_t(x), axis=_axis(axis)).astype("int32")


def cumsum(x, axis=None, dtype=None):
    x = _t(x)
    if dtype is None and x.dtype == jnp.bool_:
        dtype = "int32"
    return jnp.cumsum(x, axis=axis, dtype=dtype)


def cumprod(x, axis=None, dtype=None):
    x = _t(x)
    if dtype is None and x.dtype == jnp.bool_:
        dtype = "int32"
    return jnp.cumprod(x, axis=axis, dtype=dtype)


def median(x, axis=None, keepdims=False):
    x = _float_input(x)
    return _keep_all_dims(jnp.median(x, axis=_axis(axis), keepdims=keepdims), x.ndim, axis, keepdims)


def _keep_all_dims(out, ndim, axis, keepdims, extra=0):
    if keepdims and axis is None:
        out = jnp.reshape(out, out.shape[:extra] + (1,) * ndim)
    return out


def quantile(x, q, axis=None, method="linear", keepdims=False):
    x = _float_input(x)
    q = _t(q)
    out = jnp.quantile(x, q.astype(x.dtype), axis=_axis(axis), method=method, keepdims=keepdims)
    return _keep_all_dims(out, x.ndim, axis, keepdims, extra=q.ndim)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    return quantile(x, divide(q, 100), axis=axis, method=method, keepdims=keepdims)


def nansum(x, axis=None, keepdims=False):
    x = _t(x)
    return jnp.nansum(x, axis=_axis(axis), keepdims=keepdims, dtype=_small_int_sum_dtype(standardize_dtype(x.dtype)))


def nanprod(x, axis=None, keepdims=False):
    x = _t(x)
    return jnp.nanprod(x, axis=_axis(axis), keepdims=keepdims, dtype=_small_int_sum_dtype(standardize_dtype(x.dtype)))


def nanmean(x, axis=None, keepdims=False):
    return jnp.nanmean(_float_input(x), axis=_axis(axis), keepdims=keepdims)


def nanvar(x, axis=None, keepdims=False):
    return jnp.nanvar(_float_input(x), axis=_axis(axis), keepdims=keepdims)


def nanstd(x, axis=None, keepdims=False):
    return jnp.nanstd(_float_input(x), axis=_axis(axis), keepdims=keepdims)


def nanmax(x, axis=None, keepdims=False):
    return jnp.nanmax(_t(x), axis=_axis(axis), keepdims=keepdims)


def nanmin(x, axis=None, keepdims=False):
    return jnp.nanmin(_t(x), axis=_axis(axis), keepdims=keepdims)


def nanargmax(x, axis=None, keepdims=False):
    return jnp.nanargmax(_t(x), axis=axis, keepdims=keepdims).astype("int32")


def nanargmin(x, axis=None, keepdims=False):
    return jnp.nanargmin(_t(x), axis=axis, keepdims=keepdims).astype("int32")


def nancumsum(x, axis=None, dtype=None):
    x = _t(x)
    if dtype is None and x.dtype == jnp.bool_:
        dtype = "int32"
    return jnp.nancumsum(x, axis=axis, dtype=dtype)


def nancumprod(x, axis=None, dtype=None):
    x = _t(x)
    if dtype is None and x.dtype == jnp.bool_:
        dtype = "int32"
    return jnp.nancumprod(x, axis=axis, dtype=dtype)


def nanmedian(x, axis=None, keepdims=False):
    x = _float_input(x)
    return _keep_all_dims(jnp.nanmedian(x, axis=_axis(axis), keepdims=keepdims), x.ndim, axis, keepdims)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    x = _float_input(x)
    q = _t(q)
    out = jnp.nanquantile(x, q.astype(x.dtype), axis=_axis(axis), method=method, keepdims=keepdims)
    return _keep_all_dims(out, x.ndim, axis, keepdims, extra=q.ndim)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    return nanquantile(x, divide(q, 100), axis=axis, method=method, keepdims=keepdims)


def trace(x, offset=0, axis1=0, axis2=1):
    x = _t(x)
    return jnp.trace(x, offset=offset, axis1=axis1, axis2=axis2, dtype=_small_int_sum_dtype(standardize_dtype(x.dtype)))


def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = _float_input(y)
    if x is not None:
        x = _t(x).astype(y.dtype)
    return jnp.trapezoid(y, x, dx=dx, axis=axis)


# ------------------------------------------------------------ linear algebra


def _int8_pair(x1, x2):
    return "int32" if x1.dtype == jnp.int8 and x2.dtype == jnp.int8 else None


def matmul(x1, x2):
    x1, x2 = _t(x1), _t(x2)
    return jnp.matmul(x1, x2, preferred_element_type=_int8_pair(x1, x2))


def dot(x1, x2):
    return jnp.dot(_t(x1), _t(x2))


def vdot(x1, x2):
    return jnp.vdot(_t(x1), _t(x2))


def inner(x1, x2):
    return jnp.inner(_t(x1), _t(x2))


def outer(x1, x2):
    return jnp.outer(_t(x1), _t(x2))


def tensordot(x1, x2, axes=2):
    return jnp.tensordot(_t(x1), _t(x2), axes=axes)


def einsum(subscripts, *operands, **kwargs):
    operands = [_t(o) for o in operands]
    if operands and builtins.all(o.dtype == jnp.int8 for o in operands):
        kwargs.setdefault("preferred_element_type", "int32")
    return jnp.einsum(subscripts, *operands, **kwargs)


def kron(x1, x2):
    return jnp.kron(_t(x1), _t(x2))


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    return jnp.cross(_t(x1), _t(x2), axisa=axisa, axisb=axisb, axisc=axisc, axis=axis)


def slogdet(x):
    return tuple(jnp.linalg.slogdet(_float_input(x)))


def correlate(x1, x2, mode="valid"):
    x1, x2 = _float_pair(x1, x2)
    return jnp.correlate(x1, x2, mode=mode)


def corrcoef(x):
    return jnp.corrcoef(_float_input(x))


# ------------------------------------------------------------ shape & layout


def reshape(x, newshape):
    return jnp.reshape(_t(x), newshape)


def transpose(x, axes=None):
    return jnp.transpose(_t(x), axes)


def swapaxes(x, axis1, axis2):
    return jnp.swapaxes(_t(x), axis1, axis2)


def moveaxis(x, source, destination):
    return jnp.moveaxis(_t(x), source, destination)


def expand_dims(x, axis):
    return jnp.expand_dims(_t(x), axis)


def squeeze(x, axis=None):
    return jnp.squeeze(_t(x), axis=_axis(axis))


def ravel(x):
    return jnp.ravel(_t(x))


def _same_dtype(xs):
    dtype = result_type(*[_dtype_of(x) for x in xs])
    return [convert_to_tensor(x, dtype) for x in xs]


def concatenate(xs, axis=0):
    return jnp.concatenate(_same_dtype(xs), axis=axis)


def append(x1, x2, axis=None):
    x1, x2 = _promote(x1, x2)
    return jnp.append(x1, x2, axis=axis)


def stack(x, axis=0):
    return jnp.stack(_same_dtype(x), axis=axis)


def hstack(xs):
    return jnp.hstack(_same_dtype(xs))


def vstack(xs):
    return jnp.vstack(_same_dtype(xs))


def dstack(xs):
    return jnp.dstack(_same_dtype(xs))


def split(x, indices_or_sections, axis=0):
    return jnp.split(_t(x), indices_or_sections, axis=axis)


def array_split(x, indices_or_sections, axis=0):
    return jnp.array_split(_t(x), indices_or_sections, axis=axis)


def hsplit(x, indices_or_sections):
    return jnp.hsplit(_t(x), indices_or_sections)


def vsplit(x, indices_or_sections):
    return jnp.vsplit(_t(x), indices_or_sections)


def dsplit(x, indices_or_sections):
    return jnp.dsplit(_t(x), indices_or_sections)


def broadcast_to(x, shape):
    return jnp.broadcast_to(_t(x), shape)


def tile(x, repeats):
    return jnp.tile(_t(x), repeats)


def repeat(x, repeats, axis=None):
    return jnp.repeat(_t(x), repeats, axis=axis)


def flip(x, axis=None):
    return jnp.flip(_t(x), axis=_axis(axis))


def fliplr(x):
    return jnp.fliplr(_t(x))


def flipud(x):
    return jnp.flipud(_t(x))


def roll(x, shift, axis=None):
    return jnp.roll(_t(x), shift, axis=_axis(axis))


def rot90(array, k=1, axes=(0, 1)):
    array = _t(array)
    if array.ndim < 2:
        raise ValueError(f"rot90 needs an array with at least 2 dimensions. Received: array.ndim={array.ndim}")
    return jnp.rot90(array, k=k, axes=tuple(axes))


def pad(x, pad_width, mode="constant", constant_values=None):
    kwargs = {}
    if constant_values is not None:
        if mode != "constant":
            raise ValueError(f"`constant_values` can only be given with mode='constant'. Received: mode={mode!r}")
        kwargs["constant_values"] = constant_values
    return jnp.pad(_t(x), pad_width, mode=mode, **kwargs)


def diag(x, k=0):
    return jnp.diag(_t(x), k=k)


def diagflat(x, k=0):
    return jnp.diagflat(_t(x), k=k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    return jnp.diagonal(_t(x), offset=offset, axis1=axis1, axis2=axis2)


def diff(a, n=1, axis=-1):
    return jnp.diff(_t(a), n=n, axis=axis)


def tril(x, k=0):
    return jnp.tril(_t(x), k=k)


def triu(x, k=0):
    return jnp.triu(_t(x), k=k)


def vander(x, N=None, increasing=False):
    return jnp.vander(_t(x), N=N, increasing=increasing)


def copy(x):
    return jnp.array(_t(x), copy=True)


def view(x, dtype=None):
    x = _t(x)
    return x if dtype is None else x.view(standardize_dtype(dtype))


# ------------------------------------------------------------- indexing


def take(x, indices, axis=None):
    return jnp.take(_t(x), _t(indices), axis=axis)


def take_along_axis(x, indices, axis=None):
    return jnp.take_along_axis(_t(x), _t(indices), axis=axis)


def get_item(x, key):
    return _t(x)[key]


def where(condition, x1=None, x2=None):
    condition = _t(condition)
    if x1 is None and x2 is None:
        return nonzero(condition)
    if x1 is None or x2 is None:
        raise ValueError("where: give both `x1` and `x2`, or neither. Received: one of them is None.")
    return jnp.where(condition, _ts(x1), _ts(x2))


def select(condlist, choicelist, default=0):
    condlist = [_t(c) for c in condlist]
    choicelist = _same_dtype(list(choicelist))
    return jnp.select(condlist, choicelist, default=default)


def nonzero(x):
    return tuple(i.astype("int32") for i in jnp.nonzero(_t(x)))


def argsort(x, axis=-1):
    x = _t(x)
    if x.ndim == 0:
        axis = None
    return jnp.argsort(x, axis=axis).astype("int32")


def sort(x, axis=-1):
    return jnp.sort(_t(x), axis=axis)


def argpartition(x, kth, axis=-1):
    x = _t(x)
    if axis is None:
        x, axis = jnp.ravel(x), 0
    return jnp.argpartition(x, kth, axis=axis).astype("int32")


def searchsorted(sorted_sequence, values, side="left"):
    sorted_sequence = _t(sorted_sequence)
    if sorted_sequence.ndim != 1:
        raise ValueError(
            "searchsorted only supports a 1-D `sorted_sequence`; use `vectorized_map` for more "
            f"dimensions. Received: sorted_sequence.shape={sorted_sequence.shape}"
        )
    return jnp.searchsorted(sorted_sequence, _t(values), side=side).astype("int32")


def digitize(x, bins):
    return jnp.digitize(_t(x), _t(bins)).astype("int32")


def unravel_index(indices, shape):
    return tuple(i.astype("int32") if i.dtype == jnp.int64 else i for i in jnp.unravel_index(_t(indices), shape))


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None, size=None, fill_value=None):
    out = jnp.unique(
        _t(x), return_index=return_index, return_inverse=return_inverse, return_counts=return_counts,
        axis=axis, size=size, fill_value=fill_value,
    )
    if isinstance(out, tuple):
        return (out[0],) + tuple(o.astype("int32") for o in out[1:])
    return out


def bincount(x, weights=None, minlength=0, sparse=False):
    if sparse:
        raise ValueError("bincount: sparse outputs are not supported by cornu. Pass sparse=False.")
    x = _t(x)
    if weights is not None:
        weights = _t(weights)
    if x.ndim == 2:
        length = builtins.max(int(jnp.max(x)) + 1, minlength) if x.size else minlength
        rows = [jnp.bincount(x[i], None if weights is None else weights[i], length=length) for i in range(x.shape[0])]
        return jnp.stack(rows)
    out = jnp.bincount(x, weights, minlength=minlength)
    return out.astype("int32") if weights is None else out


def histogram(x, bins=10, range=None):
    x = _t(x)
    hist, edges = jnp.histogram(x, bins=bins, range=range)
    return hist.astype(x.dtype), edges.astype(x.dtype)


# ------------------------------------------------------------- creation


def zeros(shape, dtype=None):
    return jnp.zeros(shape, dtype=standardize_dtype(dtype))


def ones(shape, dtype=None):
    return jnp.ones(shape, dtype=standardize_dtype(dtype))


def empty(shape, dtype=None):
    return jnp.empty(shape, dtype=standardize_dtype(dtype))


def full(shape, fill_value, dtype=None):
    return jnp.full(shape, _ts(fill_value), dtype=standardize_dtype(dtype))


def _like_dtype(dtype):
    return None if dtype is None else standardize_dtype(dtype)


def zeros_like(x, dtype=None):
    return jnp.zeros_like(_t(x), dtype=_like_dtype(dtype))


def ones_like(x, dtype=None):
    return jnp.ones_like(_t(x), dtype=_like_dtype(dtype))


def empty_like(x, dtype=None):
    return jnp.empty_like(_t(x), dtype=_like_dtype(dtype))


def full_like(x, fill_value, dtype=None):
    return jnp.full_like(_t(x), _ts(fill_value), dtype=_like_dtype(dtype))


def array(x, dtype=None):
    return convert_to_tensor(x, dtype=dtype)


def eye(N, M=None, k=0, dtype=None):
    return jnp.eye(N, M, k=k, dtype=standardize_dtype(dtype))


def identity(n, dtype=None):
    return jnp.identity(n, dtype=standardize_dtype(dtype))


def tri(N, M=None, k=0, dtype=None):
    return jnp.tri(N, M, k=k, dtype=standardize_dtype(dtype))


def arange(start, stop=None, step=None, dtype=None):
    if dtype is None:
        dtype = result_type(*[_dtype_of(v) for v in (start, stop, step) if v is not None])
    return jnp.arange(start, stop, step, dtype=standardize_dtype(dtype))


def _space_dtype(dtype, *values):
    if dtype is not None:
        return standardize_dtype(dtype)
    return result_type(*[_dtype_of(v) for v in values], float)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    dtype = _space_dtype(dtype, start, stop)
    return jnp.linspace(_ts(start), _ts(stop), num=num, endpoint=endpoint, retstep=retstep, dtype=dtype, axis=axis)


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    dtype = _space_dtype(dtype, start, stop)
    return jnp.logspace(_ts(start), _ts(stop), num=num, endpoint=endpoint, base=base, dtype=dtype, axis=axis)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    dtype = _space_dtype(dtype, start, stop)
    return jnp.geomspace(_ts(start), _ts(stop), num=num, endpoint=endpoint, dtype=dtype, axis=axis)


def meshgrid(*x, indexing="xy"):
    return jnp.meshgrid(*[_t(v) for v in x], indexing=indexing)


def _window(fn, x, *args):
    return fn(int(x), *args).astype(config.floatx())


def bartlett(x):
    return _window(jnp.bartlett, x)


def blackman(x):
    return _window(jnp.blackman, x)


def hamming(x):
    return _window(jnp.hamming, x)


def hanning(x):
    return _window(jnp.hanning, x)


def kaiser(x, beta):
    return _window(jnp.kaiser, x, beta)


# ----------------------------------------------------------------- misc


def size(x):
    return jnp.size(_t(x))


def ndim(x):
    return jnp.ndim(_t(x))


def vectorize(pyfunc, *, excluded=None, signature=None):
    return jnp.vectorize(pyfunc, excluded=excluded or set(), signature=signature)

