"""Batches from in-memory arrays: NumPy, pandas, scipy sparse, jax/torch tensors, and
nested dicts/lists/tuples of them."""

import math

import numpy as np
import optree

from cornu.trainers.data.array_conversion import arrays_to_numpy, can_convert_arrays, is_scipy_sparse
from cornu.trainers.data.class_weight import check_single_output, class_weight_to_sample_weight
from cornu.trainers.data.data_adapter import DataAdapter


def _is_nested(structure):
    return isinstance(structure, (list, tuple, dict))


def _sample_weight_per_output(y, sample_weight):
    """One sample-weight array for every output: a matching structure, or one array repeated."""
    if not _is_nested(y):
        return sample_weight
    if _is_nested(sample_weight):
        if optree.tree_structure(y, none_is_leaf=False) != optree.tree_structure(sample_weight, none_is_leaf=False):
            raise ValueError(
                "Pass one `sample_weight` array per output in `y` (the same structure), or a single array of "
                f"shape (num_samples,). Received: y structure {optree.tree_structure(y)}, sample_weight "
                f"structure {optree.tree_structure(sample_weight)}"
            )
        return sample_weight
    if not (sample_weight.ndim == 1 or sample_weight.ndim == 2 and sample_weight.shape[1] == 1):
        raise ValueError(
            "For a model with several outputs, a single `sample_weight` array must hold one scalar per sample "
            "(shape (num_samples,)). For per-timestep weights, pass one array per output. "
            f"Received: sample_weight.shape={sample_weight.shape}"
        )
    return optree.tree_map(lambda _: sample_weight, y, none_is_leaf=False)


def _check_cardinality(x, y, sample_weight):
    sizes = {}
    for label, part in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        leaves = optree.tree_leaves(part, none_is_leaf=False)
        for leaf in leaves:
            if len(leaf.shape) == 0:
                raise ValueError(
                    f"Every array in `{label}` needs a batch dimension (rank >= 1). Received a scalar: {leaf!r}"
                )
        sizes[label] = [int(leaf.shape[0]) for leaf in leaves]
    distinct = {n for part in sizes.values() for n in part}
    if len(distinct) > 1:
        detail = ", ".join(f"'{label}' sizes: {part}" for label, part in sizes.items() if part)
        raise ValueError(
            "Data cardinality is ambiguous: make sure all arrays contain the same number of samples. "
            f"Received: {detail}"
        )
    return distinct.pop() if distinct else 0


def _take(array, index):
    part = array[index]
    return part.toarray() if is_scipy_sparse(part) else part


def _take_all(arrays, index):
    """``_take`` on every array of a nested structure (one array: no tree walk)."""
    if type(arrays) is np.ndarray:
        return arrays[index]
    return optree.tree_map(lambda a: _take(a, index), arrays, none_is_leaf=False)


class ArrayDataAdapter(DataAdapter):
    """Slices arrays into batches; ``shuffle=True`` permutes samples each epoch and
    ``shuffle="batch"`` permutes within each batch-sized chunk.

    Example:
    >>> adapter = ArrayDataAdapter(x, y, batch_size=32, shuffle=True)
    >>> for x_batch, y_batch in adapter.get_numpy_iterator(): ...
    """

    cheap_batches = True

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, steps=None, shuffle=False, class_weight=None):
        if not can_convert_arrays((x, y, sample_weight)):
            raise ValueError(
                "Expected `x`, `y` and `sample_weight` to be arrays or tensors (or nested structures of them). "
                f"Received: x of type {type(x).__name__}"
            )
        if shuffle not in (True, False, "batch"):
            raise ValueError(f"`shuffle` must be True, False or 'batch'. Received: shuffle={shuffle!r}")
        if sample_weight is not None and class_weight is not None:
            raise ValueError(
                "You cannot pass both `class_weight` and `sample_weight`: fold the class weights into the sample "
                "weights. Received: both arguments."
            )
        x = arrays_to_numpy(x)
        y = arrays_to_numpy(y) if y is not None else None
        if sample_weight is not None:
            sample_weight = _sample_weight_per_output(y, arrays_to_numpy(sample_weight))
        if class_weight is not None:
            check_single_output(y)
            sample_weight = class_weight_to_sample_weight(y, class_weight)
        self.num_samples = _check_cardinality(x, y, sample_weight)
        self._x, self._y, self._sample_weight = x, y, sample_weight
        if not batch_size:
            batch_size = math.ceil(self.num_samples / steps) if steps else 32
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"`batch_size` must be a positive integer. Received: batch_size={batch_size!r}")
        self.batch_size = int(batch_size)
        self._shuffle = shuffle

    @property
    def num_batches(self):
        return math.ceil(self.num_samples / self.batch_size)

    def _batch(self, index):
        x = _take_all(self._x, index)
        if self._y is None:
            return (x,)
        y = _take_all(self._y, index)
        if self._sample_weight is None:
            return (x, y)
        return (x, y, _take_all(self._sample_weight, index))

    def _epoch_indices(self):
        """Each batch's indices for one epoch, drawn now so the order does not depend on who iterates."""
        n, size = self.num_samples, self.batch_size
        bounds = [(start, min(start + size, n)) for start in range(0, n, size)]
        if self._shuffle == "batch":
            return [start + np.random.permutation(stop - start) for start, stop in bounds]
        if self._shuffle:
            order = np.random.permutation(n)
            return [order[start:stop] for start, stop in bounds]
        return [slice(start, stop) for start, stop in bounds]

    def get_numpy_iterator(self):
        """One epoch of batches as tuples of NumPy arrays (the order is drawn now)."""
        return _IndexedBatches(self._batch, self._epoch_indices())

    def peek(self):
        return self._batch(slice(0, min(self.batch_size, self.num_samples)))


class _IndexedBatches:
    """Iterator over one pass's batches that can skip batches without slicing them
    (a resumed ``fit`` fast-forwards to where the interrupted epoch stopped)."""

    def __init__(self, make_batch, indices):
        self._make_batch = make_batch
        self._indices = indices
        self._next = 0

    def __iter__(self):
        return self

    def __next__(self):
        if self._next >= len(self._indices):
            raise StopIteration
        index = self._indices[self._next]
        self._next += 1
        return self._make_batch(index)

    def skip(self, count):
        self._next = min(self._next + count, len(self._indices))


def train_validation_split(arrays, validation_split):
    """Splits nested arrays: the last ``floor(n * validation_split)`` samples become validation data.

    Example:
    >>> (x_train, y_train), (x_val, y_val) = train_validation_split((x, y), 0.2)
    """
    if not can_convert_arrays(arrays):
        raise ValueError(
            "`validation_split` is only supported for arrays and tensors. Received: "
            f"{[type(a).__name__ for a in optree.tree_leaves(arrays, none_is_leaf=False)]}"
        )
    arrays = arrays_to_numpy(arrays)
    n = int(optree.tree_leaves(arrays, none_is_leaf=False)[0].shape[0])
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"Training data contains {n} samples, which is not sufficient to split it into a validation and "
            f"training set as specified by `validation_split={validation_split}`. Either provide more data, or a "
            "different value for the `validation_split` argument."
        )
    train = optree.tree_map(lambda a: a[:split_at], arrays, none_is_leaf=False)
    val = optree.tree_map(lambda a: a[split_at:], arrays, none_is_leaf=False)
    return train, val
