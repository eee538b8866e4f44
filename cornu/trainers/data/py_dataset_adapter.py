"""Batches from a ``cornu.utils.PyDataset``, read in order by index, optionally by
worker threads or processes."""

import itertools

import numpy as np

from cornu import backend
from cornu.trainers.data.array_conversion import batch_for_backend
from cornu.trainers.data.batch_errors import add_batch_note
from cornu.trainers.data.class_weight import add_class_weight
from cornu.trainers.data.data_adapter import DataAdapter
from cornu.trainers.data.packing import standardize_batch
from cornu.trainers.data.worker_pool import ordered_parallel_items


class PyDatasetAdapter(DataAdapter):
    """Reads ``dataset[i]`` for each batch index of a pass.

    ``shuffle=True`` permutes the batch order each pass. With ``workers > 1``
    (threads) or ``use_multiprocessing=True`` (processes) a pool loads up to
    ``max_queue_size`` batches ahead, and is shut down at the end of the pass.

    Example:
    >>> adapter = PyDatasetAdapter(my_dataset, shuffle=True)
    >>> for batch in adapter.get_numpy_iterator(): ...
    """

    def __init__(self, dataset, class_weight=None, shuffle=False):
        self._dataset = dataset
        self._class_weight = class_weight
        self._shuffle = bool(shuffle)
        self._floatx = backend.floatx()
        self._workers = dataset.workers
        self._use_multiprocessing = dataset.use_multiprocessing
        self._max_queue_size = dataset.max_queue_size
        self.is_infinite = dataset.num_batches is None

    @property
    def num_batches(self):
        return self._dataset.num_batches

    def _standardize(self, batch):
        batch = standardize_batch(batch, source="PyDataset")
        return batch_for_backend(add_class_weight(batch, self._class_weight, self._floatx, "PyDataset"))

    def _indices(self):
        count = self._dataset.num_batches
        if count is None:
            return itertools.count()
        return np.random.permutation(count).tolist() if self._shuffle else range(count)

    def get_numpy_iterator(self):
        """One pass over the batches (the order is drawn now, on the calling thread)."""
        indices = self._indices()
        if self._workers > 1 or (self._workers > 0 and self._use_multiprocessing):
            items = ordered_parallel_items(
                self._dataset, indices, self._workers, self._use_multiprocessing, self._max_queue_size
            )
        else:
            items = self._read_inline(indices)
        return self._standardized(items)

    def _read_inline(self, indices):
        for position, index in enumerate(indices):
            try:
                batch = self._dataset[index]
            except Exception as error:
                raise add_batch_note(error, "PyDataset", position, index)
            yield batch

    def _standardized(self, items):
        try:
            for batch in items:
                yield self._standardize(batch)
        finally:
            items.close()

    def peek(self):
        if self._dataset.num_batches == 0:
            raise ValueError("The PyDataset has no batches: its `num_batches` (or `len`) is 0.")
        try:
            first = self._dataset[0]
        except Exception as error:
            raise add_batch_note(error, "PyDataset", 0, 0)
        return self._standardize(first)

    def on_epoch_begin(self):
        self._dataset.on_epoch_begin()

    def on_epoch_end(self):
        self._dataset.on_epoch_end()
