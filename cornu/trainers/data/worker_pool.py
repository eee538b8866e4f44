"""Loading ``PyDataset`` batches in parallel, in order, with threads or processes.

A pool lives for one pass over the dataset and is always shut down when the
pass ends, is abandoned (the iterator is closed) or fails: pending requests
are cancelled and the workers are joined, so no thread or process outlives it.
"""

import collections
import concurrent.futures
import multiprocessing

# The dataset a worker process reads from (set once per process by `_init_process`).
_PROCESS_DATASET = None


def _init_process(dataset):
    global _PROCESS_DATASET
    _PROCESS_DATASET = dataset


def _get_in_process(index):
    return _PROCESS_DATASET[index]


def _make_executor(dataset, workers, use_multiprocessing):
    if use_multiprocessing:
        # The platform's default start method, as Keras uses: with "spawn" or
        # "forkserver" the dataset must be picklable.
        return concurrent.futures.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context(),
            initializer=_init_process,
            initargs=(dataset,),
        ), _get_in_process
    threads = concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cornu-pydataset")
    return threads, dataset.__getitem__


def ordered_parallel_items(dataset, indices, workers, use_multiprocessing, max_queue_size):
    """Yields ``dataset[i]`` for each ``i`` in ``indices``, in order, with up to
    ``max_queue_size`` requests in flight on ``workers`` threads or processes.

    Example:
    >>> for batch in ordered_parallel_items(dataset, range(len(dataset)), 4, False, 10): ...
    """
    indices = iter(indices)
    executor, get_item = _make_executor(dataset, workers, use_multiprocessing)
    in_flight = collections.deque()
    try:
        for index in indices:
            in_flight.append(executor.submit(get_item, index))
            if len(in_flight) >= max(max_queue_size, 1):
                break
        while in_flight:
            head = in_flight.popleft()
            for index in indices:
                in_flight.append(executor.submit(get_item, index))
                break
            yield head.result()
    finally:
        for future in in_flight:
            future.cancel()
        executor.shutdown(wait=True, cancel_futures=True)
