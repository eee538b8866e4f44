"""Shape manipulation on JAX: reshaping, transposing, joining, splitting, padding, tiling.

Backs ``cornu.ops.numpy.shape``; re-exported by ``cornu.backend.jax.numpy``.
"""

import jax.numpy as jnp

from cornu.backend.common.dtypes import standardize_dtype
from cornu.backend.jax.numpy._common import _axis, _promote, _same_dtype, _t

__all__ = [
    "append", "array_split", "broadcast_to", "concatenate", "dsplit", "dstack", "expand_dims", "flip", "fliplr",
    "flipud", "hsplit", "hstack", "moveaxis", "ndim", "pad", "ravel", "repeat", "reshape", "roll", "rot90", "size",
    "split", "squeeze", "stack", "swapaxes", "tile", "transpose", "view", "vsplit", "vstack",
]


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


def view(x, dtype=None):
    x = _t(x)
    return x if dtype is None else x.view(standardize_dtype(dtype))


def size(x):
    return jnp.size(_t(x))


def ndim(x):
    return jnp.ndim(_t(x))
