"""The per-feature batches ``FeatureSpace.adapt`` feeds to each preprocessor, read from a dict
of arrays, a ``tf.data.Dataset`` of dicts, a ``PyDataset`` or any iterable of dict batches
(no TensorFlow needed except for a ``tf.data.Dataset``)."""

import numpy as np

from cornu import backend

# Unbatched samples (a dict of arrays, a dataset of single samples) are batched like Keras does,
# so that batch-dependent summaries (Discretization's quantiles) come out the same.
SAMPLES_PER_BATCH = 32


def to_host(value):
    """A feature value (list, array, backend or TensorFlow tensor) as a NumPy array."""
    if isinstance(value, np.ndarray):
        return value
    if backend.is_tensor(value):
        return np.asarray(backend.convert_to_numpy(value))
    if hasattr(value, "numpy") and callable(value.numpy):  # a TensorFlow tensor
        value = value.numpy()
    return np.asarray(value)


def _is_tf_dataset(data):
    return type(data).__module__.startswith("tensorflow") and hasattr(data, "as_numpy_iterator")


def _dict_batches(data):
    """Each element of ``data`` (an iterable), as a dict of NumPy arrays."""
    if _is_tf_dataset(data):
        data = data.as_numpy_iterator()
    elif hasattr(data, "__getitem__") and hasattr(data, "__len__") and hasattr(data, "on_epoch_end"):
        dataset = data
        data = (dataset[i] for i in range(len(dataset)))  # a PyDataset
    for element in data:
        if isinstance(element, tuple):  # (x, y) or (x, y, sample_weight)
            element = element[0]
        if not isinstance(element, dict):
            raise ValueError(
                "FeatureSpace.adapt() needs data whose elements are dicts mapping feature names to values. "
                f"Received an element of type {type(element).__name__}: {element!r}"[:500]
            )
        yield {name: to_host(value) for name, value in element.items()}


def _rebatched(batches):
    """Groups unbatched samples (rank-0 values) into batches of ``SAMPLES_PER_BATCH``."""
    pending = []
    for batch in batches:
        if batch.ndim > 0:
            if pending:
                yield np.stack(pending)
                pending = []
            yield batch
            continue
        pending.append(batch)
        if len(pending) == SAMPLES_PER_BATCH:
            yield np.stack(pending)
            pending = []
    if pending:
        yield np.stack(pending)


def feature_batches(data, names):
    """``{name: [batch, ...]}``: the batches of each named feature, each of rank >= 2 (a rank-1
    batch becomes a column)."""
    if isinstance(data, dict):
        # As Keras slices a dict into samples: scalar samples are batched, others each make a batch.
        arrays = {name: to_host(data[name]) for name in names}
        columns = {name: ([a[i:i + SAMPLES_PER_BATCH] for i in range(0, len(a), SAMPLES_PER_BATCH)]
                          if a.ndim == 1 else list(a))
                   for name, a in arrays.items()}
    elif hasattr(data, "__iter__") and not isinstance(data, (str, bytes, np.ndarray)):
        columns = {name: [] for name in names}
        for element in _dict_batches(data):
            for name in names:
                columns[name].append(element[name])
    else:
        raise ValueError(
            "`adapt()` can only be called on a dict of arrays/lists, a tf.data.Dataset, a PyDataset or an "
            f"iterable of dict batches. Received instead: {data!r} (of type {type(data)})"[:500]
        )
    return {name: [b[:, None] if b.ndim == 1 else b for b in _rebatched(batches)]
            for name, batches in columns.items()}
