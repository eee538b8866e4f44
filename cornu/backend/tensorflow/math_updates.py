"""TensorFlow structured reads and updates: ``slice``, ``slice_update``, ``scatter``,
``scatter_update``, ``unstack`` (re-exported by ``cornu.backend.tensorflow.math``).

Start indices may be tensors (also inside ``tf.function``); like ``jax.lax.dynamic_slice``
they are clamped so that the block fits inside the input. Updates are built from
``tf.tensor_scatter_nd_*`` kernels, which XLA compiles and ``tf.GradientTape`` differentiates.

Example:
>>> slice_update(tf.zeros((4,)), [1], tf.ones((2,))).numpy()
array([0., 1., 1., 0.], dtype=float32)
"""

import builtins

import numpy as np
import tensorflow as tf

from cornu.backend.tensorflow.core import convert_to_tensor
from cornu.backend.tensorflow.numpy import _t


def _static_starts(start_indices):
    """The start indices as Python ints when none of them is a tensor, else None."""
    if tf.is_tensor(start_indices):
        return None
    if isinstance(start_indices, np.ndarray):
        return [int(v) for v in start_indices.reshape(-1)]
    if builtins.any(tf.is_tensor(v) for v in start_indices):
        return None
    return [int(v) for v in start_indices]


def _start_tensor(start_indices):
    """The start indices as a 1-D int32 tensor (a tensor, or a list mixing ints and scalars)."""
    if tf.is_tensor(start_indices) or isinstance(start_indices, np.ndarray):
        return tf.cast(tf.reshape(_t(start_indices), [-1]), tf.int32)
    return tf.stack([tf.cast(tf.reshape(_t(s), []), tf.int32) for s in start_indices])


def _clamped_starts(inputs, start_indices, sizes):
    """Start indices clamped to ``[0, dim - size]``: Python ints when everything is static,
    else an int32 tensor. ``sizes`` holds ints, or scalar tensors for unknown dims."""
    static = _static_starts(start_indices)
    dims = inputs.shape.as_list()
    if static is not None and None not in dims and builtins.all(isinstance(n, int) for n in sizes):
        return [builtins.min(builtins.max(s, 0), d - n) for s, d, n in zip(static, dims, sizes)]
    limit = tf.shape(inputs, out_type=tf.int32) - tf.stack([tf.cast(n, tf.int32) for n in sizes])
    return tf.clip_by_value(_start_tensor(start_indices), 0, tf.maximum(limit, 0))


def _sizes(x):
    """``x``'s dims: ints where known, scalar tensors where not."""
    dims = x.shape.as_list()
    if None not in dims:
        return dims
    dynamic = tf.shape(x)
    return [dynamic[i] if d is None else d for i, d in enumerate(dims)]


def slice(inputs, start_indices, shape):
    """The block of ``inputs`` of size ``shape`` starting at ``start_indices`` (clamped so the
    block fits)."""
    inputs = _t(inputs)
    shape = [int(n) for n in shape]
    starts = _clamped_starts(inputs, start_indices, shape)
    if isinstance(starts, list):
        return inputs[tuple(builtins.slice(s, s + n) for s, n in zip(starts, shape))]
    return tf.slice(inputs, starts, shape)


def slice_update(inputs, start_indices, updates):
    """``inputs`` with the block at ``start_indices`` (clamped so it fits) replaced by
    ``updates``."""
    inputs = _t(inputs)
    updates = convert_to_tensor(updates, inputs.dtype)
    rank = inputs.shape.rank
    if rank == 0:
        return tf.reshape(updates, [])
    sizes = _sizes(updates)
    starts = _clamped_starts(inputs, start_indices, sizes)
    # The index of every element of the block: a grid of shape updates.shape + (rank,).
    axes = [tf.range(sizes[i]) + starts[i] for i in range(rank)]
    grid = tf.stack(tf.meshgrid(*axes, indexing="ij"), axis=-1)
    return tf.tensor_scatter_nd_update(inputs, grid, updates)


def _indices(indices):
    indices = _t(indices)
    return indices if indices.dtype in (tf.int32, tf.int64) else tf.cast(indices, tf.int32)


def scatter(indices, values, shape):
    """A zeros tensor of ``shape`` with ``values`` added at ``indices`` (the last axis of
    ``indices`` indexes the leading dims of ``shape``; repeated indices add up)."""
    indices = _indices(indices)
    values = _t(values)
    if isinstance(shape, (list, tuple)):
        shape = tf.constant([int(n) for n in shape], indices.dtype) if builtins.all(
            not tf.is_tensor(n) for n in shape
        ) else tf.stack([tf.cast(n, indices.dtype) for n in shape])
    else:
        shape = tf.cast(_t(shape), indices.dtype)
    return tf.scatter_nd(indices, values, shape)


_REDUCTIONS = {
    None: tf.tensor_scatter_nd_update,
    "add": tf.tensor_scatter_nd_add,
    "max": tf.tensor_scatter_nd_max,
    "min": tf.tensor_scatter_nd_min,
}


def scatter_update(inputs, indices, updates, reduction=None):
    """``inputs`` with ``updates`` written at ``indices``, or combined with what is there by
    ``reduction`` ('add', 'max', 'min' or 'mul')."""
    inputs = _t(inputs)
    indices = _indices(indices)
    updates = convert_to_tensor(updates, inputs.dtype)
    if reduction == "mul":
        return inputs * _products_at(inputs, indices, updates)
    if reduction not in _REDUCTIONS:
        raise ValueError(f"`reduction` must be None, 'add', 'max', 'min' or 'mul'. Received: reduction={reduction!r}")
    return _REDUCTIONS[reduction](inputs, indices, updates)


def _products_at(inputs, indices, updates):
    """A tensor shaped like ``inputs`` holding, at each indexed position, the product of the
    updates aimed at it (1 elsewhere): TensorFlow has no scatter-multiply kernel."""
    depth = indices.shape[-1] if indices.shape[-1] is not None else tf.shape(indices)[-1]
    shape = tf.shape(inputs, out_type=indices.dtype)
    lead, inner = shape[:depth], shape[depth:]
    # Row-major flat position of each index over the leading `depth` dims.
    strides = tf.math.cumprod(lead, exclusive=True, reverse=True)
    flat = tf.reshape(tf.reduce_sum(indices * strides, axis=-1), [-1])
    rows = tf.reshape(updates, tf.concat([[-1], inner], axis=0))
    products = tf.math.unsorted_segment_prod(rows, flat, tf.reduce_prod(lead))
    return tf.reshape(products, shape)


def unstack(x, num=None, axis=0):
    """The slices of ``x`` along ``axis``, as a list (``x.shape[axis]`` or ``num`` must be
    known)."""
    return tf.unstack(_t(x), num=num, axis=axis)
