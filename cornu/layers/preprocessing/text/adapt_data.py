"""The batches ``adapt`` reads from the data it is given, as Keras's lookup layers read them."""

import itertools

import numpy as np

from cornu import backend


def _is_tf_dataset(data):
    return type(data).__module__.startswith("tensorflow") and hasattr(data, "as_numpy_iterator")


def _to_numpy(batch):
    if backend.is_tensor(batch):
        return np.asarray(backend.convert_to_numpy(batch))
    if hasattr(batch, "numpy") and not isinstance(batch, np.ndarray):  # a TensorFlow tensor
        return batch.numpy()
    return batch


def adapt_batches(data, steps=None):
    """Yields the batches of ``data``: one for an array, list or tensor (a 1-D one becomes a column:
    one document per element), else each batch of a ``tf.data.Dataset`` or other iterable, up to
    ``steps`` batches.

    Example:
    >>> list(adapt_batches(np.array(["a", "b"])))[0].shape
    (2, 1)
    """
    if isinstance(data, (list, tuple, np.ndarray)) or backend.is_tensor(data) or (
        hasattr(data, "numpy") and hasattr(data, "shape") and not _is_tf_dataset(data)
    ):
        array = np.asarray(_to_numpy(data))
        yield array.reshape(-1, 1) if array.ndim == 1 else array
        return
    if _is_tf_dataset(data):
        data = data.take(steps) if steps is not None else data
        for batch in data:
            yield _to_numpy(batch)
        return
    if hasattr(data, "__getitem__") and hasattr(data, "__len__") and hasattr(data, "on_epoch_end"):  # PyDataset
        data = (data[i] for i in range(len(data)))
    if not hasattr(data, "__iter__") or isinstance(data, (str, bytes, dict)):
        raise TypeError(
            "adapt() takes a NumPy array, a list, a tensor, a tf.data.Dataset or an iterable of batches. "
            f"Received: {type(data).__name__}"
        )
    for batch in itertools.islice(data, steps):
        yield _to_numpy(batch)
