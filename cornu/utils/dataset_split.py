"""``split_dataset``: a dataset of samples cut in two (e.g. train / validation)."""

import random

import numpy as np
import optree

from cornu.backend import backend as chosen_backend
from cornu.serialization.registry import keras_export
from cornu.utils import split_sizes
from cornu.utils.dataset_format import py_dataset_requested, resolve_dataset_format
from cornu.utils.py_dataset import PyDataset
from cornu.utils.sample_batches import SampleBatches, arrays_gather
from cornu.utils.torch_dataset_split import split_torch

# Batches of the PyDatasets split from in-memory arrays (Keras's own default batch size in `fit`).
DEFAULT_BATCH_SIZE = 32


def _mro_names(dataset):
    return [(cls.__name__, str(cls.__module__)) for cls in type(dataset).__mro__]


def is_tf_dataset(dataset):
    return any(name in ("DatasetV2", "Dataset") and "tensorflow" in module for name, module in _mro_names(dataset))


def is_torch_dataset(dataset):
    return any(name == "Dataset" and module.startswith("torch.utils.data") for name, module in _mro_names(dataset))


def _check_arrays(arrays, kind):
    if len(arrays) == 0:
        raise ValueError(f"Received an empty {kind} dataset. Please provide a non-empty {kind} of arrays.")
    expected = None
    for i, element in enumerate(arrays):
        if not isinstance(element, np.ndarray):
            raise ValueError(f"Expected a {kind} of `numpy.ndarray` objects, Received: {type(element)} at index {i}.")
        if expected is None:
            expected = element.shape
        elif element.shape[0] != expected[0]:
            raise ValueError(
                f"Received a {kind} of NumPy arrays with different lengths. Mismatch found at index {i}, "
                f"Expected shape={expected} Received shape={element.shape}. "
                f"Please provide a {kind} of NumPy arrays of the same length."
            )


def _stack_samples(samples):
    """A list of sample structures -> one structure of arrays (first axis: samples)."""
    if not samples:
        raise ValueError(
            "Received an empty dataset. Argument `dataset` must be a non-empty list/tuple of `numpy.ndarray` "
            "objects or `tf.data.Dataset` objects."
        )
    leaves = [optree.tree_flatten(sample)[0] for sample in samples]
    spec = optree.tree_structure(samples[0])
    return optree.tree_unflatten(spec, [np.stack(column) for column in zip(*leaves)])


def _from_tf_dataset(dataset):
    batch_size = getattr(dataset, "_batch_size", None)
    source = dataset.unbatch() if batch_size is not None else dataset
    samples = [optree.tree_map(np.asarray, element) for element in source.as_numpy_iterator()]
    return _stack_samples(samples), None if batch_size is None else int(batch_size)


def _from_py_dataset(dataset):
    batches = [optree.tree_map(np.asarray, batch) for batch in dataset]
    if not batches:
        raise ValueError("Received an empty dataset. Argument `dataset` must have at least one batch.")
    spec = optree.tree_structure(batches[0])
    columns = zip(*(optree.tree_flatten(batch)[0] for batch in batches))
    arrays = optree.tree_unflatten(spec, [np.concatenate(column) for column in columns])
    return arrays, len(optree.tree_leaves(batches[0])[0])


def _as_arrays(dataset):
    """``(structure of arrays, batch size of the input or None)``."""
    if isinstance(dataset, (list, tuple)):
        _check_arrays(dataset, "list" if isinstance(dataset, list) else "tuple")
        return tuple(dataset), None
    if isinstance(dataset, dict):
        _check_arrays(list(dataset.values()), "dict")
        return dict(dataset), None
    if isinstance(dataset, np.ndarray):
        if len(dataset) == 0:
            raise ValueError("Received an empty dataset. Argument `dataset` must be a non-empty array.")
        return dataset, None
    if is_tf_dataset(dataset):
        return _from_tf_dataset(dataset)
    if isinstance(dataset, PyDataset):
        return _from_py_dataset(dataset)
    raise TypeError(
        "The `dataset` argument must be either a `tf.data.Dataset` object, a `cornu.utils.PyDataset`, "
        f"or a list/tuple/dict of arrays. Received: dataset={dataset} of type {type(dataset)}"
    )


def _tf_split(arrays, batch_size):
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices(arrays)
    if batch_size is not None:
        dataset = dataset.batch(batch_size)
    return dataset.prefetch(tf.data.AUTOTUNE)


@keras_export("keras.utils.split_dataset")
def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None, preferred_backend=None):
    """Splits a dataset of samples into a left and a right dataset (e.g. train / test).

    Args:
        dataset: an array, a list/tuple/dict of arrays of the same length, a ``tf.data.Dataset``,
            a ``torch.utils.data.Dataset``, or a ``cornu.utils.PyDataset`` (split by sample).
        left_size: a fraction in ``(0, 1)`` or a number of samples for the left dataset
            (None: what ``right_size`` leaves).
        right_size: the same for the right dataset (None: what ``left_size`` leaves).
        shuffle: shuffle the samples before splitting.
        seed: seed of that shuffle.
        preferred_backend: ``"torch"`` returns ``torch.utils.data`` subsets (as Keras does on the
            torch backend, the default there for arrays); otherwise the result is two
            ``tf.data.Dataset`` objects when TensorFlow is installed, else two
            ``cornu.utils.PyDataset`` objects of batches of 32 samples (set ``.batch_size`` to
            change it; a batched input keeps its batch size). A ``PyDataset`` input always gives
            ``PyDataset`` halves; ``with cornu.utils.dataset_format("py_dataset"):`` asks for them
            for any input not given ``preferred_backend="torch"``.

    Example:
    >>> left, right = cornu.utils.split_dataset(np.random.random((1000, 4)), left_size=0.8)
    >>> left.num_samples, right.num_samples  # PyDatasets without TensorFlow
    (800, 200)
    """
    if preferred_backend is None:
        if isinstance(dataset, (list, tuple, np.ndarray)):
            # Keras's default: the backend's own dataset type (unless PyDatasets were asked for).
            preferred_backend = "numpy" if py_dataset_requested() else chosen_backend()
        elif is_tf_dataset(dataset):
            preferred_backend = "tensorflow"
        elif is_torch_dataset(dataset):
            preferred_backend = "torch"
        elif not isinstance(dataset, (dict, PyDataset)):
            raise TypeError(f"Unsupported dataset type: {type(dataset)}")
    if right_size is None and left_size is None:
        raise ValueError(
            "At least one of the `left_size` or `right_size` must be specified. "
            "Received: left_size=None and right_size=None"
        )
    if preferred_backend == "torch" and not isinstance(dataset, (dict, PyDataset)):
        return split_torch(dataset, _as_arrays, left_size, right_size, shuffle, seed)
    arrays, batch_size = _as_arrays(dataset)
    total = len(optree.tree_leaves(arrays)[0])
    order = list(range(total))
    if shuffle:
        if seed is None:
            seed = random.randint(0, int(1e6))
        # The same permutation as Keras's (Python's `random` seeded with `seed`).
        random.Random(seed).shuffle(order)
    left_size, right_size = split_sizes.rescale(left_size, right_size, total)
    order = np.asarray(order)
    halves = (order[:left_size], order[-right_size:])
    if isinstance(dataset, PyDataset) or resolve_dataset_format(None) == "py_dataset":
        gather = arrays_gather(arrays)
        return tuple(
            SampleBatches(gather, len(half), batch_size=batch_size or DEFAULT_BATCH_SIZE, order=half) for half in halves
        )
    return tuple(_tf_split(optree.tree_map(lambda a: a[half], arrays), batch_size) for half in halves)
