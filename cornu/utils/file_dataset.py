"""``FileDataset``: the TensorFlow-free dataset that the ``*_dataset_from_directory`` utilities
return, a ``PyDataset`` whose batches are read from files when asked for."""

import math
import os

import numpy as np

from cornu.utils.py_dataset import PyDataset


def default_workers():
    """Worker threads for decoding: the CPUs, at most 8 (decoding releases the GIL)."""
    return max(1, min(8, os.cpu_count() or 1))


class FileDataset(PyDataset):
    """Batches of ``load(file_paths[part])`` (and their labels), decoded lazily, batch by batch.

    ``fit``/``evaluate``/``predict`` read it with ``workers`` threads; iterating over it
    yourself (``for x, y in dataset``) also decodes ``workers`` batches ahead in threads.
    With ``shuffle=True`` the files are reshuffled after every epoch (seeded by ``seed``).
    With ``batch_size=None`` every item is one sample.

    Attributes:
        class_names: the class names (the label ``i`` is ``class_names[i]``), or None.
        file_paths: the files, in the order of the first epoch.

    Example:
    >>> dataset = cornu.utils.image_dataset_from_directory("flowers/", format="numpy")
    >>> images, labels = dataset[0]
    >>> model.fit(dataset, epochs=3)
    """

    def __init__(self, file_paths, labels, load, batch_size=32, shuffle=False, seed=None, class_names=None,
                 workers=None, max_queue_size=10):
        super().__init__(workers=default_workers() if workers is None else workers, max_queue_size=max_queue_size)
        self.file_paths = list(file_paths)
        self.class_names = class_names
        self._labels = labels
        self._load = load
        self._batch_size = batch_size
        self._shuffle = shuffle
        self._seed = seed
        self._epoch = 0
        self._order = np.arange(len(self.file_paths))

    def __len__(self):
        if self._batch_size is None:
            return len(self.file_paths)
        return math.ceil(len(self.file_paths) / self._batch_size)

    def _rows(self, index):
        if not -len(self) <= index < len(self):
            raise IndexError(f"Batch index out of range: the dataset has {len(self)} batches. Received: index={index}")
        index %= len(self)
        if self._batch_size is None:
            return self._order[index:index + 1]
        return self._order[index * self._batch_size:(index + 1) * self._batch_size]

    def __getitem__(self, index):
        rows = self._rows(index)
        inputs = self._load([self.file_paths[i] for i in rows])
        if self._batch_size is None:
            inputs = inputs[0]
        if self._labels is None:
            return inputs
        labels = self._labels[rows]
        return inputs, (labels[0] if self._batch_size is None else labels)

    def __iter__(self):
        if self.workers <= 1:
            yield from super().__iter__()
            return
        from cornu.trainers.data.worker_pool import ordered_parallel_items

        yield from ordered_parallel_items(self, range(len(self)), self.workers, False, max(self.max_queue_size, 1))

    def on_epoch_end(self):
        """Reshuffles the files for the next epoch (when ``shuffle=True``)."""
        self._epoch += 1
        if self._shuffle:
            seed = None if self._seed is None else (int(self._seed) + self._epoch) % (2**32)
            self._order = np.random.RandomState(seed).permutation(len(self.file_paths))

    def __repr__(self):
        return (f"<{type(self).__name__} files={len(self.file_paths)} batches={len(self)} "
                f"class_names={self.class_names}>")
