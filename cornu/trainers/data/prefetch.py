"""Preparing batches on a background thread while the current step runs, or inline when
that is cheaper."""

import queue
import threading

from cornu.trainers.data.batch_errors import add_wait_note

_BATCH, _END, _ERROR = "batch", "end", "error"
_POLL_SECONDS = 0.05


class BatchPrefetcher:
    """Pulls up to ``limit`` batches from ``source`` on a background thread, applies
    ``prepare`` to each (e.g. the host-to-device copy), and hands them over in order.

    At most ``depth`` prepared batches wait in the queue (plus the one being
    prepared), so memory stays bounded. ``close()`` stops the thread and joins
    it; it is safe to call at any time, more than once. An exception raised by
    ``source`` or ``prepare`` is re-raised, with its traceback, by the consumer.

    ``pulled`` counts the batches taken from ``source`` and ``ran_out`` tells
    whether ``source`` was exhausted, so the caller knows where the data stands.

    Example:
    >>> prefetcher = BatchPrefetcher(iter(batches), backend.device_put_batch)
    >>> try:
    ...     for batch in prefetcher:
    ...         run_step(batch)
    ... finally:
    ...     prefetcher.close()
    """

    def __init__(self, source, prepare, limit=None, depth=1):
        self._source = source
        self._prepare = prepare
        self._limit = limit
        self._queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self.pulled = 0
        self.ran_out = False
        self._thread = threading.Thread(target=self._produce, name="cornu-batch-prefetch", daemon=True)
        self._thread.start()

    def _produce(self):
        try:
            while not self._stop.is_set() and (self._limit is None or self.pulled < self._limit):
                try:
                    batch = next(self._source)
                except StopIteration:
                    self.ran_out = True
                    break
                self.pulled += 1
                self._put((_BATCH, self._prepare(batch)))
            self._put((_END, None))
        except BaseException as error:  # handed to the consumer, which re-raises it
            self._put((_ERROR, error))

    def _put(self, item):
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=_POLL_SECONDS)
                return
            except queue.Full:
                continue

    def __iter__(self):
        delivered = 0
        while True:
            try:
                kind, value = self._queue.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                if not self._thread.is_alive() and self._queue.empty():
                    return  # closed, or the thread died without a word
                continue
            except Exception as error:  # raised here by a signal handler, e.g. torch's for a dead worker
                raise add_wait_note(error, delivered)
            if kind == _END:
                return
            if kind == _ERROR:
                raise value
            delivered += 1
            yield value

    def close(self):
        """Stops preparing batches and waits for the thread (it finishes the batch in hand)."""
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join()
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break


class InlineBatches:
    """``BatchPrefetcher``'s interface without the thread: each batch is pulled from
    ``source`` and prepared when the consumer asks for it. For slices of in-memory arrays on
    a CPU device, where preparing a batch costs less than a hand-over between threads.

    Example:
    >>> batches = InlineBatches(iter(batches), backend.device_put_batch, limit=10)
    >>> for batch in batches:
    ...     run_step(batch)
    """

    def __init__(self, source, prepare, limit=None):
        self._source = source
        self._prepare = prepare
        self._limit = limit
        self.pulled = 0
        self.ran_out = False

    def __iter__(self):
        while self._limit is None or self.pulled < self._limit:
            try:
                batch = next(self._source)
            except StopIteration:
                self.ran_out = True
                return
            self.pulled += 1
            yield self._prepare(batch)

    def close(self):
        """Nothing runs in the background: closing only ends the iteration's bookkeeping."""
