"""Walks a data adapter epoch by epoch, yielding ``(step, batch)`` with batches already
converted for the backend by a background thread, one or two batches ahead of the
step that consumes them (slices of in-memory arrays on a CPU device are converted inline:
cheaper than the hand-over).

Epoch boundaries follow Keras:
- without ``steps_per_epoch`` an epoch is one pass over the data;
- with it, an epoch is that many batches, and on finite data the next epoch
  continues where the last one stopped; a pass never spans two epochs, so an
  epoch that reaches the end of the data stops early (with a warning);
- a one-shot source (a generator) that runs out marks the iterator
  ``exhausted``: there is no more data for later epochs.
"""

import warnings

import numpy as np

from cornu import backend
from cornu.distribution.batch_checks import check_batches_split_evenly
from cornu.trainers.data import get_data_adapter
from cornu.trainers.data.prefetch import BatchPrefetcher, InlineBatches
from cornu.trainers.debug_limits import capped_steps

_RAN_OUT = (
    "Your input ran out of data; interrupting training. Make sure that your dataset or generator can generate at "
    "least `steps_per_epoch * epochs` batches. You may need to use the `.repeat()` function when building your "
    "dataset."
)


def _warn_ran_out():
    warnings.warn(_RAN_OUT, stacklevel=3)


def _debug_capped(steps_per_epoch, num_batches):
    """The steps per epoch under ``config.set_max_steps_per_epoch``; a cap above what the data
    holds leaves a whole pass as it is."""
    capped = capped_steps(steps_per_epoch)
    if steps_per_epoch is None and num_batches is not None and capped is not None and num_batches <= capped:
        return None
    return capped


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
        check_batches_split_evenly(self.adapter, steps_per_epoch)  # under keras.distribution, before any step
        steps_per_epoch = _debug_capped(steps_per_epoch, self.adapter.num_batches)
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
        # --- resuming (BackupAndRestore): see get_state / set_state
        self._pass_rng = None  # NumPy's global RNG state just before the open pass drew its order
        self._resume = None  # set by set_state, used by the next epoch

    @property
    def num_batches(self):
        """Steps in one epoch: ``steps_per_epoch``, else the data's batches (None while unknown)."""
        if self.steps_per_epoch is not None:
            return self.steps_per_epoch
        return self._num_batches

    def peek(self):
        """The first batch, as a tuple, without consuming it."""
        return self.adapter.peek()

    def _epoch_budget(self, first_step=0):
        """How many batches this epoch may still take from the open pass, and whether that cuts it short."""
        position = self._steps_seen + first_step
        remaining = None if self._num_batches is None else self._num_batches - position
        if self.steps_per_epoch is None:
            return remaining, False
        wanted = self.steps_per_epoch - first_step
        if remaining is not None and remaining < wanted:
            return remaining, True
        return wanted, False

    def _open_pass(self, rng_state=None):
        """Starts a pass over the data. Its order is drawn from NumPy's global RNG: the state
        before the draw is kept, so a resumed run can draw the very same order (``rng_state``)
        without disturbing the generator's current state."""
        if rng_state is None:
            self._pass_rng = np.random.get_state()
            self._current = self.adapter.get_numpy_iterator()
        else:
            current = np.random.get_state()
            np.random.set_state(rng_state)
            try:
                self._current = self.adapter.get_numpy_iterator()
            finally:
                np.random.set_state(current)
            self._pass_rng = rng_state
        self._steps_seen = 0

    def _start_epoch(self):
        """Opens (or, when resuming, re-creates and fast-forwards) the pass; returns the first step."""
        resume, self._resume = self._resume, None
        if resume is None:
            if self._current is None:
                self._open_pass()
            return 0, False
        first_step = resume["first_step"]
        if resume["pass_open"]:
            self._open_pass(resume["pass_rng"])
            _skip_batches(self._current, resume["pass_offset"] + first_step)
            self._steps_seen = resume["pass_offset"]
        else:
            self._open_pass()
        return first_step, resume["stop"]

    def __iter__(self):
        if self.exhausted:
            _warn_ran_out()
            return
        self.adapter.on_epoch_begin()
        first_step, stop = self._start_epoch()
        limit, cut_short = self._epoch_budget(first_step)
        if stop:
            limit = 0
        if self.adapter.cheap_batches and not backend.batches_need_transfer():
            prefetcher = InlineBatches(self._current, backend.device_put_batch, limit=limit)
        else:
            prefetcher = BatchPrefetcher(self._current, backend.device_put_batch, limit=limit)
        completed = ran_out = False
        try:
            for step, batch in enumerate(prefetcher, start=first_step):
                yield step, batch
            completed = not stop
        finally:
            try:
                prefetcher.close()
                self._steps_seen += first_step + prefetcher.pulled
                ran_out = self._end_epoch(prefetcher, completed, cut_short)
            finally:
                self.adapter.on_epoch_end()
        if ran_out:
            _warn_ran_out()

    # --- resuming (BackupAndRestore) ---------------------------------------
    def get_state(self):
        """Where the data stands at the start of the current epoch (or of the next one, between
        epochs): enough for ``set_state`` to replay the same batches in a new process.

        With a one-shot source (a generator) the new run reads its own source from the start.
        """
        return {
            "pass_open": self._current is not None,
            "pass_offset": int(self._steps_seen),
            "pass_rng": self._pass_rng if self._current is not None else None,
            "exhausted": bool(self.exhausted),
            "num_batches": self._num_batches,
        }

    def set_state(self, state, first_step=0, stop=False):
        """Makes the next epoch continue from ``state`` (see ``get_state``), skipping its first
        ``first_step`` batches; ``stop=True`` makes that epoch yield no batch at all.

        Example:
        >>> state = iterator.get_state()          # in the run that is backed up
        >>> new_iterator.set_state(state, first_step=5)
        >>> next(iter(new_iterator))[0]
        5
        """
        self._close_pass()
        self.exhausted = bool(state.get("exhausted", False))
        if state.get("num_batches") is not None and self._num_batches is None:
            self._num_batches = int(state["num_batches"])
        self._resume = {
            "pass_open": bool(state.get("pass_open")) and state.get("pass_rng") is not None,
            "pass_rng": state.get("pass_rng"),
            "pass_offset": int(state.get("pass_offset", 0)),
            "first_step": int(first_step),
            "stop": bool(stop),
        }

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


def _skip_batches(source, count):
    """Fast-forwards a pass by ``count`` batches (cheaply when the pass knows how to skip)."""
    if count <= 0:
        return
    skip = getattr(source, "skip", None)
    if skip is not None:
        skip(count)
        return
    for _ in range(count):
        try:
            next(source)
        except StopIteration:
            return
