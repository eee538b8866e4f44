"""Batches from a ``tf.data.Dataset``: read as NumPy, or kept as the dataset's own tensors
when the backend computes on them (TensorFlow). TensorFlow is never imported here: a dataset
is recognised by its class names and iterated by duck typing."""

import numpy as np
import optree

from cornu import backend
from cornu.trainers.data.array_conversion import batch_for_backend
from cornu.trainers.data.class_weight import add_class_weight
from cornu.trainers.data.data_adapter import PeekableIterableAdapter
from cornu.trainers.data.packing import standardize_batch

_TF_DATASET_CLASSES = ("DatasetV2", "DistributedDataset", "DistributedDatasetsFromFunction")
_INFINITE_CARDINALITY = -1


def is_tf_dataset(x):
    """True for a ``tf.data.Dataset`` or a distributed dataset, detected by class name."""
    return any(
        cls.__name__ in _TF_DATASET_CLASSES and "tensorflow.python." in str(cls.__module__) for cls in type(x).__mro__
    )


def _to_numpy(value):
    if isinstance(value, np.ndarray) or value is None:
        return value
    if hasattr(value, "_numpy"):  # an eager tensor: a read-only view of its buffer, as `as_numpy_iterator` gives
        array = value._numpy()
        if isinstance(array, np.ndarray):
            array.setflags(write=False)
        return array
    if hasattr(value, "numpy"):
        return value.numpy()
    return np.asarray(value)


class TFDatasetAdapter(PeekableIterableAdapter):
    """Iterates a ``tf.data.Dataset`` once per pass (``as_numpy_iterator`` when it has one).

    Its cardinality gives ``num_batches`` (unknown or infinite: None).

    Example:
    >>> dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(32)
    >>> model.fit(dataset, epochs=3)
    """

    source_name = "tf.data.Dataset"

    def __init__(self, dataset, class_weight=None):
        super().__init__()
        self._dataset = dataset
        self._class_weight = class_weight
        self._floatx = backend.floatx()
        cardinality = _cardinality(dataset)
        self.num_batches = cardinality if cardinality is not None and cardinality >= 0 else None
        self.is_infinite = cardinality == _INFINITE_CARDINALITY

    def _iterate(self):
        for batch in self._batches():
            batch = standardize_batch(batch, source="tf.data.Dataset")
            yield batch_for_backend(add_class_weight(batch, self._class_weight, self._floatx, "tf.data.Dataset"))

    def _batches(self):
        """The dataset's batches, as its own tensors where they are the backend's tensors (then
        no NumPy round trip), else as NumPy (what ``as_numpy_iterator`` gives)."""
        if not hasattr(self._dataset, "__iter__"):
            yield from self._dataset.as_numpy_iterator()
            return
        keep_tensors = None
        for batch in self._dataset:
            if keep_tensors is None:
                keep_tensors = _backend_takes(batch)
            yield batch if keep_tensors else optree.tree_map(_to_numpy, batch, none_is_leaf=False)


def _backend_takes(batch):
    """Whether every value of ``batch`` already is a tensor of the active backend."""
    leaves = optree.tree_leaves(batch)
    return bool(leaves) and all(backend.is_tensor(leaf) for leaf in leaves)


def _cardinality(dataset):
    cardinality = getattr(dataset, "cardinality", None)
    if cardinality is None:
        return None
    if callable(cardinality):
        cardinality = cardinality()
    try:
        return int(_to_numpy(cardinality))
    except (TypeError, ValueError):
        return None
