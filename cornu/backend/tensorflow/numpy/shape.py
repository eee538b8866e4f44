"""Shape manipulation on TensorFlow: reshaping, transposing, joining, splitting, padding, tiling.

Backs ``cornu.ops.numpy.shape``; re-exported by ``cornu.backend.tensorflow.numpy``. Every op works
eagerly and inside ``tf.function``: static sizes are used where known, ``tf.shape`` where a size is
``None`` (the rank must be known).

Example:
>>> swapaxes(tf.zeros((2, 3)), 0, 1).shape
TensorShape([3, 2])
"""

import builtins

import numpy as np
import tensorflow as tf

from cornu.backend.common.array_namespace_ops import names
from cornu.backend.common.dtypes import standardize_dtype
from cornu.backend.tensorflow.numpy._common import (
    _promote,
    _same_dtype,
    _static_or_dynamic_shape,
    _t,
    _to,
)


def _canonical_axis(axis, ndim):
    """``axis`` in ``[0, ndim)``; out-of-range axes raise (as NumPy does) instead of wrapping.

    The message is left without "Received" on purpose: the ``@op`` decorator then rewrites it into
    its full explanation (op name, range, inputs)."""
    if not -builtins.max(ndim, 1) <= axis < builtins.max(ndim, 1):
        raise ValueError(f"axis {axis} is out of bounds for an array of dimension {ndim}")
    return axis % ndim if ndim else axis


def _axes_list(axis, ndim):
    """An int or a sequence of axes as a list of non-negative axes."""
    axes = [axis] if isinstance(axis, int) else list(axis)
    return [_canonical_axis(int(a), ndim) for a in axes]


def reshape(x, newshape):
    x = _t(x)
    if isinstance(newshape, int):
        newshape = [newshape]
    return tf.reshape(x, newshape)


def transpose(x, axes=None):
    x = _t(x)
    if axes is None:
        return tf.transpose(x)
    axes = [_canonical_axis(int(a), x.shape.rank) for a in axes]
    if sorted(axes) != list(range(x.shape.rank)):
        raise ValueError(
            "`axes` must be a permutation of the input's dimensions (each once). "
            f"Received: axes={axes} for an input of rank {x.shape.rank}"
        )
    return tf.transpose(x, axes)


def swapaxes(x, axis1, axis2):
    x = _t(x)
    ndim = x.shape.rank
    axis1, axis2 = _canonical_axis(axis1, ndim), _canonical_axis(axis2, ndim)
    if axis1 == axis2:
        return x
    perm = list(range(ndim))
    perm[axis1], perm[axis2] = axis2, axis1
    return tf.transpose(x, perm)


def moveaxis(x, source, destination):
    x = _t(x)
    ndim = x.shape.rank
    source, destination = _axes_list(source, ndim), _axes_list(destination, ndim)
    if len(source) != len(destination):
        raise ValueError(
            "moveaxis needs as many `destination` axes as `source` axes. "
            f"Received: source={source}, destination={destination}"
        )
    if source == destination:
        return x
    perm = [a for a in range(ndim) if a not in source]
    for dest, src in sorted(zip(destination, source)):
        perm.insert(dest, src)
    return tf.transpose(x, perm)


def expand_dims(x, axis):
    x = _t(x)
    axes = [axis] if isinstance(axis, int) else list(axis)
    out_ndim = x.shape.rank + len(axes)
    for a in sorted(_canonical_axis(a, out_ndim) for a in axes):
        x = tf.expand_dims(x, a)
    return x


def squeeze(x, axis=None):
    x = _t(x)
    if axis is None:
        return tf.squeeze(x)
    axes = _axes_list(axis, x.shape.rank)
    for a in axes:
        if x.shape[a] is not None and x.shape[a] != 1:
            raise ValueError(
                f"Cannot squeeze axis {a}: its size is {x.shape[a]}, not 1. Received: x.shape={tuple(x.shape)}"
            )
    return tf.squeeze(x, axis=axes)


def ravel(x):
    return tf.reshape(_t(x), [-1])


def concatenate(xs, axis=0):
    xs = _same_dtype(xs)
    if axis is None:
        xs, axis = [tf.reshape(x, [-1]) for x in xs], 0
    return tf.concat(xs, axis=axis)


def append(x1, x2, axis=None):
    x1, x2 = _promote(x1, x2)
    if axis is None:
        return tf.concat([tf.reshape(x1, [-1]), tf.reshape(x2, [-1])], axis=0)
    return tf.concat([x1, x2], axis=axis)


def stack(x, axis=0):
    return tf.stack(_same_dtype(x), axis=axis)


def _at_least(x, ndim):
    """NumPy's ``atleast_1d``/``2d``/``3d`` for one tensor."""
    rank = x.shape.rank
    if rank >= ndim:
        return x
    if ndim == 3 and rank == 2:
        return tf.expand_dims(x, -1)
    if ndim == 3 and rank == 1:
        return x[tf.newaxis, :, tf.newaxis]
    return tf.reshape(x, [1] * (ndim - builtins.max(rank, 1)) + ([-1] if rank else [1]))


def hstack(xs):
    xs = [_at_least(x, 1) for x in _same_dtype(xs)]
    return tf.concat(xs, axis=0 if xs[0].shape.rank == 1 else 1)


def vstack(xs):
    return tf.concat([_at_least(x, 2) for x in _same_dtype(xs)], axis=0)


def dstack(xs):
    return tf.concat([_at_least(x, 3) for x in _same_dtype(xs)], axis=2)


def _split_sizes(length, indices):
    """Section sizes of an axis of ``length`` cut at ``indices`` (NumPy clips them to the axis)."""
    if isinstance(length, int) and builtins.all(isinstance(i, int) for i in indices):
        bounds = [0] + [builtins.min(builtins.max(i if i >= 0 else i + length, 0), length) for i in indices] + [length]
        return [builtins.max(b - a, 0) for a, b in zip(bounds[:-1], bounds[1:])]
    bounds = tf.concat([[0], tf.cast(tf.stack(list(indices)), tf.int32), [length]], axis=0)
    bounds = tf.clip_by_value(tf.where(bounds < 0, bounds + length, bounds), 0, length)
    return tf.maximum(bounds[1:] - bounds[:-1], 0)


def _sections(x, indices_or_sections, axis, exact):
    x = _t(x)
    axis = _canonical_axis(axis, x.shape.rank)
    length = _static_or_dynamic_shape(x)[axis]
    if isinstance(indices_or_sections, int):
        n = indices_or_sections
        if isinstance(length, int):
            if exact and length % n:
                raise ValueError(
                    f"split: the axis of size {length} cannot be divided into {n} equal parts; use "
                    f"array_split for unequal parts. Received: indices_or_sections={n}"
                )
            small, extra = divmod(length, n)
            sizes = [small + 1] * extra + [small] * (n - extra)
        elif exact:
            return tf.split(x, n, axis=axis)
        else:
            small, extra = length // n, length % n
            sizes = tf.where(tf.range(n) < extra, small + 1, small)
        return tf.split(x, sizes, axis=axis, num=n)
    if tf.is_tensor(indices_or_sections):
        static = tf.get_static_value(indices_or_sections)
        indices = [int(i) for i in static] if static is not None else tf.unstack(indices_or_sections)
    else:
        indices = [i if tf.is_tensor(i) else int(i) for i in indices_or_sections]
    sizes = _split_sizes(length, indices)
    return tf.split(x, sizes, axis=axis, num=len(indices) + 1)


def split(x, indices_or_sections, axis=0):
    return _sections(x, indices_or_sections, axis, exact=True)


def array_split(x, indices_or_sections, axis=0):
    return _sections(x, indices_or_sections, axis, exact=False)


def hsplit(x, indices_or_sections):
    x = _t(x)
    return _sections(x, indices_or_sections, 0 if x.shape.rank == 1 else 1, exact=True)


def vsplit(x, indices_or_sections):
    return _sections(x, indices_or_sections, 0, exact=True)


def dsplit(x, indices_or_sections):
    return _sections(x, indices_or_sections, 2, exact=True)


def broadcast_to(x, shape):
    return tf.broadcast_to(_t(x), [shape] if isinstance(shape, int) else shape)


def _via_uint32_for_uint16(fn, x, *args, **kwargs):
    # TensorFlow has no uint16 kernels for tile and repeat.
    if x.dtype == tf.uint16:
        return tf.cast(fn(tf.cast(x, tf.uint32), *args, **kwargs), tf.uint16)
    return fn(x, *args, **kwargs)


def tile(x, repeats):
    x = _t(x)
    if tf.is_tensor(repeats) and repeats.shape.rank == 1:
        repeats = tf.unstack(repeats)
    repeats = [repeats] if isinstance(repeats, int) or (tf.is_tensor(repeats) and repeats.shape.rank == 0) else list(repeats)
    rank = x.shape.rank
    if len(repeats) < rank:
        repeats = [1] * (rank - len(repeats)) + repeats
    if len(repeats) > rank:
        x = tf.reshape(x, [1] * (len(repeats) - rank) + _static_or_dynamic_shape(x))
    return _via_uint32_for_uint16(tf.tile, x, repeats)


def repeat(x, repeats, axis=None):
    x = _t(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    return _via_uint32_for_uint16(tf.repeat, x, repeats, axis=axis)


def flip(x, axis=None):
    x = _t(x)
    axes = list(range(x.shape.rank)) if axis is None else _axes_list(axis, x.shape.rank)
    return tf.reverse(x, axes)


def fliplr(x):
    x = _t(x)
    if x.shape.rank < 2:
        raise ValueError(f"fliplr needs an array with at least 2 dimensions. Received: x.ndim={x.shape.rank}")
    return tf.reverse(x, [1])


def flipud(x):
    x = _t(x)
    if x.shape.rank < 1:
        raise ValueError(f"flipud needs an array with at least 1 dimension. Received: x.ndim={x.shape.rank}")
    return tf.reverse(x, [0])


def roll(x, shift, axis=None):
    x = _t(x)
    if axis is None:
        return tf.reshape(tf.roll(tf.reshape(x, [-1]), shift, 0), _static_or_dynamic_shape(x))
    axes = _axes_list(axis, x.shape.rank)
    shifts = [shift] * len(axes) if isinstance(shift, int) or tf.is_tensor(shift) and shift.shape.rank == 0 else list(shift)
    if len(axes) == 1 and len(shifts) > 1:
        axes = axes * len(shifts)
    return tf.roll(x, shifts, axes)


def rot90(array, k=1, axes=(0, 1)):
    array = _t(array)
    ndim = array.shape.rank
    if ndim < 2:
        raise ValueError(f"rot90 needs an array with at least 2 dimensions. Received: array.ndim={ndim}")
    if len(axes) != 2:
        raise ValueError(f"rot90 needs exactly two `axes`. Received: axes={axes}")
    first, second = _canonical_axis(axes[0], ndim), _canonical_axis(axes[1], ndim)
    if first == second:
        raise ValueError(f"rot90 needs two different `axes`. Received: axes={axes}")
    k %= 4
    if k == 0:
        return array
    if k == 2:
        return tf.reverse(array, [first, second])
    perm = list(range(ndim))
    perm[first], perm[second] = second, first
    if k == 1:
        return tf.transpose(tf.reverse(array, [second]), perm)
    return tf.reverse(tf.transpose(array, perm), [second])


def _pad_indices(n, before, after, mode):
    """Source positions along one axis of size ``n`` for NumPy's non-constant pad modes."""
    idx = tf.range(-before, n + after)
    if mode == "edge":
        return tf.clip_by_value(idx, 0, n - 1)
    if mode == "wrap":
        return tf.math.floormod(idx, n)
    if mode == "reflect":
        period = tf.maximum(2 * n - 2, 1)
        idx = tf.math.floormod(idx, period)
        return tf.where(idx >= n, period - idx, idx)
    period = 2 * n  # symmetric
    idx = tf.math.floormod(idx, period)
    return tf.where(idx >= n, period - 1 - idx, idx)


def _fits_tf_pad(x, pad_width, mode):
    """Whether ``tf.pad`` can pad in ``mode``: reflections no wider than the axis they mirror."""
    if mode == "constant" or tf.is_tensor(pad_width):
        return True
    limit = 1 if mode == "reflect" else 0
    return all(
        n is None or builtins.max(before, after) <= n - limit for n, (before, after) in zip(x.shape.as_list(), pad_width)
    )


_TF_PAD_MODES = {"constant": "CONSTANT", "reflect": "REFLECT", "symmetric": "SYMMETRIC"}


def pad(x, pad_width, mode="constant", constant_values=None):
    x = _t(x)
    if constant_values is not None and mode != "constant":
        raise ValueError(f"`constant_values` can only be given with mode='constant'. Received: mode={mode!r}")
    if mode not in ("constant", "edge", "reflect", "symmetric", "wrap"):
        raise ValueError(
            "`mode` must be one of 'constant', 'edge', 'reflect', 'symmetric', 'wrap'. "
            f"Received: mode={mode!r}"
        )
    if tf.is_tensor(pad_width):
        static = tf.get_static_value(pad_width)
        if static is not None:
            pad_width = static.tolist()
        elif mode not in _TF_PAD_MODES:
            raise ValueError(f"pad: mode={mode!r} needs a `pad_width` known when tracing. Received: pad_width={pad_width}")
    if not tf.is_tensor(pad_width):
        if np.ndim(pad_width) == 0:
            pad_width = [(int(pad_width), int(pad_width))]
        pad_width = [(int(p), int(p)) if np.ndim(p) == 0 else tuple(int(v) for v in p) for p in pad_width]
        if len(pad_width) == 1 and x.shape.rank > 1:
            pad_width = pad_width * x.shape.rank
    if mode in _TF_PAD_MODES and _fits_tf_pad(x, pad_width, mode):
        kwargs = {}
        if constant_values is not None:
            kwargs["constant_values"] = _to(constant_values, x.dtype)
        return tf.pad(x, pad_width, _TF_PAD_MODES[mode], **kwargs)
    shape = _static_or_dynamic_shape(x)
    for axis, (before, after) in enumerate(pad_width):
        if before or after:
            x = tf.gather(x, _pad_indices(shape[axis], before, after, mode), axis=axis)
    return x


def view(x, dtype=None):
    x = _t(x)
    if dtype is None:
        return x
    new = tf.as_dtype(standardize_dtype(dtype))
    old_size, new_size = x.dtype.size, new.size
    if old_size == new_size:
        return tf.bitcast(x, new)
    shape = _static_or_dynamic_shape(x)
    if not shape:
        raise ValueError(f"Cannot view a 0-d array of {x.dtype.name} as {new.name}: the item sizes differ.")
    last = shape[-1]
    if old_size > new_size:
        out = tf.bitcast(x, new)  # adds a trailing axis of old_size // new_size
        return tf.reshape(out, shape[:-1] + [last * (old_size // new_size)])
    ratio = new_size // old_size
    if isinstance(last, int) and last % ratio:
        raise ValueError(
            f"Cannot view {x.dtype.name} as {new.name}: the last axis ({last}) must be a multiple of "
            f"{ratio}. Received: x.shape={tuple(x.shape)}"
        )
    return tf.bitcast(tf.reshape(x, shape[:-1] + [last // ratio, ratio]), new)


def size(x):
    x = _t(x)
    n = x.shape.num_elements()
    return n if n is not None else tf.size(x)


def ndim(x):
    return _t(x).shape.rank


__all__ = names.SHAPE
