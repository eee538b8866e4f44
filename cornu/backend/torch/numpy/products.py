"""Products on PyTorch: matrix products, contractions, correlation.

Backs ``cornu.ops.numpy.products``; re-exported by ``cornu.backend.torch.numpy``.
"""

import torch
import torch.nn.functional as F

from cornu.backend.torch.numpy._common import _float_input, _float_pair, _promote, _same_dtype

__all__ = [
    "corrcoef", "correlate", "cross", "dot", "einsum", "inner", "kron", "matmul", "outer", "slogdet", "tensordot",
    "vdot",
]


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
