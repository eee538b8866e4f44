"""Shape manipulation on PyTorch: reshaping, transposing, joining, splitting, padding, tiling.

Backs ``cornu.ops.numpy.shape``; re-exported by ``cornu.backend.torch.numpy``.
"""

import builtins

import torch
import torch.nn.functional as F

from cornu.backend.torch.core import DEFAULT_DEVICE, to_torch_dtype
from cornu.backend.torch.numpy._common import _axis, _promote, _same_dtype, _t

__all__ = [
    "append", "array_split", "broadcast_to", "concatenate", "dsplit", "dstack", "expand_dims", "flip", "fliplr",
    "flipud", "hsplit", "hstack", "moveaxis", "ndim", "pad", "ravel", "repeat", "reshape", "roll", "rot90", "size",
    "split", "squeeze", "stack", "swapaxes", "tile", "transpose", "view", "vsplit", "vstack",
]


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


def view(x, dtype=None):
    x = _t(x)
    return x if dtype is None else x.view(to_torch_dtype(dtype))


def size(x):
    return _t(x).numel()


def ndim(x):
    return _t(x).ndim
