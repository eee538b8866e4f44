"""``PyDataset``: a dataset written in Python, read batch by batch, optionally in parallel."""

import itertools
import warnings

from cornu.serialization.registry import keras_export


@keras_export("keras.utils.PyDataset", "keras.utils.Sequence")
class PyDataset:
    """Base class for a dataset of batches computed by Python code.

    Implement ``__getitem__(index)`` returning a whole batch (``x``, ``(x, y)``
    or ``(x, y, sample_weight)``) and ``__len__`` returning the number of
    batches, or a ``num_batches`` property (None for an infinite dataset,
    which then needs ``steps_per_epoch``). ``on_epoch_begin`` and
    ``on_epoch_end`` are called around every epoch.

    Args:
        workers: how many threads (or processes) load batches in parallel
            during ``fit``/``evaluate``/``predict``.
        use_multiprocessing: load batches in worker processes instead of
            threads. The dataset is copied into each process (pickled, where
            the platform starts processes by spawning), so its state changes
            there are not seen by the main process.
        max_queue_size: how many batches may be requested ahead of use.

    Iterating over the dataset yourself (``for batch in dataset``) reads it
    sequentially; the parallelism only applies inside ``fit`` and friends.

    Example:
    >>> class Batches(cornu.utils.PyDataset):
    ...     def __init__(self, x, y, batch_size, **kwargs):
    ...         super().__init__(**kwargs)
    ...         self.x, self.y, self.batch_size = x, y, batch_size
    ...     def __len__(self):
    ...         return math.ceil(len(self.x) / self.batch_size)
    ...     def __getitem__(self, index):
    ...         part = slice(index * self.batch_size, (index + 1) * self.batch_size)
    ...         return self.x[part], self.y[part]
    >>> model.fit(Batches(x, y, 32, workers=4), epochs=3)
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    def _warn_if_super_not_called(self):
        missing = False
        for name, default in (("_workers", 1), ("_use_multiprocessing", False), ("_max_queue_size", 10)):
            if not hasattr(self, name):
                setattr(self, name, default)
                missing = True
        if missing:
            warnings.warn(
                "Your `PyDataset` class should call `super().__init__(**kwargs)` in its constructor. `**kwargs` "
                "can include `workers`, `use_multiprocessing` and `max_queue_size`. Do not pass these arguments "
                "to `fit()`, as they would be ignored.",
                stacklevel=3,
            )

    @property
    def workers(self):
        self._warn_if_super_not_called()
        return self._workers

    @workers.setter
    def workers(self, value):
        self._workers = value

    @property
    def use_multiprocessing(self):
        self._warn_if_super_not_called()
        return self._use_multiprocessing

    @use_multiprocessing.setter
    def use_multiprocessing(self, value):
        self._use_multiprocessing = value

    @property
    def max_queue_size(self):
        self._warn_if_super_not_called()
        return self._max_queue_size

    @max_queue_size.setter
    def max_queue_size(self, value):
        self._max_queue_size = value

    def __getitem__(self, index):
        """Returns the batch at position ``index``."""
        raise NotImplementedError(f"{type(self).__name__} must implement `__getitem__(self, index)`.")

    @property
    def num_batches(self):
        """The number of batches, or None for an infinite dataset (defaults to ``len(self)``)."""
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError(
            f"{type(self).__name__} must implement `__len__` or the `num_batches` property:\n\n"
            "@property\ndef num_batches(self):\n    return ...  # or None for an infinite dataset"
        )

    def __iter__(self):
        count = self.num_batches
        for index in range(count) if count is not None else itertools.count():
            yield self[index]

    def on_epoch_begin(self):
        """Called at the start of every epoch."""

    def on_epoch_end(self):
        """Called at the end of every epoch."""


# Keras's older name for the same class.
Sequence = PyDataset
