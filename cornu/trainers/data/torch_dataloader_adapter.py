"""Batches from a ``torch.utils.data.DataLoader``, on every backend.

Nothing here imports torch: the loader is iterated as any Python iterable and
its tensors become NumPy unless the active backend is torch.
"""

from cornu.trainers.data.array_conversion import batch_for_backend
from cornu.trainers.data.batch_errors import add_batch_note, worker_died_error
from cornu.trainers.data.data_adapter import PeekableIterableAdapter
from cornu.trainers.data.packing import standardize_batch


def is_torch_dataloader(x):
    """True for a ``torch.utils.data.DataLoader`` (or subclass), detected by class name."""
    return any(
        cls.__name__ == "DataLoader" and "torch.utils.data" in str(cls.__module__) for cls in type(x).__mro__
    )


def _dead_worker(batches, error):
    """``(pid, exitcode)`` of a worker process of a DataLoader iterator that died, or None."""
    # A broken pipe can arrive a moment before the dead process can be waited for.
    wait = 1.0 if isinstance(error, (OSError, EOFError)) else 0.0
    for worker in getattr(batches, "_workers", None) or []:  # torch's multiprocessing iterator
        try:
            if wait:
                worker.join(timeout=wait)
            if not worker.is_alive() and worker.exitcode not in (None, 0):
                return worker.pid, worker.exitcode
        except (AssertionError, ValueError, OSError):
            continue
    return None


def _shut_down(batches):
    # Stops the other worker processes now rather than when the iterator is garbage collected: a
    # failed pass's iterator lives on in the traceback, and until its workers are unregistered
    # torch's SIGCHLD handler raises "DataLoader worker ... is killed" again at any later point.
    shut_down = getattr(batches, "_shutdown_workers", None)
    if callable(shut_down):
        shut_down()


class TorchDataLoaderAdapter(PeekableIterableAdapter):
    """Iterates a torch ``DataLoader`` once per pass; its own sampler decides the order.

    Example:
    >>> loader = torch.utils.data.DataLoader(dataset, batch_size=32)
    >>> model.fit(loader, epochs=3)  # works on the jax backend too
    """

    source_name = "torch DataLoader"

    def __init__(self, dataloader):
        super().__init__()
        self._dataloader = dataloader
        self.batch_size = dataloader.batch_size
        self.num_batches = len(dataloader) if hasattr(dataloader.dataset, "__len__") else None

    def _iterate(self):
        # torch notices a dead worker process itself (its SIGCHLD handler and status checks) and
        # raises a RuntimeError naming it; the note adds which batch was being read.
        batches = iter(self._dataloader)
        workers = getattr(self._dataloader, "num_workers", 0)
        where = f"one of its {workers} worker processes" if workers else None
        for position in range(1 << 62):
            try:
                batch = next(batches)
            except StopIteration:
                return
            except Exception as error:
                dead = _dead_worker(batches, error)
                if dead is None:
                    raise add_batch_note(error, "torch DataLoader", position, where=where)
                _shut_down(batches)
                raise worker_died_error(
                    "torch DataLoader", position, *dead,
                    "If memory ran out, use fewer workers (`num_workers`), a smaller `prefetch_factor` "
                    "or batch size.", f"num_workers={workers}",
                ) from error
            yield batch_for_backend(standardize_batch(batch, source="torch DataLoader"))
