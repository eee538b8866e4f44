"""Which callbacks run on every process of a multi-process run, and which only on process 0.

Under a distribution spanning several processes every process runs ``fit`` on the same
global metrics; only process 0 shows the progress bar and writes files (checkpoints, CSV
logs, TensorBoard events, remote monitoring), so the processes never race on one file.
Other callbacks (``EarlyStopping``, ``ReduceLROnPlateau``, ``BackupAndRestore``'s restore,
user callbacks) run everywhere and take the same decisions from the same logs.

Example:
>>> callbacks = callbacks_for_this_process([ModelCheckpoint("best.keras"), EarlyStopping()])
"""

from cornu import backend
from cornu.backend.common import global_state


def is_primary_process():
    """False only on processes other than 0 while a distribution is in force (asking earlier
    would start the backend before ``keras.distribution.initialize``)."""
    if global_state.get_global_attribute("distribution") is None:
        return True
    return backend.distribution_lib().process_id() == 0


def wait_for_every_process():
    """A barrier across the processes of a multi-process distribution; a no-op otherwise."""
    if global_state.get_global_attribute("distribution") is None:
        return
    engine = backend.distribution_lib()
    if engine.num_processes() > 1:
        engine.barrier()


def _primary_only_classes():
    from cornu.callbacks.csv_logger import CSVLogger
    from cornu.callbacks.model_checkpoint import ModelCheckpoint
    from cornu.callbacks.progbar_logger import ProgbarLogger
    from cornu.callbacks.remote_monitor import RemoteMonitor
    from cornu.callbacks.tensorboard import TensorBoard

    return (ProgbarLogger, ModelCheckpoint, CSVLogger, TensorBoard, RemoteMonitor)


def callbacks_for_this_process(callbacks, model=None):
    """``callbacks`` without the process-0-only ones on any other process.

    When ``model``'s variables are split over the processes (``ModelParallel``), saving it is a
    collective that every process joins (only process 0 writes), so ``ModelCheckpoint`` stays.
    """
    if is_primary_process():
        return callbacks
    primary_only = _primary_only_classes()
    if model is not None:
        from cornu.callbacks.model_checkpoint import ModelCheckpoint
        from cornu.saving import process_zero_writes

        if process_zero_writes.spans_processes(model):
            primary_only = tuple(c for c in primary_only if c is not ModelCheckpoint)
    return [cb for cb in callbacks if not isinstance(cb, primary_only)]
