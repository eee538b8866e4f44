"""Walks a data adapter epoch by epoch, yielding ``(step, batch)`` with batches already
converted for the backend by a background thread, one or two batches ahead of the
step that consumes them.

Epoch boundaries follow Keras:
- without ``steps_per_epoch`` an epoch is one pass over the data;
- with it, an epoch is that many batches, and on finite data the next epoch
  continues where the last one stopped; a pass never spans two epochs, so an
  epoch that reaches the end of the data stops early (with a warning);
- a one-shot source (a generator) that runs out marks the iterator
  ``exhausted``: there is no more data for later epochs.
"""

import warnings

from cornu import backend
from cornu.trainers.data import get_data_adapter
from cornu.trainers.data.prefetch import BatchPrefetcher

_RAN_OUT = (
    "Your input ran out of data; interrupting training. Make sure that your dataset or generator can generate at "
    "least `steps_per_epoch * epochs` batches. You may need to use the `.repeat()` function when building your "
    "dataset."
)


def _warn_ran_out():
    warnings.warn(_RAN_OUT, stacklevel=3)


class EpochIterator:
    """Yields ``(step_index, batch)`` pairs for one epoch each time it is iterated.

    Example:
    >>> iterator = EpochIterator(x, y, batch_size=32, shuffle=True)
    >>> for epoch in range(epochs):
    ...     for step, batch in iterator:
    ...         logs = runner.run(batch)
    >>> iterator.close()
    """

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None, shuffle=False,
                 class_weight=None, steps_per_execution=1):
        if steps_per_epoch is not None and (
            isinstance(steps_per_epoch, bool) or not isinstance(steps_per_epoch, int) or steps_per_epoch < 1
        ):
            raise ValueError(
                f"`steps_per_epoch` must be a positive integer or None. Received: steps_per_epoch={steps_per_epoch!r}"
            )
        self.adapter = get_data_adapter(x, y, sample_weight=sample_weight, batch_size=batch_size,
                                        steps_per_epoch=steps_per_epoch, shuffle=shuffle, class_weight=class_weight)
        if steps_per_epoch is None and getattr(self.adapter, "is_infinite", False):
            raise ValueError(
                f"The data ({type(x).__name__}) is infinite: pass `steps_per_epoch` to `fit` (or `steps` to "
                "`evaluate`/`predict`, `validation_steps` for validation data) so each epoch knows when to end."
            )
        self.steps_per_epoch = steps_per_epoch
        self.steps_per_execution = steps_per_execution
        self._num_batches = self.adapter.num_batches
        self._current = None  # the open pass, kept between epochs when `steps_per_epoch` splits it
        self._steps_seen = 0  # batches already taken from the open pass
        self.exhausted = False

    @property
    def num_batches(self):
        """Steps in one epoch: ``steps_per_epoch``, else the data's batches (None while unknown)."""
        if self.steps_per_epoch is not None:
            return self.steps_per_epoch
        return self._num_batches

    def peek(self):
        """The first batch, as a tuple, without consuming it."""
        return self.adapter.peek()

    def _epoch_budget(self):
        """How many batches this epoch may take from the open pass, and whether that cuts it short."""
        remaining = None if self._num_batches is None else self._num_batches - self._steps_seen
        if self.steps_per_epoch is None:
            return remaining, False
        if remaining is not None and remaining < self.steps_per_epoch:
            return remaining, True
        return self.steps_per_epoch, False

    def __iter__(self):
        if self.exhausted:
            _warn_ran_out()
            return
        self.adapter.on_epoch_begin()
        if self._current is None:
            self._current = self.adapter.get_numpy_iterator()
            self._steps_seen = 0
        limit, cut_short = self._epoch_budget()
        prefetcher = BatchPrefetcher(self._current, backend.device_put_batch, limit=limit)
        completed = ran_out = False
        try:
            for step, batch in enumerate(prefetcher):
                yield step, batch
            completed = True
        finally:
            try:
                prefetcher.close()
                self._steps_seen += prefetcher.pulled
                ran_out = self._end_epoch(prefetcher, completed, cut_short)
            finally:
                self.adapter.on_epoch_end()
        if ran_out:
            _warn_ran_out()

    def _end_epoch(self, prefetcher, completed, cut_short):
        """Decides where the next epoch starts; returns whether to warn that the data ran out."""
        if not completed:
            # Stopped early (stop_training, an error): abandon the pass, the next epoch starts afresh.
            self._close_pass()
            return False
        if prefetcher.ran_out:
            if self._num_batches is None and self.adapter.restartable:
                self._num_batches = self._steps_seen
            self._close_pass()
            self.exhausted = not self.adapter.restartable
            return True
        if self.steps_per_epoch is None or (self._num_batches is not None and self._steps_seen >= self._num_batches):
            self._close_pass()
        return cut_short

    def _close_pass(self):
        current, self._current = self._current, None
        self._steps_seen = 0
        if current is not None and hasattr(current, "close"):
            current.close()

    def close(self):
        """Releases the open pass (and any worker pool behind it)."""
        self._close_pass()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass
