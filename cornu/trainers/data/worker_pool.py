"""Loading ``PyDataset`` batches in parallel, in order, with threads or processes.

A pool lives for one pass over the dataset and is always shut down when the
pass ends, is abandoned (the iterator is closed) or fails: pending requests
are cancelled and the workers are joined, so no thread or process outlives it.

Failures never hang and always say which batch: an exception raised by
``__getitem__`` is re-raised with a note naming the batch; a worker process
that dies (killed, out of memory) is noticed by the pool at once (it watches
each process's sentinel) and becomes ``DataWorkerDiedError``, naming the batch
the dead process was reading, found through a small shared table in which
every worker process writes its pid and the index it is on.
"""

import collections
import concurrent.futures
import multiprocessing
import os

from cornu.trainers.data.batch_errors import add_batch_note, worker_died_error

# The dataset a worker process reads from and its row in the shared table (set by `_init_process`).
_PROCESS_DATASET = None
_PROCESS_TABLE = None
_PROCESS_ROW = 0


def _init_process(dataset, table, counter):
    global _PROCESS_DATASET, _PROCESS_TABLE, _PROCESS_ROW
    _PROCESS_DATASET = dataset
    _PROCESS_TABLE = table
    with counter.get_lock():
        _PROCESS_ROW = counter.value % (len(table) // 2)
        counter.value += 1


def _get_in_process(index):
    row = 2 * _PROCESS_ROW
    _PROCESS_TABLE[row] = os.getpid()
    _PROCESS_TABLE[row + 1] = index
    return _PROCESS_DATASET[index]


class _Pool:
    def __init__(self, dataset, workers, use_multiprocessing):
        self.workers = workers
        self.use_multiprocessing = use_multiprocessing
        self.table = None
        if use_multiprocessing:
            # The platform's default start method, as Keras uses: with "spawn" or
            # "forkserver" the dataset must be picklable.
            context = multiprocessing.get_context()
            self.table = context.Array("q", [-1] * (2 * workers), lock=False)  # (pid, index) per worker
            self.executor = concurrent.futures.ProcessPoolExecutor(
                max_workers=workers,
                mp_context=context,
                initializer=_init_process,
                initargs=(dataset, self.table, context.Value("q", 0)),
            )
            self.get_item = _get_in_process
            self.processes = {}
        else:
            self.executor = concurrent.futures.ThreadPoolExecutor(
                max_workers=workers, thread_name_prefix="cornu-pydataset"
            )
            self.get_item = dataset.__getitem__

    def submit(self, index):
        future = self.executor.submit(self.get_item, index)
        if self.use_multiprocessing:
            # Kept here: the executor forgets its processes once it is shut down.
            self.processes.update(getattr(self.executor, "_processes", None) or {})
        return future

    def dead_worker(self):
        """``(pid, exitcode, index it was reading)`` of a process that died, or Nones."""
        for pid, process in list(self.processes.items()):
            process.join(timeout=1.0)  # the pool has already seen it end; this only collects the code
            code = process.exitcode
            if code is None or code == 0 or code == -15:  # SIGTERM: the pool stopping the survivors
                continue
            for row in range(0, len(self.table), 2):
                if self.table[row] == pid:
                    return pid, code, self.table[row + 1]
            return pid, code, None
        return None, None, None


def ordered_parallel_items(dataset, indices, workers, use_multiprocessing, max_queue_size, source="PyDataset"):
    """Yields ``dataset[i]`` for each ``i`` in ``indices``, in order, with up to
    ``max_queue_size`` requests in flight on ``workers`` threads or processes.

    Example:
    >>> for batch in ordered_parallel_items(dataset, range(len(dataset)), 4, False, 10): ...
    """
    indices = iter(indices)
    pool = _Pool(dataset, workers, use_multiprocessing)
    in_flight = collections.deque()  # (position in the pass, index, future)
    positions = iter(range(1 << 62))
    where = "a worker process" if use_multiprocessing else "a worker thread"
    try:
        for index in indices:
            in_flight.append((next(positions), index, pool.submit(index)))
            if len(in_flight) >= max(max_queue_size, 1):
                break
        while in_flight:
            position, index, head = in_flight.popleft()
            for next_index in indices:
                in_flight.append((next(positions), next_index, pool.submit(next_index)))
                break
            try:
                item = head.result()
            except concurrent.futures.process.BrokenProcessPool as error:
                pid, code, dead_index = pool.dead_worker()
                lost = {i: p for p, i, _ in in_flight}
                lost[index] = position
                if dead_index in lost:
                    position, index = lost[dead_index], dead_index
                raise worker_died_error(
                    source, position, pid, code,
                    "If memory ran out, use fewer workers or a smaller `max_queue_size` or batch size, or load "
                    "with threads (`use_multiprocessing=False`).",
                    f"workers={workers}, use_multiprocessing=True", index=index,
                ) from error
            except Exception as error:
                raise add_batch_note(error, source, position, index, where)
            yield item
    finally:
        for _, _, future in in_flight:
            future.cancel()
        pool.executor.shutdown(wait=True, cancel_futures=True)
