"""Walks an adapter epoch by epoch, yielding ``(step, batch)`` with batches already
converted for the backend, one batch ahead of the step that consumes it."""

import warnings

from cornu import backend
from cornu.trainers.data import get_data_adapter


class EpochIterator:
    """Yields ``(step_index, batch)`` pairs for one epoch at a time.

    With ``steps_per_epoch`` set on finite data, iteration continues across
    epochs instead of restarting, as in Keras.
    """

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None, shuffle=False,
                 class_weight=None, steps_per_execution=1):
        if steps_per_epoch is not None and (not isinstance(steps_per_epoch, int) or steps_per_epoch < 1):
            raise ValueError(f"`steps_per_epoch` must be a positive integer or None. Received: {steps_per_epoch!r}")
        self.adapter = get_data_adapter(x, y, sample_weight=sample_weight, batch_size=batch_size,
                                        steps_per_epoch=steps_per_epoch, shuffle=shuffle, class_weight=class_weight)
        self.steps_per_epoch = steps_per_epoch
        self.steps_per_execution = steps_per_execution
        self._current = None
        self.exhausted = False

    @property
    def num_batches(self):
        if self.steps_per_epoch is not None:
            return self.steps_per_epoch
        return self.adapter.num_batches

    def peek(self):
        return self.adapter.peek()

    def _raw_batches(self):
        if self.steps_per_epoch is None:
            yield from self.adapter.get_numpy_iterator()
            return
        produced = 0
        while produced < self.steps_per_epoch:
            if self._current is None:
                self._current = self.adapter.get_numpy_iterator()
            try:
                batch = next(self._current)
            except StopIteration:
                self._current = None
                if produced == 0 or getattr(self.adapter, "num_batches", None) is None:
                    warnings.warn(
                        "Your input ran out of data; interrupting training. Make sure that your dataset or "
                        "generator can generate at least `steps_per_epoch * epochs` batches."
                    )
                    self.exhausted = True
                    return
                continue
            produced += 1
            yield batch

    def __iter__(self):
        pending = None
        step = 0
        for batch in self._raw_batches():
            batch = backend.device_put_batch(batch)
            if pending is not None:
                yield step, pending
                step += 1
            pending = batch
        if pending is not None:
            yield step, pending
