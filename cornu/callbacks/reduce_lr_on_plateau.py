"""``ReduceLROnPlateau``: lower the learning rate when a metric stops improving."""

import warnings

import numpy as np

from cornu.callbacks.learning_rate_scheduler import log_learning_rates
from cornu.callbacks.learning_rate_scheduler import optimizers_of
from cornu.callbacks.learning_rate_scheduler import read_learning_rate
from cornu.callbacks.monitor_callback import MonitorCallback
from cornu.serialization.registry import keras_export
from cornu.utils import io_utils


@keras_export("keras.callbacks.ReduceLROnPlateau")
class ReduceLROnPlateau(MonitorCallback):
    """Multiplies the learning rate by ``factor`` after ``patience`` epochs without improvement.

    Args:
        monitor: the logged quantity to watch.
        factor: the multiplier, below 1.
        patience: epochs without improvement before reducing.
        verbose: 1 prints a line at each reduction.
        mode: ``"auto"``, ``"min"`` or ``"max"`` (see ``MonitorCallback``).
        min_delta: smallest change that counts as an improvement.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the rate never goes below this.

    Example:
    >>> reduce_lr = cornu.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.2,
    ...                                               patience=5, min_lr=0.001)
    >>> model.fit(x, y, validation_split=0.2, callbacks=[reduce_lr])
    """

    def __init__(
        self,
        monitor="val_loss",
        factor=0.1,
        patience=10,
        verbose=0,
        mode="auto",
        min_delta=1e-4,
        cooldown=0,
        min_lr=0.0,
        **kwargs,
    ):
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}")
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def _reset(self):
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def on_train_begin(self, logs=None):
        self._reset()

    # Training-state protocol (see cornu/trainers/training_state.py), used by BackupAndRestore.
    # The learning rate itself is an optimizer variable, backed up with the optimizer.
    def get_training_state(self):
        """The patience and cooldown counters and the best value so far."""
        return {"wait": self.wait, "best": self.best, "cooldown_counter": self.cooldown_counter}

    def set_training_state(self, state):
        """Takes back a state from ``get_training_state`` (when ``fit`` resumes from a backup)."""
        self.wait = state["wait"]
        self.best = state["best"]
        self.cooldown_counter = state["cooldown_counter"]

    def _reduce(self, optimizer, epoch, name):
        old_lr = read_learning_rate(optimizer)
        # Compare in float32: the rate is stored as float32, min_lr as a Python float.
        if old_lr <= np.float32(self.min_lr):
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        optimizer.learning_rate = new_lr
        if self.verbose > 0:
            which = f" {name}" if name else ""
            io_utils.print_msg(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing{which} learning rate to {new_lr}.")
        return True

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs if logs is not None else {}
        log_learning_rates(self.model, logs)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Learning rate reduction is conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join(logs)}.",
                stacklevel=2,
            )
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                reduced = False
                for name, optimizer in optimizers_of(self.model):
                    reduced = self._reduce(optimizer, epoch, name) or reduced
                if reduced:
                    self.cooldown_counter = self.cooldown
                    self.wait = 0
