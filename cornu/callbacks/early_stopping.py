"""``EarlyStopping``: stop ``fit`` when a metric stops improving."""

import warnings

import numpy as np

from cornu.callbacks.monitor_callback import MonitorCallback
from cornu.serialization.registry import keras_export
from cornu.utils import io_utils


@keras_export("keras.callbacks.EarlyStopping")
class EarlyStopping(MonitorCallback):
    """Stops training when ``monitor`` has not improved for ``patience`` epochs.

    Checked at the end of every epoch; stopping sets ``model.stop_training``.

    Args:
        monitor: the logged quantity to watch (e.g. ``"val_loss"``).
        min_delta: smallest change that counts as an improvement.
        patience: epochs without improvement before stopping.
        verbose: 1 prints a line when stopping or restoring weights.
        mode: ``"auto"``, ``"min"`` or ``"max"`` (see ``MonitorCallback``).
        baseline: training stops unless the model beats this value within
            ``patience`` epochs.
        restore_best_weights: at the end of training, set the weights of the
            best epoch back (whether training stopped early or not).
        start_from_epoch: epochs to wait before monitoring starts (warm-up).

    Example:
    >>> stop = cornu.callbacks.EarlyStopping(monitor="loss", patience=3)
    >>> history = model.fit(x, y, epochs=100, callbacks=[stop], verbose=0)
    >>> stop.stopped_epoch
    7
    """

    def __init__(
        self,
        monitor="val_loss",
        min_delta=0,
        patience=0,
        verbose=0,
        mode="auto",
        baseline=None,
        restore_best_weights=False,
        start_from_epoch=0,
    ):
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        self.best_epoch = 0
        self.start_from_epoch = start_from_epoch

    def on_train_begin(self, logs=None):
        # The same instance may be used for several fit() calls.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # The first monitored epoch is the best so far, whatever the baseline.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch

        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # Patience restarts only when the baseline is beaten as well.
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            io_utils.print_msg(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                io_utils.print_msg(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    # Training-state protocol (see cornu/trainers/training_state.py): BackupAndRestore saves
    # this with each backup, so a resumed run keeps counting patience where it stopped.
    def get_training_state(self):
        """The counters and best value (and weights) so far, for ``BackupAndRestore``."""
        return {
            "wait": self.wait,
            "stopped_epoch": self.stopped_epoch,
            "best": self.best,
            "best_epoch": self.best_epoch,
            "best_weights": self.best_weights,
        }

    def set_training_state(self, state):
        """Takes back a state from ``get_training_state`` (when ``fit`` resumes from a backup)."""
        self.wait = state["wait"]
        self.stopped_epoch = state["stopped_epoch"]
        self.best = state["best"]
        self.best_epoch = state["best_epoch"]
        weights = state["best_weights"]
        self.best_weights = None if weights is None else [np.array(w) for w in weights]

    def get_monitor_value(self, logs):
        """``logs[monitor]``, or None with a warning listing the available keys."""
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join(logs)}",
                stacklevel=2,
            )
        return value
