"""Shape manipulation: reshaping, transposing, joining, splitting, flipping, padding and tiling.

Part of ``cornu.ops.numpy`` (also flattened into ``cornu.ops``); examples use ``ops``
for ``cornu.ops``.
"""

import math as _math

from cornu import backend
from cornu.ops.decorator import op

_b = backend.numpy


@op
def append(x1, x2, axis=None):
    """Appends `x2` to `x1` along `axis` (both flattened when `axis` is None).

    Example: ``ops.append([1, 2], [3])  # [1, 2, 3]``
    """
    return _b.append(x1, x2, axis=axis)


@op
def array_split(x, indices_or_sections, axis=0):
    """Splits `x` into possibly unequal parts.

    Example: ``ops.array_split(ops.arange(5), 2)  # [[0, 1, 2], [3, 4]]``
    """
    return _b.array_split(x, indices_or_sections, axis=axis)


@op
def broadcast_to(x, shape):
    """Broadcasts `x` to `shape`. Example: ``ops.broadcast_to([1, 2], (2, 2))  # [[1, 2], [1, 2]]``"""
    return _b.broadcast_to(x, shape)


@op
def concatenate(xs, axis=0):
    """Joins a sequence of tensors along `axis`. Example: ``ops.concatenate([[1], [2, 3]])  # [1, 2, 3]``"""
    return _b.concatenate(xs, axis=axis)


@op
def dsplit(x, indices_or_sections):
    """Splits `x` along its third axis. Example: ``ops.dsplit(ops.zeros((1, 1, 4)), 2)  # two (1, 1, 2) tensors``"""
    return _b.dsplit(x, indices_or_sections)


@op
def dstack(xs):
    """Stacks tensors along a third axis. Example: ``ops.dstack([[1], [2]])  # [[[1, 2]]]``"""
    return _b.dstack(xs)


@op
def expand_dims(x, axis):
    """Inserts length-1 axes at `axis` (an int or a tuple). Example: ``ops.expand_dims([1, 2], 0).shape  # (1, 2)``"""
    return _b.expand_dims(x, axis)


@op
def flip(x, axis=None):
    """Reverses the order of elements along `axis` (all axes when None).

    Example: ``ops.flip([1, 2, 3])  # [3, 2, 1]``
    """
    return _b.flip(x, axis=axis)


@op
def fliplr(x):
    """Reverses the second axis. Example: ``ops.fliplr([[1, 2]])  # [[2, 1]]``"""
    return _b.fliplr(x)


@op
def flipud(x):
    """Reverses the first axis. Example: ``ops.flipud([[1], [2]])  # [[2], [1]]``"""
    return _b.flipud(x)


@op
def hsplit(x, indices_or_sections):
    """Splits `x` horizontally (along axis 1, or 0 for 1-D).

    Example: ``ops.hsplit(ops.arange(4), 2)  # [[0, 1], [2, 3]]``
    """
    return _b.hsplit(x, indices_or_sections)


@op
def hstack(xs):
    """Stacks tensors horizontally (column-wise). Example: ``ops.hstack([[1], [2]])  # [1, 2]``"""
    return _b.hstack(xs)


@op
def moveaxis(x, source, destination):
    """Moves axes `source` to positions `destination`.

    Example: ``ops.moveaxis(ops.zeros((2, 3)), 0, 1).shape  # (3, 2)``
    """
    return _b.moveaxis(x, source, destination)


def ndim(x):
    """Number of dimensions of `x`. Example: ``ops.ndim([[1, 2]])  # 2``"""
    if backend.is_keras_tensor(x):
        return x.ndim
    return _b.ndim(x)


@op
def pad(x, pad_width, mode='constant', constant_values=None):
    """Pads `x`; `pad_width` gives `(before, after)` per axis.

    Example: ``ops.pad([1, 2], [(1, 1)])  # [0, 1, 2, 0]``
    """
    return _b.pad(x, pad_width, mode=mode, constant_values=constant_values)


@op
def ravel(x):
    """Flattens `x` to 1-D. Example: ``ops.ravel([[1, 2], [3, 4]])  # [1, 2, 3, 4]``"""
    return _b.ravel(x)


@op
def repeat(x, repeats, axis=None):
    """Repeats each element of `x` `repeats` times along `axis`. Example: ``ops.repeat([1, 2], 2)  # [1, 1, 2, 2]``"""
    return _b.repeat(x, repeats, axis=axis)


@op
def reshape(x, newshape):
    """Gives `x` a new shape; one dimension may be -1.

    Example: ``ops.reshape(ops.arange(6), (2, 3)).shape  # (2, 3)``
    """
    return _b.reshape(x, newshape)


@op
def roll(x, shift, axis=None):
    """Rolls elements of `x` by `shift` along `axis` (flattened when None).

    Example: ``ops.roll([1, 2, 3], 1)  # [3, 1, 2]``
    """
    return _b.roll(x, shift, axis=axis)


@op
def rot90(array, k=1, axes=(0, 1)):
    """Rotates `array` by 90 degrees `k` times in the plane of `axes`.

    Example: ``ops.rot90([[1, 2], [3, 4]])  # [[2, 4], [1, 3]]``
    """
    return _b.rot90(array, k=k, axes=axes)


def size(x):
    """Number of elements of `x`. Example: ``ops.size([[1, 2, 3]])  # 3``"""
    if backend.is_keras_tensor(x):
        if None in x.shape:
            raise ValueError(f"size() needs a fully known shape. Received: x={x!r}")
        return _math.prod(x.shape)
    return _b.size(x)


@op
def split(x, indices_or_sections, axis=0):
    """Splits `x` into a list of sub-tensors (equal sections or at indices).

    Example: ``ops.split(ops.arange(4), 2)  # [[0, 1], [2, 3]]``
    """
    return _b.split(x, indices_or_sections, axis=axis)


@op
def squeeze(x, axis=None):
    """Removes length-1 axes (only `axis` when given). Example: ``ops.squeeze(ops.zeros((1, 2))).shape  # (2,)``"""
    return _b.squeeze(x, axis=axis)


@op
def stack(x, axis=0):
    """Stacks tensors along a new `axis`. Example: ``ops.stack([[1, 2], [3, 4]])  # [[1, 2], [3, 4]]``"""
    return _b.stack(x, axis=axis)


@op
def swapaxes(x, axis1, axis2):
    """Swaps two axes of `x`. Example: ``ops.swapaxes(ops.zeros((2, 3)), 0, 1).shape  # (3, 2)``"""
    return _b.swapaxes(x, axis1, axis2)


@op
def tile(x, repeats):
    """Repeats the whole of `x` `repeats` times per axis. Example: ``ops.tile([1, 2], 2)  # [1, 2, 1, 2]``"""
    return _b.tile(x, repeats)


@op
def transpose(x, axes=None):
    """Permutes the axes of `x` (reverses them when `axes` is None).

    Example: ``ops.transpose(ops.zeros((2, 3))).shape  # (3, 2)``
    """
    return _b.transpose(x, axes=axes)


@op
def view(x, dtype=None):
    """Reinterprets the bytes of `x` as `dtype` (same itemsize or a compatible last axis).

    Example: ``ops.view(ops.array([1.0]), 'int32')  # [1065353216]``
    """
    return _b.view(x, dtype=dtype)


@op
def vsplit(x, indices_or_sections):
    """Splits `x` vertically (along axis 0). Example: ``ops.vsplit(ops.zeros((4, 1)), 2)  # two (2, 1) tensors``"""
    return _b.vsplit(x, indices_or_sections)


@op
def vstack(xs):
    """Stacks tensors vertically (row-wise). Example: ``ops.vstack([[1], [2]])  # [[1], [2]]``"""
    return _b.vstack(xs)


__all__ = [n for n, v in list(globals().items()) if callable(v) and getattr(v, "__module__", None) == __name__ and not n.startswith("_")]
