"""Shape manipulation on NumPy: reshaping, transposing, joining, splitting, padding, tiling.

Backs ``cornu.ops.numpy.shape``; re-exported by ``cornu.backend.numpy.numpy``.
"""

import numpy as np

from cornu.backend.numpy.core import to_numpy_dtype
from cornu.backend.numpy.numpy._common import _axis, _promote, _same_dtype, _t

__all__ = [
    "append", "array_split", "broadcast_to", "concatenate", "dsplit", "dstack", "expand_dims", "flip", "fliplr",
    "flipud", "hsplit", "hstack", "moveaxis", "ndim", "pad", "ravel", "repeat", "reshape", "roll", "rot90", "size",
    "split", "squeeze", "stack", "swapaxes", "tile", "transpose", "view", "vsplit", "vstack",
]


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


def view(x, dtype=None):
    x = _t(x)
    return x if dtype is None else x.view(to_numpy_dtype(dtype))


def size(x):
    return np.size(_t(x))


def ndim(x):
    return np.ndim(_t(x))
