"""Errors raised while a batch is read: say which batch, and why a worker process died.

An exception raised by user code (``PyDataset.__getitem__``, a generator, a
torch ``Dataset``) keeps its type and message, so ``except ValueError`` still
catches it; a note (PEP 678, printed under the traceback) adds which batch of
the pass was being read. A worker process that dies (killed, out of memory)
becomes ``DataWorkerDiedError`` naming the batch, the process and its exit.
"""

import concurrent.futures.process
import signal

_NOTED = "_cornu_batch_noted"


def add_batch_note(error, source, position, index=None, where=None):
    """Adds "while reading batch <position> ..." to ``error`` once (the innermost reader wins).

    Example:
    >>> try:
    ...     batch = dataset[7]
    ... except Exception as e:
    ...     raise add_batch_note(e, "PyDataset", position=3, index=7)
    """
    if getattr(error, _NOTED, False) or not hasattr(error, "add_note"):
        return error
    detail = f": `__getitem__({index})`" if index is not None else ""
    place = f", in {where}" if where else ""
    error.add_note(
        f"Raised while reading batch {position} of this pass over the data (0-based) from the "
        f"{source}{detail}{place}."
    )
    try:
        setattr(error, _NOTED, True)
    except AttributeError:
        pass
    return error


def describe_exit(exitcode):
    """How a process ended, in words, from ``multiprocessing.Process.exitcode``.

    Example:
    >>> describe_exit(-9)
    'was killed by signal SIGKILL (the out-of-memory killer sends it, as does `kill -9`)'
    """
    if exitcode is None:
        return "stopped responding"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"number {-exitcode}"
        hint = " (the out-of-memory killer sends it, as does `kill -9`)" if -exitcode == signal.SIGKILL else ""
        return f"was killed by signal {name}{hint}"
    return f"exited with status {exitcode} (e.g. `os._exit` or a crash in native code)"


class DataWorkerDiedError(concurrent.futures.process.BrokenProcessPool):
    """A process loading batches died before handing its batch over.

    It is a ``BrokenProcessPool`` (a ``RuntimeError``), as Python's process
    pool raises, with a message naming the batch and how the process ended.

    Example:
    >>> try:
    ...     model.fit(dataset_whose_worker_is_killed)
    ... except DataWorkerDiedError as e:
    ...     print(e)
    """


def worker_died_error(source, position, pid, exitcode, advice, received, index=None):
    """The ``DataWorkerDiedError`` for a dead worker (``pid``/``exitcode`` may be unknown: None).

    Example:
    >>> worker_died_error("PyDataset", 3, 1234, -9, "Use fewer workers.", "workers=2", index=7)
    """
    who = f"Worker process {pid}" if pid is not None else "A worker process"
    how = describe_exit(exitcode) if pid is not None else "died abruptly"
    item = f"; `__getitem__({index})`" if index is not None else ""
    return DataWorkerDiedError(
        f"{who} of the {source} {how} while reading batch {position} (0-based, counted from the start of "
        f"this pass over the data{item}). Training cannot go on without that batch. {advice} "
        f"Received: {received}"
    )


def add_wait_note(error, step):
    """Notes on an error raised in the training thread while it waited for a batch (e.g. by the
    SIGCHLD handler torch's DataLoader installs) which step's batch it was waiting for."""
    if getattr(error, _NOTED, False) or not hasattr(error, "add_note"):
        return error
    error.add_note(
        f"Raised while the training loop waited for the batch of step {step} of this epoch (0-based); "
        "a process loading the data may have died."
    )
    try:
        setattr(error, _NOTED, True)
    except AttributeError:
        pass
    return error
