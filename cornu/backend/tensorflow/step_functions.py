"""The traced functions behind the TensorFlow runner (``step.Runner``).

One step is a ``tf.function`` (``reduce_retracing=True``, ``jit_compile`` for XLA), traced
once per input signature: the batches of an epoch share one trace, the smaller last batch
adds at most one more (with a free batch dimension, which later shapes reuse).

``steps_per_execution=N`` runs N training or test steps in one call, as Keras's TensorFlow
trainer does: the group's batches are stacked and a ``tf.while_loop`` inside a second
``tf.function`` calls the step on each, so the trace does not grow with N. A group whose
batches differ in structure, shape or dtype (or hold values that do not stack) runs step by
step instead. Predict groups run step by step and join their outputs.

Python code in the step runs only while tracing, as in Keras on TensorFlow: what changes
between steps must live in variables (optimizer iterations, metric totals, seed states).

Example:
>>> functions = StepFunctions(model.test_step, "test", jit_compile=False)
>>> logs = functions((x, y))                  # traces, then runs
>>> logs = functions.run_group([(x, y)] * 4)  # four steps in one call
"""

import numpy as np
import optree
import tensorflow as tf


class StepFunctions:
    """``step`` traced into a ``tf.function``; callable on one batch, and ``run_group`` on several."""

    def __init__(self, step, kind, jit_compile):
        self.kind = kind
        self.jit_compile = jit_compile
        self.one_step = tf.function(step, reduce_retracing=True, jit_compile=jit_compile, autograph=False)
        self._steps_in_a_loop = None
        self._concrete = {}

    def __call__(self, data):
        # A batch of tensors calls its signature's concrete function directly: the
        # ``tf.function`` dispatch (binding and hashing the nested argument) measured ~0.5 ms a
        # step of a small MLP on one core. NumPy leaves, or more shapes than
        # ``_MAX_CONCRETE`` (variable-length batches), go through the dispatch.
        key = _tensor_signature(data)
        concrete = self._concrete.get(key)
        if concrete is None:
            if key is None or len(self._concrete) >= _MAX_CONCRETE:
                return self.one_step(data)
            concrete = self._concrete[key] = self.one_step.get_concrete_function(data)
        return concrete(data)

    def run_group(self, batches):
        """Runs every batch's step; returns the last logs (train, test) or every output joined
        along the batch axis (predict)."""
        if self.kind == "predict":
            outputs = [self.one_step(batch) for batch in batches]
            return optree.tree_map(lambda *parts: concatenate_outputs(parts, 0), *outputs)
        rest = stack_batches(batches[1:]) if len(batches) > 1 else None
        if rest is None or not _same_signature(batches[0], batches[1]):
            logs = None
            for batch in batches:
                logs = self.one_step(batch)
            return logs
        if self._steps_in_a_loop is None:
            self._steps_in_a_loop = tf.function(self._loop, reduce_retracing=True, autograph=False)
        return self._steps_in_a_loop(batches[0], rest)

    def _loop(self, first, rest):
        # The first step gives the logs' structure; the loop carries the latest logs.
        logs = self.one_step(first)
        flat, tree = optree.tree_flatten(logs, none_is_leaf=True)
        flat = [tf.convert_to_tensor(value) for value in flat]
        count = tf.shape(optree.tree_leaves(rest)[0])[0]

        def body(index, _):
            batch = optree.tree_map(lambda stacked: stacked[index], rest)
            new_logs = optree.tree_flatten(self.one_step(batch), none_is_leaf=True)[0]
            return index + 1, [tf.cast(new, old.dtype) for new, old in zip(new_logs, flat)]

        _, flat = tf.while_loop(lambda index, _: index < count, body, (tf.constant(0), flat))
        return optree.tree_unflatten(tree, flat)


_MAX_CONCRETE = 16


def _tensor_signature(data):
    """The batch's structure and ``_leaf_signature`` per leaf when every leaf is a tensor; else None."""
    leaves, tree = optree.tree_flatten(data, none_is_leaf=True)
    if not all(isinstance(leaf, tf.Tensor) for leaf in leaves):
        return None
    signature = tuple(_leaf_signature(leaf) for leaf in leaves)
    return None if None in signature else (tree, signature)


def stack_batches(batches):
    """The batches stacked leaf by leaf along a new leading axis, or None when they do not
    stack (different structures, shapes or dtypes; sparse, ragged or text values)."""
    structures = [optree.tree_flatten(batch) for batch in batches]
    tree = structures[0][1]
    if any(other != tree for _, other in structures[1:]):
        return None
    stacked = []
    for parts in zip(*(leaves for leaves, _ in structures)):
        signatures = {_leaf_signature(part) for part in parts}
        if len(signatures) != 1 or None in signatures:
            return None
        if all(isinstance(part, np.ndarray) for part in parts):
            stacked.append(np.stack(parts))
        else:
            stacked.append(tf.stack([tf.convert_to_tensor(part) for part in parts]))
    return optree.tree_unflatten(tree, stacked)


def _leaf_signature(leaf):
    """A stackable leaf's ``(shape, dtype)``; None for anything else."""
    if isinstance(leaf, np.ndarray):
        return (leaf.shape, leaf.dtype.name) if leaf.dtype.kind in "biuf" else None
    if isinstance(leaf, tf.Tensor) and leaf.dtype != tf.string:
        return (tuple(leaf.shape), leaf.dtype.name)
    return None


def _same_signature(first, second):
    """Whether two batches have the same structure and per-leaf shapes and dtypes."""
    first_leaves, first_tree = optree.tree_flatten(first)
    second_leaves, second_tree = optree.tree_flatten(second)
    if first_tree != second_tree:
        return False
    return all(_leaf_signature(a) == _leaf_signature(b) for a, b in zip(first_leaves, second_leaves))


def concatenate_outputs(parts, axis=0):
    """Joins predict outputs along ``axis`` (called as ``concatenate(parts, 0)``)."""
    return tf.concat([tf.convert_to_tensor(part) for part in parts], axis)
