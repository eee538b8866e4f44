"""JAX implementations of the NumPy-like ops."""

import jax
import jax.numpy as jnp

from cornu.backend import config
from cornu.backend.common.dtypes import result_type, standardize_dtype
from cornu.backend.jax.core import convert_to_tensor


def _dtype_of(x):
    return x.dtype if hasattr(x, "dtype") else type(x)


def _promote(x1, x2):
    dtype = result_type(_dtype_of(x1), _dtype_of(x2))
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def _float_input(x):
    x = convert_to_tensor(x)
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        x = x.astype(config.floatx())
    return x


def add(x1, x2):
    x1, x2 = _promote(x1, x2)
    return jnp.add(x1, x2)


def subtract(x1, x2):
    x1, x2 = _promote(x1, x2)
    return jnp.subtract(x1, x2)


def multiply(x1, x2):
    x1, x2 = _promote(x1, x2)
    return jnp.multiply(x1, x2)


def divide(x1, x2):
    dtype = result_type(_dtype_of(x1), _dtype_of(x2), float)
    return jnp.divide(convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype))


def true_divide(x1, x2):
    return divide(x1, x2)


def floor_divide(x1, x2):
    x1, x2 = _promote(x1, x2)
    return jnp.floor_divide(x1, x2)


def mod(x1, x2):
    x1, x2 = _promote(x1, x2)
    return jnp.mod(x1, x2)


def power(x1, x2):
    x1, x2 = _promote(x1, x2)
    return jnp.power(x1, x2)


def maximum(x1, x2):
    x1, x2 = _promote(x1, x2)
    return jnp.maximum(x1, x2)


def minimum(x1, x2):
    x1, x2 = _promote(x1, x2)
    return jnp.minimum(x1, x2)


def matmul(x1, x2):
    x1, x2 = _promote(x1, x2)
    return jnp.matmul(x1, x2)


def dot(x1, x2):
    x1, x2 = _promote(x1, x2)
    return jnp.dot(x1, x2)


def tensordot(x1, x2, axes=2):
    x1, x2 = _promote(x1, x2)
    return jnp.tensordot(x1, x2, axes=axes)


def einsum(subscripts, *operands, **kwargs):
    dtype = result_type(*[_dtype_of(o) for o in operands])
    return jnp.einsum(subscripts, *[convert_to_tensor(o, dtype) for o in operands], **kwargs)


def _compare(fn):
    def compare(x1, x2):
        x1, x2 = _promote(x1, x2)
        return fn(x1, x2)

    compare.__name__ = fn.__name__
    return compare


equal = _compare(jnp.equal)
not_equal = _compare(jnp.not_equal)
less = _compare(jnp.less)
less_equal = _compare(jnp.less_equal)
greater = _compare(jnp.greater)
greater_equal = _compare(jnp.greater_equal)


def logical_and(x1, x2):
    return jnp.logical_and(convert_to_tensor(x1), convert_to_tensor(x2))


def logical_or(x1, x2):
    return jnp.logical_or(convert_to_tensor(x1), convert_to_tensor(x2))


def logical_xor(x1, x2):
    return jnp.logical_xor(convert_to_tensor(x1), convert_to_tensor(x2))


def logical_not(x):
    return jnp.logical_not(convert_to_tensor(x))


def negative(x):
    return jnp.negative(convert_to_tensor(x))


def absolute(x):
    return jnp.abs(convert_to_tensor(x))


abs = absolute


def sign(x):
    return jnp.sign(convert_to_tensor(x))


def square(x):
    x = convert_to_tensor(x)
    if x.dtype == jnp.bool_:
        x = x.astype("int32")
    return jnp.square(x)


def sqrt(x):
    return jnp.sqrt(_float_input(x))


def exp(x):
    return jnp.exp(_float_input(x))


def log(x):
    return jnp.log(_float_input(x))


def log1p(x):
    return jnp.log1p(_float_input(x))


def tanh(x):
    return jnp.tanh(_float_input(x))


def floor(x):
    return jnp.floor(_float_input(x))


def ceil(x):
    return jnp.ceil(_float_input(x))


def round(x, decimals=0):
    return jnp.round(convert_to_tensor(x), decimals=decimals)


def clip(x, x_min, x_max):
    x = convert_to_tensor(x)
    if x.dtype == jnp.bool_:
        x = x.astype("int32")
    return jnp.clip(x, x_min, x_max)


def where(condition, x1=None, x2=None):
    condition = convert_to_tensor(condition)
    if x1 is None and x2 is None:
        return jnp.nonzero(condition)
    x1, x2 = _promote(x1, x2)
    return jnp.where(condition, x1, x2)


def _reduce_dtype(x):
    x = convert_to_tensor(x)
    if x.dtype == jnp.bool_:
        x = x.astype("int32")
    return x


def sum(x, axis=None, keepdims=False):
    return jnp.sum(_reduce_dtype(x), axis=axis, keepdims=keepdims)


def prod(x, axis=None, keepdims=False, dtype=None):
    return jnp.prod(_reduce_dtype(x), axis=axis, keepdims=keepdims, dtype=dtype)


def mean(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    dtype = result_type(x.dtype, float)
    return jnp.mean(x.astype(dtype), axis=axis, keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    dtype = result_type(x.dtype, float)
    return jnp.var(x.astype(dtype), axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    return jnp.sqrt(var(x, axis=axis, keepdims=keepdims))


def max(x, axis=None, keepdims=False, initial=None):
    return jnp.max(convert_to_tensor(x), axis=axis, keepdims=keepdims, initial=initial)


def min(x, axis=None, keepdims=False, initial=None):
    return jnp.min(convert_to_tensor(x), axis=axis, keepdims=keepdims, initial=initial)


def argmax(x, axis=None, keepdims=False):
    return jnp.argmax(convert_to_tensor(x), axis=axis, keepdims=keepdims).astype("int32")


def argmin(x, axis=None, keepdims=False):
    return jnp.argmin(convert_to_tensor(x), axis=axis, keepdims=keepdims).astype("int32")


def any(x, axis=None, keepdims=False):
    return jnp.any(convert_to_tensor(x), axis=axis, keepdims=keepdims)


def all(x, axis=None, keepdims=False):
    return jnp.all(convert_to_tensor(x), axis=axis, keepdims=keepdims)


def cumsum(x, axis=None, dtype=None):
    return jnp.cumsum(_reduce_dtype(x), axis=axis, dtype=dtype)


def reshape(x, newshape):
    return jnp.reshape(convert_to_tensor(x), newshape)


def transpose(x, axes=None):
    return jnp.transpose(convert_to_tensor(x), axes)


def expand_dims(x, axis):
    return jnp.expand_dims(convert_to_tensor(x), axis)


def squeeze(x, axis=None):
    return jnp.squeeze(convert_to_tensor(x), axis=axis)


def concatenate(xs, axis=0):
    dtype = result_type(*[_dtype_of(x) for x in xs])
    return jnp.concatenate([convert_to_tensor(x, dtype) for x in xs], axis=axis)


def stack(x, axis=0):
    dtype = result_type(*[_dtype_of(v) for v in x])
    return jnp.stack([convert_to_tensor(v, dtype) for v in x], axis=axis)


def split(x, indices_or_sections, axis=0):
    return jnp.split(convert_to_tensor(x), indices_or_sections, axis=axis)


def broadcast_to(x, shape):
    return jnp.broadcast_to(convert_to_tensor(x), shape)


def tile(x, repeats):
    return jnp.tile(convert_to_tensor(x), repeats)


def repeat(x, repeats, axis=None):
    return jnp.repeat(convert_to_tensor(x), repeats, axis=axis)


def take(x, indices, axis=None):
    return jnp.take(convert_to_tensor(x), convert_to_tensor(indices), axis=axis)


def take_along_axis(x, indices, axis=None):
    return jnp.take_along_axis(convert_to_tensor(x), convert_to_tensor(indices), axis=axis)


def get_item(x, key):
    return convert_to_tensor(x)[key]


def pad(x, pad_width, mode="constant", constant_values=None):
    kwargs = {} if constant_values is None else {"constant_values": constant_values}
    return jnp.pad(convert_to_tensor(x), pad_width, mode=mode, **kwargs)


def flip(x, axis=None):
    return jnp.flip(convert_to_tensor(x), axis=axis)


def sort(x, axis=-1):
    return jnp.sort(convert_to_tensor(x), axis=axis)


def argsort(x, axis=-1):
    return jnp.argsort(convert_to_tensor(x), axis=axis).astype("int32")


def copy(x):
    return jnp.array(convert_to_tensor(x), copy=True)


def zeros(shape, dtype=None):
    return jnp.zeros(shape, dtype=standardize_dtype(dtype))


def ones(shape, dtype=None):
    return jnp.ones(shape, dtype=standardize_dtype(dtype))


def full(shape, fill_value, dtype=None):
    dtype = standardize_dtype(dtype) if dtype is not None else result_type(_dtype_of(fill_value))
    return jnp.full(shape, fill_value, dtype=dtype)


def zeros_like(x, dtype=None):
    return jnp.zeros_like(convert_to_tensor(x), dtype=dtype)


def ones_like(x, dtype=None):
    return jnp.ones_like(convert_to_tensor(x), dtype=dtype)


def full_like(x, fill_value, dtype=None):
    return jnp.full_like(convert_to_tensor(x), fill_value, dtype=dtype)


def eye(N, M=None, k=0, dtype=None):
    return jnp.eye(N, M, k=k, dtype=standardize_dtype(dtype))


def arange(start, stop=None, step=1, dtype=None):
    if dtype is None:
        dtype = result_type(*[type(v) if isinstance(v, (int, float)) else _dtype_of(v) for v in (start, stop, step) if v is not None])
    return jnp.arange(start, stop, step, dtype=standardize_dtype(dtype))


def size(x):
    return jnp.size(convert_to_tensor(x))


def ndim(x):
    return jnp.ndim(convert_to_tensor(x))


def isnan(x):
    return jnp.isnan(convert_to_tensor(x))


def isfinite(x):
    return jnp.isfinite(convert_to_tensor(x))


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    return jnp.nan_to_num(convert_to_tensor(x), nan=nan, posinf=posinf, neginf=neginf)
