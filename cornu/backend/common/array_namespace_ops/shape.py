"""Shape manipulation over an array namespace: reshaping, transposing, joining, splitting, padding, tiling.

Bound by ``cornu.backend.jax.numpy.shape`` and ``cornu.backend.numpy.numpy.shape``; ``repeat``
stays in each backend (NumPy needs its ``repeats`` as an array, JAX keeps them as given).
"""

from cornu.backend.common.array_namespace_ops import names, public
from cornu.backend.common.array_namespace_ops.conversion import axis_argument as _axis


def shape_functions(xp, to_array, promote, same_dtype, to_dtype):
    """The shape ops over the array namespace ``xp``, keyed by name.

    ``to_array(x)`` converts an input to the backend's array type, ``promote(x1, x2)`` brings two
    inputs to their common dtype, ``same_dtype(xs)`` does it for a sequence and ``to_dtype(dtype)``
    gives the dtype ``xp`` expects.

    Example:
    >>> import numpy as np
    >>> fns = shape_functions(np, np.asarray, None, None, np.dtype)
    >>> fns["swapaxes"](np.zeros((2, 3)), 0, 1).shape
    (3, 2)
    """

    def reshape(x, newshape):
        return xp.reshape(to_array(x), newshape)

    def transpose(x, axes=None):
        return xp.transpose(to_array(x), axes)

    def swapaxes(x, axis1, axis2):
        return xp.swapaxes(to_array(x), axis1, axis2)

    def moveaxis(x, source, destination):
        return xp.moveaxis(to_array(x), source, destination)

    def expand_dims(x, axis):
        return xp.expand_dims(to_array(x), _axis(axis))

    def squeeze(x, axis=None):
        return xp.squeeze(to_array(x), axis=_axis(axis))

    def ravel(x):
        return xp.ravel(to_array(x))

    def concatenate(xs, axis=0):
        return xp.concatenate(same_dtype(xs), axis=axis)

    def append(x1, x2, axis=None):
        x1, x2 = promote(x1, x2)
        return xp.append(x1, x2, axis=axis)

    def stack(x, axis=0):
        return xp.stack(same_dtype(x), axis=axis)

    def hstack(xs):
        return xp.hstack(same_dtype(xs))

    def vstack(xs):
        return xp.vstack(same_dtype(xs))

    def dstack(xs):
        return xp.dstack(same_dtype(xs))

    def split(x, indices_or_sections, axis=0):
        return xp.split(to_array(x), indices_or_sections, axis=axis)

    def array_split(x, indices_or_sections, axis=0):
        return xp.array_split(to_array(x), indices_or_sections, axis=axis)

    def hsplit(x, indices_or_sections):
        return xp.hsplit(to_array(x), indices_or_sections)

    def vsplit(x, indices_or_sections):
        return xp.vsplit(to_array(x), indices_or_sections)

    def dsplit(x, indices_or_sections):
        return xp.dsplit(to_array(x), indices_or_sections)

    def broadcast_to(x, shape):
        return xp.broadcast_to(to_array(x), shape)

    def tile(x, repeats):
        return xp.tile(to_array(x), repeats)

    def flip(x, axis=None):
        return xp.flip(to_array(x), axis=_axis(axis))

    def fliplr(x):
        return xp.fliplr(to_array(x))

    def flipud(x):
        return xp.flipud(to_array(x))

    def roll(x, shift, axis=None):
        return xp.roll(to_array(x), shift, axis=_axis(axis))

    def rot90(array, k=1, axes=(0, 1)):
        array = to_array(array)
        if array.ndim < 2:
            raise ValueError(f"rot90 needs an array with at least 2 dimensions. Received: array.ndim={array.ndim}")
        return xp.rot90(array, k=k, axes=tuple(axes))

    def pad(x, pad_width, mode="constant", constant_values=None):
        kwargs = {}
        if constant_values is not None:
            if mode != "constant":
                raise ValueError(
                    f"`constant_values` can only be given with mode='constant'. Received: mode={mode!r}"
                )
            kwargs["constant_values"] = constant_values
        return xp.pad(to_array(x), pad_width, mode=mode, **kwargs)

    def view(x, dtype=None):
        x = to_array(x)
        return x if dtype is None else x.view(to_dtype(dtype))

    def size(x):
        return xp.size(to_array(x))

    def ndim(x):
        return xp.ndim(to_array(x))

    return public(locals(), names.SHAPE)
