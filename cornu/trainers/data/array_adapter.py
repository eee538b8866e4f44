"""Batches from in-memory arrays: NumPy, pandas, backend tensors, nested dicts/lists of them."""

import math

import numpy as np
import optree

from cornu.trainers.data.adapter import to_numpy


class ArrayDataAdapter:
    """Slices arrays into batches, shuffling each epoch (or within batches with ``shuffle="batch"``)."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, steps=None, shuffle=False, class_weight=None):
        if shuffle not in (True, False, "batch"):
            raise ValueError(f"`shuffle` must be True, False or 'batch'. Received: shuffle={shuffle!r}")
        self._x = optree.tree_map(to_numpy, x)
        self._y = optree.tree_map(to_numpy, y) if y is not None else None
        if sample_weight is not None and class_weight is not None:
            raise ValueError(
                "You cannot pass both `class_weight` and `sample_weight` at the same time. Received: "
                "both were given."
            )
        leaves = optree.tree_leaves(self._x) + (optree.tree_leaves(self._y) if self._y is not None else [])
        sizes = {int(a.shape[0]) if a.ndim else None for a in leaves}
        if None in sizes:
            raise ValueError("Every input array must have a batch dimension (rank >= 1). Received a 0-d array.")
        if len(sizes) > 1:
            x_sizes = [a.shape[0] for a in optree.tree_leaves(self._x)]
            y_sizes = [a.shape[0] for a in optree.tree_leaves(self._y)] if self._y is not None else []
            raise ValueError(
                "Data cardinality is ambiguous: make sure all arrays contain the same number of samples. "
                f"Received: x sizes: {x_sizes}, y sizes: {y_sizes}"
            )
        self.num_samples = sizes.pop()
        if sample_weight is not None:
            sample_weight = to_numpy(sample_weight)
            if sample_weight.shape[0] != self.num_samples:
                raise ValueError(
                    f"`sample_weight` must have one entry per sample ({self.num_samples}). "
                    f"Received: sample_weight.shape={sample_weight.shape}"
                )
        if class_weight is not None:
            if self._y is None or len(optree.tree_leaves(self._y)) != 1:
                raise ValueError("`class_weight` is only supported for models with a single output and given `y`.")
            sample_weight = _class_weight_to_sample_weight(optree.tree_leaves(self._y)[0], class_weight)
        self._sample_weight = sample_weight
        if batch_size is None:
            batch_size = math.ceil(self.num_samples / steps) if steps else 32
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"`batch_size` must be a positive integer. Received: batch_size={batch_size!r}")
        self.batch_size = batch_size
        self._shuffle = shuffle
        self.num_batches = math.ceil(self.num_samples / batch_size) if self.num_samples else 0

    def _take(self, index):
        x = optree.tree_map(lambda a: a[index], self._x)
        if self._y is None:
            return (x,)
        y = optree.tree_map(lambda a: a[index], self._y)
        if self._sample_weight is None:
            return (x, y)
        return (x, y, self._sample_weight[index])

    def get_numpy_iterator(self):
        """One epoch of batches as tuples of NumPy arrays."""
        n, b = self.num_samples, self.batch_size
        if self._shuffle is True:
            order = np.random.permutation(n)
        else:
            order = None
        for start in range(0, n, b):
            stop = min(start + b, n)
            if order is not None:
                index = order[start:stop]
            elif self._shuffle == "batch":
                index = start + np.random.permutation(stop - start)
            else:
                index = slice(start, stop)
            yield self._take(index)

    def peek(self):
        return self._take(slice(0, min(self.batch_size, self.num_samples)))


def _class_weight_to_sample_weight(y, class_weight):
    y = np.asarray(y)
    if y.ndim > 1 and y.shape[-1] > 1:
        labels = np.argmax(y, axis=-1)
    else:
        labels = np.round(y.reshape(y.shape[0], -1)[:, 0]).astype("int64")
    weights = np.ones(labels.shape[0], dtype="float32")
    for cls, w in class_weight.items():
        weights[labels == int(cls)] = w
    return weights


def train_validation_split(arrays, validation_split):
    """Splits nested arrays: the last ``floor(n * split)`` samples become validation data."""
    leaves = [a for a in optree.tree_leaves(arrays) if a is not None]
    n = int(to_numpy(leaves[0]).shape[0])
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"Training data contains {n} samples, which is not sufficient to split it into a validation and "
            f"training set as specified by `validation_split={validation_split}`. Either provide more data, or a "
            "different value for the `validation_split` argument."
        )
    train = optree.tree_map(lambda a: to_numpy(a)[:split_at], arrays, none_is_leaf=False)
    val = optree.tree_map(lambda a: to_numpy(a)[split_at:], arrays, none_is_leaf=False)
    return train, val
