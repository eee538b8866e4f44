"""Indexing and sorting on PyTorch: gathering, selecting, searching, sorting.

Backs ``cornu.ops.numpy.indexing``; re-exported by ``cornu.backend.torch.numpy``.
"""

import torch
import torch.nn.functional as F

from cornu.backend.torch.core import convert_to_tensor
from cornu.backend.torch.numpy._common import _axis, _promote, _same_dtype, _t

__all__ = [
    "argpartition", "argsort", "diagonal", "digitize", "get_item", "nonzero", "searchsorted", "select", "sort", "take",
    "take_along_axis", "unique", "unravel_index", "where",
]


def diagonal(x, offset=0, axis1=0, axis2=1):
    return torch.diagonal(_t(x), offset=offset, dim1=axis1, dim2=axis2)


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
