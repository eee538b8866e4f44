"""PyTorch implementations of the NumPy-like ops."""

import builtins

import torch

from cornu.backend import config
from cornu.backend.common.dtypes import result_type, standardize_dtype
from cornu.backend.torch.core import DEFAULT_DEVICE, convert_to_tensor, to_torch_dtype

_FLOATING = (torch.float16, torch.bfloat16, torch.float32, torch.float64)


def _dtype_of(x):
    return x.dtype if hasattr(x, "dtype") else type(x)


def _promote(x1, x2):
    # Fast path: two tensors of one dtype, or a float tensor and a Python scalar.
    if isinstance(x1, torch.Tensor):
        if isinstance(x2, torch.Tensor):
            if x1.dtype == x2.dtype:
                return x1, x2
        elif isinstance(x2, (int, float)) and not isinstance(x2, bool) and x1.dtype in _FLOATING:
            return x1, x2
    elif isinstance(x2, torch.Tensor) and isinstance(x1, (int, float)) and not isinstance(x1, bool) and x2.dtype in _FLOATING:
        return x1, x2
    dtype = result_type(_dtype_of(x1), _dtype_of(x2))
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def _float_input(x):
    x = convert_to_tensor(x)
    if not x.is_floating_point():
        x = x.to(to_torch_dtype(config.floatx()))
    return x


def add(x1, x2):
    x1, x2 = _promote(x1, x2)
    return torch.add(x1, x2)


def subtract(x1, x2):
    x1, x2 = _promote(x1, x2)
    if isinstance(x1, torch.Tensor) and x1.dtype == torch.bool:
        return torch.logical_xor(x1, x2)
    return torch.subtract(x1, x2)


def multiply(x1, x2):
    x1, x2 = _promote(x1, x2)
    return torch.multiply(x1, x2)


def divide(x1, x2):
    dtype = result_type(_dtype_of(x1), _dtype_of(x2), float)
    return torch.divide(convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype))


def true_divide(x1, x2):
    return divide(x1, x2)


def floor_divide(x1, x2):
    dtype = result_type(_dtype_of(x1), _dtype_of(x2))
    return torch.floor_divide(convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype))


def mod(x1, x2):
    dtype = result_type(_dtype_of(x1), _dtype_of(x2))
    return torch.remainder(convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype))


def power(x1, x2):
    dtype = result_type(_dtype_of(x1), _dtype_of(x2))
    return torch.pow(convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype))


def maximum(x1, x2):
    dtype = result_type(_dtype_of(x1), _dtype_of(x2))
    return torch.maximum(convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype))


def minimum(x1, x2):
    dtype = result_type(_dtype_of(x1), _dtype_of(x2))
    return torch.minimum(convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype))


def matmul(x1, x2):
    x1, x2 = _promote(convert_to_tensor(x1), convert_to_tensor(x2))
    return torch.matmul(x1, x2)


def dot(x1, x2):
    x1, x2 = _promote(convert_to_tensor(x1), convert_to_tensor(x2))
    if x1.ndim == 0 or x2.ndim == 0:
        return torch.multiply(x1, x2)
    if x2.ndim <= 2:
        return torch.matmul(x1, x2)
    return torch.tensordot(x1, x2, dims=([-1], [-2]))


def tensordot(x1, x2, axes=2):
    x1, x2 = _promote(convert_to_tensor(x1), convert_to_tensor(x2))
    if isinstance(axes, (list, tuple)):
        first, second = axes
        first = [first] if isinstance(first, int) else list(first)
        second = [second] if isinstance(second, int) else list(second)
        return torch.tensordot(x1, x2, dims=(first, second))
    return torch.tensordot(x1, x2, dims=axes)


def einsum(subscripts, *operands, **kwargs):
    dtype = result_type(*[_dtype_of(o) for o in operands])
    return torch.einsum(subscripts, *[convert_to_tensor(o, dtype) for o in operands])


def _compare(fn):
    def compare(x1, x2):
        dtype = result_type(_dtype_of(x1), _dtype_of(x2))
        return fn(convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype))

    compare.__name__ = fn.__name__
    return compare


equal = _compare(torch.eq)
not_equal = _compare(torch.ne)
less = _compare(torch.lt)
less_equal = _compare(torch.le)
greater = _compare(torch.gt)
greater_equal = _compare(torch.ge)


def logical_and(x1, x2):
    return torch.logical_and(convert_to_tensor(x1), convert_to_tensor(x2))


def logical_or(x1, x2):
    return torch.logical_or(convert_to_tensor(x1), convert_to_tensor(x2))


def logical_xor(x1, x2):
    return torch.logical_xor(convert_to_tensor(x1), convert_to_tensor(x2))


def logical_not(x):
    return torch.logical_not(convert_to_tensor(x))


def negative(x):
    return torch.negative(convert_to_tensor(x))


def absolute(x):
    x = convert_to_tensor(x)
    return x if x.dtype == torch.bool else torch.abs(x)


abs = absolute


def sign(x):
    return torch.sign(convert_to_tensor(x))


def square(x):
    x = convert_to_tensor(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    return torch.square(x)


def sqrt(x):
    return torch.sqrt(_float_input(x))


def exp(x):
    return torch.exp(_float_input(x))


def log(x):
    return torch.log(_float_input(x))


def log1p(x):
    return torch.log1p(_float_input(x))


def tanh(x):
    return torch.tanh(_float_input(x))


def floor(x):
    return torch.floor(_float_input(x))


def ceil(x):
    return torch.ceil(_float_input(x))


def round(x, decimals=0):
    return torch.round(convert_to_tensor(x), decimals=decimals)


def clip(x, x_min, x_max):
    x = convert_to_tensor(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    return torch.clamp(x, min=x_min, max=x_max)


def where(condition, x1=None, x2=None):
    condition = convert_to_tensor(condition, dtype="bool")
    if x1 is None and x2 is None:
        return torch.nonzero(condition, as_tuple=True)
    dtype = result_type(_dtype_of(x1), _dtype_of(x2))
    return torch.where(condition, convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype))


def _axis(axis):
    if axis is None:
        return None
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


def _reduce_dtype(x):
    x = convert_to_tensor(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    return x


def sum(x, axis=None, keepdims=False):
    x = _reduce_dtype(x)
    if axis is None:
        out = torch.sum(x, dtype=x.dtype)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.sum(x, dim=_axis(axis), keepdim=keepdims, dtype=x.dtype)


def prod(x, axis=None, keepdims=False, dtype=None):
    x = _reduce_dtype(x)
    dtype = to_torch_dtype(dtype) if dtype is not None else x.dtype
    if axis is None:
        out = torch.prod(x, dtype=dtype)
        return out.reshape((1,) * x.ndim) if keepdims else out
    axes = [axis] if isinstance(axis, int) else list(axis)
    for a in sorted([a % x.ndim for a in axes], reverse=True):
        x = torch.prod(x, dim=a, keepdim=keepdims, dtype=dtype)
    return x


def mean(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    dtype = to_torch_dtype(result_type(x.dtype, float))
    if x.dtype != dtype:
        x = x.to(dtype)
    if axis is None:
        out = torch.mean(x)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.mean(x, dim=_axis(axis), keepdim=keepdims)


def var(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    dtype = to_torch_dtype(result_type(x.dtype, float))
    x = x.to(dtype)
    if axis is None:
        out = torch.var(x, correction=0)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.var(x, dim=_axis(axis), keepdim=keepdims, correction=0)


def std(x, axis=None, keepdims=False):
    return torch.sqrt(var(x, axis=axis, keepdims=keepdims))


def _minmax(fn, x, axis, keepdims, initial):
    x = convert_to_tensor(x)
    if axis is None:
        out = fn(x)
        if keepdims:
            out = out.reshape((1,) * x.ndim)
    else:
        out = fn(x, dim=_axis(axis), keepdim=keepdims)
    if initial is not None:
        out = torch.maximum(out, torch.tensor(initial, dtype=out.dtype)) if fn is torch.amax else torch.minimum(out, torch.tensor(initial, dtype=out.dtype))
    return out


def max(x, axis=None, keepdims=False, initial=None):
    return _minmax(torch.amax, x, axis, keepdims, initial)


def min(x, axis=None, keepdims=False, initial=None):
    return _minmax(torch.amin, x, axis, keepdims, initial)


def argmax(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    return torch.argmax(x, dim=axis, keepdim=keepdims).to(torch.int32)


def argmin(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    return torch.argmin(x, dim=axis, keepdim=keepdims).to(torch.int32)


def any(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    if axis is None:
        out = torch.any(x)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.any(x, dim=_axis(axis), keepdim=keepdims)


def all(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    if axis is None:
        out = torch.all(x)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.all(x, dim=_axis(axis), keepdim=keepdims)


def cumsum(x, axis=None, dtype=None):
    x = _reduce_dtype(x)
    if axis is None:
        x, axis = x.flatten(), 0
    return torch.cumsum(x, dim=axis, dtype=to_torch_dtype(dtype) if dtype else x.dtype)


def reshape(x, newshape):
    if isinstance(newshape, int):
        newshape = (newshape,)
    return torch.reshape(convert_to_tensor(x), tuple(newshape))


def transpose(x, axes=None):
    x = convert_to_tensor(x)
    if axes is None:
        return x.permute(*reversed(range(x.ndim)))
    return x.permute(*axes)


def expand_dims(x, axis):
    x = convert_to_tensor(x)
    axes = [axis] if isinstance(axis, int) else list(axis)
    out_ndim = x.ndim + len(axes)
    for a in sorted(a % out_ndim for a in axes):
        x = torch.unsqueeze(x, a)
    return x


def squeeze(x, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        return torch.squeeze(x)
    axes = [axis] if isinstance(axis, int) else list(axis)
    for a in axes:
        if x.shape[a] != 1:
            raise ValueError(f"Cannot squeeze axis {a}: its size is {x.shape[a]}, not 1. Received: x.shape={tuple(x.shape)}")
    return torch.squeeze(x, dim=tuple(axes))


def concatenate(xs, axis=0):
    dtype = result_type(*[_dtype_of(x) for x in xs])
    return torch.cat([convert_to_tensor(x, dtype) for x in xs], dim=axis)


def stack(x, axis=0):
    dtype = result_type(*[_dtype_of(v) for v in x])
    return torch.stack([convert_to_tensor(v, dtype) for v in x], dim=axis)


def split(x, indices_or_sections, axis=0):
    x = convert_to_tensor(x)
    if isinstance(indices_or_sections, int):
        if x.shape[axis] % indices_or_sections:
            raise ValueError(
                f"split: the axis of size {x.shape[axis]} cannot be divided into "
                f"{indices_or_sections} equal parts. Received: indices_or_sections={indices_or_sections}"
            )
        return list(torch.split(x, x.shape[axis] // indices_or_sections, dim=axis))
    return list(torch.tensor_split(x, list(indices_or_sections), dim=axis))


def broadcast_to(x, shape):
    return torch.broadcast_to(convert_to_tensor(x), tuple(shape))


def tile(x, repeats):
    return torch.tile(convert_to_tensor(x), tuple(repeats) if isinstance(repeats, (list, tuple)) else (repeats,))


def repeat(x, repeats, axis=None):
    x = convert_to_tensor(x)
    if not isinstance(repeats, int):
        repeats = convert_to_tensor(repeats)
    if axis is None:
        x = x.flatten()
        axis = 0
    return torch.repeat_interleave(x, repeats, dim=axis)


def take(x, indices, axis=None):
    x = convert_to_tensor(x)
    indices = convert_to_tensor(indices).long()
    if axis is None:
        return torch.take(x, indices)
    axis = axis % x.ndim
    out = torch.index_select(x, axis, indices.flatten())
    return out.reshape(x.shape[:axis] + indices.shape + x.shape[axis + 1 :])


def take_along_axis(x, indices, axis=None):
    x = convert_to_tensor(x)
    indices = convert_to_tensor(indices).long()
    if axis is None:
        return torch.take_along_dim(x.flatten(), indices.flatten())
    return torch.take_along_dim(x, indices, dim=axis)


def get_item(x, key):
    return convert_to_tensor(x)[key]


def pad(x, pad_width, mode="constant", constant_values=None):
    x = convert_to_tensor(x)
    pad_width = [(p, p) if isinstance(p, int) else tuple(p) for p in pad_width]
    if len(pad_width) == 1 and x.ndim > 1:
        pad_width = pad_width * x.ndim
    flat = []
    for before, after in reversed(pad_width):
        flat.extend([before, after])
    if mode == "constant":
        return torch.nn.functional.pad(x, flat, mode="constant", value=constant_values or 0)
    torch_mode = {"reflect": "reflect", "symmetric": "replicate", "edge": "replicate"}.get(mode, mode)
    return torch.nn.functional.pad(x, flat, mode=torch_mode)


def flip(x, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        axis = tuple(range(x.ndim))
    return torch.flip(x, dims=(axis,) if isinstance(axis, int) else tuple(axis))


def sort(x, axis=-1):
    return torch.sort(convert_to_tensor(x), dim=axis).values


def argsort(x, axis=-1):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = x.flatten(), 0
    return torch.argsort(x, dim=axis, stable=True).to(torch.int32)


def copy(x):
    return convert_to_tensor(x).clone()


def _shape(shape):
    return (shape,) if isinstance(shape, int) else tuple(shape)


def zeros(shape, dtype=None):
    return torch.zeros(_shape(shape), dtype=to_torch_dtype(dtype or config.floatx()), device=DEFAULT_DEVICE)


def ones(shape, dtype=None):
    return torch.ones(_shape(shape), dtype=to_torch_dtype(dtype or config.floatx()), device=DEFAULT_DEVICE)


def full(shape, fill_value, dtype=None):
    dtype = standardize_dtype(dtype) if dtype is not None else result_type(_dtype_of(fill_value))
    fill_value = convert_to_tensor(fill_value, dtype)
    return torch.broadcast_to(fill_value, _shape(shape)).clone()


def zeros_like(x, dtype=None):
    x = convert_to_tensor(x)
    return torch.zeros_like(x, dtype=to_torch_dtype(dtype) if dtype else None)


def ones_like(x, dtype=None):
    x = convert_to_tensor(x)
    return torch.ones_like(x, dtype=to_torch_dtype(dtype) if dtype else None)


def full_like(x, fill_value, dtype=None):
    x = convert_to_tensor(x)
    return torch.full_like(x, fill_value, dtype=to_torch_dtype(dtype) if dtype else None)


def eye(N, M=None, k=0, dtype=None):
    M = N if M is None else M
    dtype = to_torch_dtype(dtype or config.floatx())
    if k == 0:
        return torch.eye(N, M, dtype=dtype, device=DEFAULT_DEVICE)
    return torch.diag(torch.ones(builtins.max(0, builtins.min(N, M - k) if k > 0 else builtins.min(N + k, M)), dtype=dtype), k)[:N, :M]


def arange(start, stop=None, step=1, dtype=None):
    if dtype is None:
        dtype = result_type(*[_dtype_of(v) for v in (start, stop, step) if v is not None])
    if stop is None:
        start, stop = 0, start
    return torch.arange(start, stop, step, dtype=to_torch_dtype(dtype), device=DEFAULT_DEVICE)


def size(x):
    return convert_to_tensor(x).numel()


def ndim(x):
    return convert_to_tensor(x).ndim


def isnan(x):
    return torch.isnan(convert_to_tensor(x))


def isfinite(x):
    return torch.isfinite(convert_to_tensor(x))


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    return torch.nan_to_num(convert_to_tensor(x), nan=nan, posinf=posinf, neginf=neginf)
