"""Saving a model whose variables are split over several processes (``ModelParallel``).

The whole value of a split variable exists only once every process has sent its pieces, so
such a save is a collective: every process runs it, in the same order, and only process 0
writes the file; the others write to a throwaway folder, and every process waits for the
others before it returns (so a file read right after the save is complete everywhere). A
model whose variables are whole on every process (one process, ``DataParallel``) is saved
as usual, by whichever process asks.

Example (every process of ``torchrun --nproc_per_node 2 train.py``):
>>> model.save("trained.keras")   # process 0 writes it; process 1 sends its pieces and waits
"""

import contextlib
import os
import shutil
import tempfile
import threading

from cornu import backend
from cornu.backend.common import global_state

_SAVING = threading.local()


def spans_processes(model):
    """Whether some variable of ``model`` (or of its optimizer) is split over several processes."""
    if global_state.get_global_attribute("distribution") is None or getattr(_SAVING, "active", False):
        return False
    engine = backend.distribution_lib()
    if engine.num_processes() == 1:
        return False
    variables = list(model.variables)
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and hasattr(optimizer, "variables"):
        variables += list(optimizer.variables)
    return any(engine.value_spans_processes(v.value) for v in variables)


@contextlib.contextmanager
def path_for_this_process(path):
    """``path`` on process 0, a throwaway path of the same name elsewhere; all wait at the end."""
    engine = backend.distribution_lib()
    folder = None if engine.process_id() == 0 else tempfile.mkdtemp(prefix="cornu-collective-save-")
    _SAVING.active = True
    try:
        yield path if folder is None else os.path.join(folder, os.path.basename(os.path.normpath(path)))
    finally:
        _SAVING.active = False
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        engine.barrier()
