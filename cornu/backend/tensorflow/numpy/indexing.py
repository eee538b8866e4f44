"""Indexing and sorting on TensorFlow: gathering, selecting, searching, sorting.

Backs ``cornu.ops.numpy.indexing``; re-exported by ``cornu.backend.tensorflow.numpy``. Ops whose
output shape depends on the values (``nonzero``, ``unique``, ``where`` with one argument) give
tensors of a dynamic size inside ``tf.function`` and cannot be compiled with XLA, as in Keras.

Example:
>>> take(tf.constant([10, 20, 30]), [2, -1]).numpy().tolist()
[30, 30]
"""

import tensorflow as tf

from cornu.backend.common.array_namespace_ops import names
from cornu.backend.common.array_namespace_ops.indexing import check_sorted_sequence
from cornu.backend.tensorflow.numpy._common import (
    _promote,
    _same_dtype,
    _static_or_dynamic_shape,
    _t,
    _to,
)
from cornu.backend.tensorflow.numpy.shape import _canonical_axis, moveaxis, swapaxes


def diagonal(x, offset=0, axis1=0, axis2=1):
    x = _t(x)
    ndim = x.shape.rank
    axis1, axis2 = _canonical_axis(axis1, ndim), _canonical_axis(axis2, ndim)
    x = moveaxis(x, (axis1, axis2), (-2, -1))
    shape = _static_or_dynamic_shape(x)
    rows, cols = shape[-2], shape[-1]
    if isinstance(rows, int) and isinstance(cols, int):
        if offset <= -rows or offset >= cols:
            return tf.zeros(shape[:-2] + [0], x.dtype)
        return tf.linalg.diag_part(x, k=offset)
    outside = tf.logical_or(offset <= -rows, offset >= cols)
    return tf.cond(outside, lambda: tf.zeros(shape[:-2] + [0], x.dtype), lambda: tf.linalg.diag_part(x, k=offset))


def _wrap_negative(indices, size):
    """Negative indices count from the end, as in NumPy."""
    indices = _t(indices)
    if not indices.dtype.is_integer:
        indices = tf.cast(indices, tf.int32)
    return tf.where(indices < 0, indices + tf.cast(size, indices.dtype), indices)


def take(x, indices, axis=None):
    x = _t(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    axis = _canonical_axis(axis, x.shape.rank)
    return tf.gather(x, _wrap_negative(indices, _static_or_dynamic_shape(x)[axis]), axis=axis)


def take_along_axis(x, indices, axis=None):
    x = _t(x)
    indices = _t(indices)
    if axis is None:
        if indices.shape.rank != 1:
            raise ValueError(f"take_along_axis with axis=None needs 1-D `indices`. Received: indices.shape={indices.shape}")
        x, axis = tf.reshape(x, [-1]), 0
    ndim = x.shape.rank
    if indices.shape.rank != ndim:
        raise ValueError(
            "take_along_axis needs `indices` with as many dimensions as `x`. "
            f"Received: x.shape={x.shape}, indices.shape={indices.shape}"
        )
    axis = _canonical_axis(axis, ndim)
    x_shape, i_shape = _static_or_dynamic_shape(x), _static_or_dynamic_shape(indices)
    # Broadcast every axis but `axis` between the two.
    batch = []
    for d, (a, b) in enumerate(zip(x_shape, i_shape)):
        if d == axis:
            batch.append(None)
        elif isinstance(a, int) and isinstance(b, int):
            if a != b and 1 not in (a, b):
                raise ValueError(f"take_along_axis: shapes {x.shape} and {indices.shape} do not broadcast.")
            batch.append(b if a == 1 else a)
        else:
            batch.append(tf.maximum(a, b))
    x = tf.broadcast_to(x, [x_shape[axis] if d == axis else s for d, s in enumerate(batch)])
    indices = tf.broadcast_to(indices, [i_shape[axis] if d == axis else s for d, s in enumerate(batch)])
    indices = _wrap_negative(indices, x_shape[axis])
    x, indices = swapaxes(x, axis, -1), swapaxes(indices, axis, -1)
    out = tf.gather(x, indices, axis=-1, batch_dims=ndim - 1)
    return swapaxes(out, axis, -1)


def _is_basic_part(part):
    """Whether one part of a key is plain slicing TensorFlow's ``__getitem__`` understands."""
    if part is None or part is Ellipsis or isinstance(part, (int, slice)):
        return True
    return tf.is_tensor(part) and part.shape.rank == 0 and part.dtype.is_integer


def get_item(x, key):
    x = _t(x)
    parts = key if isinstance(key, tuple) else (key,)
    advanced = [i for i, part in enumerate(parts) if not _is_basic_part(part)]
    if not advanced:
        return x[key]
    position = advanced[0]
    if len(advanced) == 1 and all(isinstance(p, slice) and p == slice(None) for p in parts[:position]):
        index = _t(parts[position])
        if index.dtype == tf.bool:
            out, produced = tf.boolean_mask(x, index, axis=position), 1
        else:
            out = tf.gather(x, _wrap_negative(index, _static_or_dynamic_shape(x)[position]), axis=position)
            produced = index.shape.rank
        rest = tuple(parts[position + 1 :])
        return out[(slice(None),) * (position + produced) + rest] if rest else out
    raise ValueError(
        "get_item on the TensorFlow backend supports ints, slices, None, Ellipsis and one integer or "
        f"boolean array index after full slices (`:`). Received: key={key!r}"
    )


def where(condition, x1=None, x2=None):
    condition = _t(condition)
    if condition.dtype != tf.bool:
        condition = tf.cast(condition, tf.bool)
    if x1 is None and x2 is None:
        return nonzero(condition)
    if x1 is None or x2 is None:
        raise ValueError("where: give both `x1` and `x2`, or neither. Received: one of them is None.")
    x1, x2 = _promote(x1, x2)
    return tf.where(condition, x1, x2)


def select(condlist, choicelist, default=0):
    if len(condlist) != len(choicelist):
        raise ValueError(
            "select needs as many conditions as choices. "
            f"Received: len(condlist)={len(condlist)}, len(choicelist)={len(choicelist)}"
        )
    choicelist = _same_dtype(list(choicelist))
    out = _to(default, choicelist[0].dtype)
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        out = tf.where(tf.cast(_t(cond), tf.bool), choice, out)
    return out


def nonzero(x):
    x = _t(x)
    positions = tf.where(tf.cast(x, tf.bool) if x.dtype != tf.bool else x)
    return tuple(tf.cast(p, tf.int32) for p in tf.unstack(positions, num=x.shape.rank, axis=1))


def _sortable(x):
    # TensorFlow cannot sort booleans.
    return tf.cast(x, tf.uint8) if x.dtype == tf.bool else x


def sort(x, axis=-1):
    x = _t(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    if x.dtype == tf.bool:
        return tf.cast(tf.sort(tf.cast(x, tf.uint8), axis=axis), tf.bool)
    return tf.sort(x, axis=axis)


def argsort(x, axis=-1):
    x = _sortable(_t(x))
    if axis is None or x.shape.rank == 0:
        x, axis = tf.reshape(x, [-1]), 0
    return tf.argsort(x, axis=axis, stable=True)


def argpartition(x, kth, axis=-1):
    # A full stable argsort is a valid partition around every kth.
    return argsort(x, axis=axis)


def searchsorted(sorted_sequence, values, side="left"):
    sorted_sequence = _t(sorted_sequence)
    check_sorted_sequence(sorted_sequence)
    if side not in ("left", "right"):
        raise ValueError(f"`side` must be 'left' or 'right'. Received: side={side!r}")
    values, sorted_sequence = _promote(values, sorted_sequence)
    values, sorted_sequence = _sortable(values), _sortable(sorted_sequence)
    flat = tf.reshape(values, [-1])
    out = tf.searchsorted(sorted_sequence, flat, side=side, out_type=tf.int32)
    return tf.reshape(out, _static_or_dynamic_shape(values))


def digitize(x, bins):
    x, bins = _promote(x, bins)
    x, bins = _sortable(x), tf.reshape(_sortable(bins), [-1])
    flat = tf.reshape(x, [-1])
    # Increasing bins: a right-sided search. Decreasing bins: the number of bins above each value.
    increasing = tf.searchsorted(bins, flat, side="right", out_type=tf.int32)
    decreasing = tf.size(bins, tf.int32) - tf.searchsorted(tf.reverse(bins, [0]), flat, side="right", out_type=tf.int32)
    is_decreasing = tf.reduce_any(bins[:1] > bins[-1:])  # False for no bins
    return tf.reshape(tf.where(is_decreasing, decreasing, increasing), _static_or_dynamic_shape(x))


def unravel_index(indices, shape):
    indices = _t(indices)
    shape = list(shape)
    if any(d is None for d in shape):
        raise ValueError(f"unravel_index needs a `shape` without None. Received: shape={shape}")
    coords = []
    for dim in reversed(shape):
        coords.append(tf.math.floormod(indices, tf.cast(dim, indices.dtype)))
        indices = tf.math.floordiv(indices, tf.cast(dim, indices.dtype))
    return tuple(reversed(coords))


def _lexicographic_order(rows):
    """The stable order sorting the rows of a 2-D tensor lexicographically (one pass per column)."""
    count = tf.shape(rows)[0]
    columns = tf.shape(rows)[1]

    def body(i, order):
        column = tf.gather(rows[:, i], order)
        return i - 1, tf.gather(order, tf.argsort(_sortable(column), stable=True))

    _, order = tf.while_loop(lambda i, _: i >= 0, body, [columns - 1, tf.range(count)])
    return order


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None, size=None, fill_value=None):
    x = _t(x)
    original_shape = _static_or_dynamic_shape(x)
    flattened = axis is None
    if flattened:
        flat = tf.reshape(x, [-1])
        values, inverse, counts = tf.unique_with_counts(flat, out_idx=tf.int32)
        axis, length = 0, tf.shape(flat)[0]
        order = tf.argsort(_sortable(values), stable=True)
    else:
        axis = _canonical_axis(axis, x.shape.rank)
        values, inverse, counts = tf.raw_ops.UniqueWithCountsV2(x=x, axis=[axis], out_idx=tf.int32)
        length = tf.shape(x)[axis]
        moved = moveaxis(values, axis, 0)
        order = _lexicographic_order(tf.reshape(moved, [tf.shape(moved)[0], -1]))
    n = tf.shape(values)[axis]
    first = tf.math.unsorted_segment_min(tf.range(length), inverse, n)
    # tf.unique keeps first-appearance order; NumPy's unique is sorted.
    values = tf.gather(values, order, axis=axis)
    first, counts = tf.gather(first, order), tf.gather(counts, order)
    inverse = tf.gather(tf.math.invert_permutation(order), inverse)
    if size is not None:
        keep = tf.minimum(n, size)
        values = tf.gather(values, tf.range(keep), axis=axis)
        first, counts = first[:keep], counts[:keep]
        missing = tf.maximum(size - n, 0)
        if fill_value is None:
            fill = tf.cond(n > 0, lambda: tf.reduce_min(tf.gather(values, [0], axis=axis)), lambda: tf.zeros((), values.dtype))
        else:
            fill = _to(fill_value, values.dtype)
        paddings = [[0, missing if d == axis else 0] for d in range(values.shape.rank)]
        values = tf.pad(values, paddings, constant_values=fill)
        first, counts = tf.pad(first, [[0, missing]]), tf.pad(counts, [[0, missing]])
        if isinstance(size, int):
            static = values.shape.as_list()
            static[axis] = size
            values.set_shape(static)
            first.set_shape([size])
            counts.set_shape([size])
    if return_inverse and flattened:
        inverse = tf.reshape(inverse, original_shape)
    outputs = [values]
    if return_index:
        outputs.append(first)
    if return_inverse:
        outputs.append(inverse)
    if return_counts:
        outputs.append(counts)
    return tuple(outputs) if len(outputs) > 1 else values


__all__ = names.INDEXING
