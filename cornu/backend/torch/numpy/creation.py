"""Array creation on PyTorch: ranges, fills, identity/triangular matrices, windows, grids.

Backs ``cornu.ops.numpy.creation``; re-exported by ``cornu.backend.torch.numpy``.
"""

import builtins

import torch

from cornu.backend import config
from cornu.backend.common.dtypes import result_type, standardize_dtype
from cornu.backend.torch.core import DEFAULT_DEVICE, convert_to_tensor, to_torch_dtype
from cornu.backend.torch.numpy._common import _dtype_of, _SCALARS, _t

__all__ = [
    "arange", "array", "bartlett", "blackman", "copy", "diag", "diagflat", "empty", "empty_like", "eye", "full",
    "full_like", "geomspace", "hamming", "hanning", "identity", "kaiser", "linspace", "logspace", "meshgrid", "ones",
    "ones_like", "tri", "tril", "triu", "vander", "zeros", "zeros_like",
]


def diag(x, k=0):
    return torch.diag(_t(x), k)


def diagflat(x, k=0):
    return torch.diagflat(_t(x), k)


def tril(x, k=0):
    return torch.tril(_t(x), k)


def triu(x, k=0):
    return torch.triu(_t(x), k)


def vander(x, N=None, increasing=False):
    x = _t(x)
    return torch.vander(x, N=N, increasing=increasing).to(x.dtype)


def copy(x):
    return _t(x).clone()


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
