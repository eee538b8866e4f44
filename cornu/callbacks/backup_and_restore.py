"""``BackupAndRestore``: resume an interrupted ``fit`` exactly where it stopped."""

import json
import os
import warnings

from cornu.callbacks.backup_store import BackupStore
from cornu.callbacks.callback import Callback
from cornu.callbacks.primary_process import is_primary_process, wait_for_every_process
from cornu.callbacks.write_error_policy import handle_write_error
from cornu.serialization.registry import keras_export
from cornu.trainers import training_state

# The files Keras's BackupAndRestore writes: a folder holding only these is resumed at its epoch.
_KERAS_WEIGHTS = "latest.weights.h5"
_KERAS_METADATA = "training_metadata.json"


@keras_export("keras.callbacks.BackupAndRestore")
class BackupAndRestore(Callback):
    """Backs up the training state during ``fit`` and resumes from it after an interruption.

    Run the same script again after a crash, a kill or a preemption: ``fit``
    restores the newest backup in ``backup_dir`` and continues from the very
    batch it stopped at, with the same results as a run that was never
    interrupted. A backup holds the model's weights, the optimizer's state
    (iteration count included), the metrics of the current epoch, the epoch
    and batch reached, the random generators (NumPy's and Python's, which
    draw the shuffling order, and cornu's global seed generator; dropout seeds
    are layer variables) and the state of callbacks that implement
    ``get_training_state()``/``set_training_state(state)`` (``EarlyStopping``,
    ``ReduceLROnPlateau``, ``ModelCheckpoint`` and this callback do; see
    ``cornu/trainers/training_state.py``).

    Writes are atomic: a checkpoint is written to a temporary folder and
    renamed into place only once complete, and the previous one is deleted
    only after that. A run that fails keeps its backup; a successful ``fit``
    deletes it when ``delete_checkpoint=True``. Resuming assumes the same
    model, compile arguments, data and callbacks as the run that wrote the
    backup. With one-shot data (a generator) the resumed run reads a fresh
    generator from its start.

    When a backup cannot be written (disk full, file-size limit, quota), the
    partial checkpoint is removed and the previous one stays usable. By
    default (``on_write_error = "raise"``, as in Keras) ``fit`` stops with an
    ``OSError`` naming the folder and the cause, and the next run resumes
    from the previous backup; set ``backup.on_write_error = "warn"`` to keep
    training with a warning instead.

    Args:
        backup_dir: the folder for the backups (used only by this callback).
        save_freq: ``"epoch"`` to back up at the end of every epoch, an integer
            to back up every ``save_freq`` batches, or ``False`` to only restore.
        double_checkpoint: keep the previous checkpoint too, to fall back on if
            the newest one is damaged (e.g. by a disk error).
        delete_checkpoint: delete the backup when ``fit`` ends successfully.

    Example:
    >>> backup = cornu.callbacks.BackupAndRestore(backup_dir="/tmp/backup", save_freq=100)
    >>> model.fit(x, y, epochs=10, callbacks=[backup])  # run again after a crash to resume
    """

    on_write_error = "raise"

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False, delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError(
                "Empty `backup_dir` argument passed: give BackupAndRestore a folder to keep its backups in, e.g. "
                f"BackupAndRestore(backup_dir='/tmp/backup'). Received: backup_dir={backup_dir!r}"
            )
        if save_freq is not False and save_freq != "epoch" and (
            isinstance(save_freq, bool) or not isinstance(save_freq, int) or save_freq < 1
        ):
            raise ValueError(
                "Invalid value for argument `save_freq`: expected 'epoch', a positive integer (a number of "
                f"batches) or False. Received: save_freq={save_freq!r}"
            )
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._store = BackupStore(self.backup_dir, keep=2 if double_checkpoint else 1)
        self._resume_points = None  # the running fit's ResumePoints; None in a custom training loop
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = -1
        self._current_epoch = 0

    # ------------------------------------------------------------- restoring
    def on_train_begin(self, logs=None):
        model = self.model
        if not model.built:
            raise ValueError(
                "To use the BackupAndRestore callback, your model must be built before you call `fit()`. "
                f"Model {model.name} is unbuilt: build it by calling it on a batch of data."
            )
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = -1
        self._current_epoch = 0
        self._resume_points = self._find_resume_points()
        state = self._store.load_latest()
        if state is None:
            self._restore_keras_backup()
            return
        optimizer = getattr(model, "optimizer", None)
        if optimizer is not None and not optimizer.built:
            optimizer.build(model.trainable_variables)
        training_state.restore_variables(model, state, groups=("model", "optimizer"))
        session = self._resume_points
        if session is not None:
            session.resume_from(state)  # the rest once every callback has run on_train_begin
        else:
            # Outside `fit` (a custom loop calling the hooks): epoch granularity, as Keras does.
            training_state.restore_callbacks([self], state)
            model._initial_epoch = state.epoch

    def _find_resume_points(self):
        session = getattr(self._model, "_resume_points", None)
        # A session that already began belongs to an earlier fit that crashed, not to this run.
        if session is None or session.started or not session.owns(self):
            return None
        return session

    def _restore_keras_backup(self):
        """Resumes from a backup written by Keras's BackupAndRestore (weights and epoch only)."""
        weights = os.path.join(self.backup_dir, _KERAS_WEIGHTS)
        if not os.path.exists(weights):
            return
        warnings.warn(
            f"'{self.backup_dir}' holds a Keras backup: restoring its weights and epoch only (no optimizer, "
            "callback or random state, and the interrupted epoch runs again).",
            stacklevel=3,
        )
        self.model.load_weights(weights)
        metadata = os.path.join(self.backup_dir, _KERAS_METADATA)
        if os.path.exists(metadata):
            with open(metadata) as f:
                epoch = int(json.load(f)["epoch"])
            self._current_epoch = epoch
            session = self._resume_points
            if session is not None:
                session.resume_from_epoch(epoch)
            else:
                self.model._initial_epoch = epoch

    # ---------------------------------------------------------------- saving
    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save(self._current_epoch, batch + 1)

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        self._last_batch_seen = -1
        if self.save_freq == "epoch":
            self._save(epoch + 1, 0)

    def _should_save_on_batch(self, batch):
        if self.save_freq == "epoch" or self.save_freq is False:
            return False
        # With steps_per_execution the hook sees only every Nth batch index.
        if batch <= self._last_batch_seen:
            new_batches = batch + 1  # a new epoch started
        else:
            new_batches = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += new_batches
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _save(self, epoch, step):
        session = self._resume_points
        if session is not None:
            # Taken after every callback has seen this batch/epoch (see ResumePoints).
            session.request_checkpoint(self._write_backup)
            return
        self._write_backup(training_state.capture_training_state(self.model, [self], None, epoch, step))

    def _write_backup(self, state):
        # Under a multi-process distribution every process holds the same training state
        # (global metrics, agreed seeds, the same batches): process 0 writes it, the others wait.
        try:
            if not is_primary_process():
                return None
            return self._store.save(state)
        except OSError as error:
            handle_write_error(self, error, f"a backup in '{self.backup_dir}'")
            return None
        finally:
            wait_for_every_process()

    def on_train_end(self, logs=None):
        # Reached only when `fit` ends normally: a crash keeps the backup for the next run.
        self._resume_points = None
        if self.delete_checkpoint and is_primary_process():
            self._store.delete_all()

    # Training-state protocol (see cornu/trainers/training_state.py).
    def get_training_state(self):
        """The batch counters deciding when the next backup is due."""
        return {
            "batches_seen_since_last_saving": self._batches_seen_since_last_saving,
            "last_batch_seen": self._last_batch_seen,
            "current_epoch": self._current_epoch,
        }

    def set_training_state(self, state):
        """Takes back a state from ``get_training_state`` (when ``fit`` resumes from a backup)."""
        self._batches_seen_since_last_saving = state["batches_seen_since_last_saving"]
        self._last_batch_seen = state["last_batch_seen"]
        self._current_epoch = state["current_epoch"]
