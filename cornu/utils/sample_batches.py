"""``SampleBatches``: a ``PyDataset`` of batches gathered from indexed samples."""

import math

import numpy as np
import optree

from cornu.utils.py_dataset import PyDataset


class SampleBatches(PyDataset):
    """Batches of samples ``0 .. num_samples - 1``, read in ``order``, each batch built by
    ``gather(indices)`` (a structure of arrays whose first axis is the batch).

    With ``batch_size=None`` every item is one sample (no batch axis), as a Keras dataset built
    with ``batch_size=None``. Extra keyword attributes (``class_names``, ``file_paths``) are
    kept on the dataset.

    Example:
    >>> x = np.arange(10)
    >>> batches = SampleBatches(lambda i: x[i], 10, batch_size=4)
    >>> [len(b) for b in batches]
    [4, 4, 2]
    """

    def __init__(self, gather, num_samples, batch_size=32, order=None, **attributes):
        super().__init__()
        self._gather = gather
        self.num_samples = int(num_samples)
        self.batch_size = batch_size
        self.order = np.arange(self.num_samples) if order is None else np.asarray(order)
        for name, value in attributes.items():
            setattr(self, name, value)

    def __len__(self):
        if self.batch_size is None:
            return self.num_samples
        return math.ceil(self.num_samples / self.batch_size)

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"Batch index out of range: the dataset has {len(self)} batches. Received: index={index}")
        if self.batch_size is None:
            batch = self._gather(self.order[index : index + 1])
            return optree.tree_map(lambda a: a[0], batch)
        return self._gather(self.order[index * self.batch_size : (index + 1) * self.batch_size])

    def samples(self):
        """Every sample as one structure of arrays, in reading order."""
        return self._gather(self.order)


def arrays_gather(structure):
    """A ``gather`` for ``SampleBatches`` over a structure of arrays sliced along their first axis."""
    return lambda indices: optree.tree_map(lambda a: a[indices], structure)
