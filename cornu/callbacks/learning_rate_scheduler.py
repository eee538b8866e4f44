"""``LearningRateScheduler``: set the learning rate from a function of the epoch."""

import numpy as np

from cornu import backend
from cornu.callbacks.callback import Callback
from cornu.serialization.registry import keras_export
from cornu.utils import io_utils


def read_learning_rate(optimizer):
    """The optimizer's current learning rate as a Python float."""
    return float(backend.convert_to_numpy(optimizer.learning_rate))


def optimizers_of(model):
    """``[(name, optimizer)]``: the parts of a multi-optimizer, or ``[("", optimizer)]``."""
    optimizer = model.optimizer
    parts = getattr(optimizer, "optimizers", None)
    if parts is not None:
        return [(part.name, part) for part in parts]
    return [("", optimizer)]


def log_learning_rates(model, logs):
    """Adds ``learning_rate`` (or ``learning_rate_<name>`` per sub-optimizer) to ``logs``."""
    for name, optimizer in optimizers_of(model):
        logs[f"learning_rate_{name}" if name else "learning_rate"] = read_learning_rate(optimizer)


@keras_export("keras.callbacks.LearningRateScheduler")
class LearningRateScheduler(Callback):
    """Sets the learning rate at the start of each epoch to ``schedule(epoch, lr)``.

    ``schedule`` takes the epoch index (0-based) and the current learning
    rate and returns a float; a one-argument ``schedule(epoch)`` works too.
    The rate in use is added to the epoch logs as ``learning_rate``.

    Args:
        schedule: the function giving the learning rate.
        verbose: 1 prints the new rate at each epoch.

    Example:
    >>> def schedule(epoch, lr):
    ...     return lr if epoch < 10 else lr * 0.9
    >>> model.fit(x, y, epochs=15, callbacks=[cornu.callbacks.LearningRateScheduler(schedule)])
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def _update_optimizer_lr(self, optimizer, epoch):
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        try:
            learning_rate = self.schedule(epoch, read_learning_rate(optimizer))
        except TypeError:  # a schedule(epoch) function
            learning_rate = self.schedule(epoch)
        if not isinstance(learning_rate, (float, np.float32, np.float64)):
            raise ValueError(f"The output of the `schedule` function should be a float. Got: {learning_rate}")
        optimizer.learning_rate = learning_rate
        return learning_rate

    def on_epoch_begin(self, epoch, logs=None):
        for name, optimizer in optimizers_of(self.model):
            learning_rate = self._update_optimizer_lr(optimizer, epoch)
            if self.verbose > 0:
                which = f"{name} learning rate" if name else "learning rate"
                io_utils.print_msg(f"\nEpoch {epoch + 1}: LearningRateScheduler setting {which} to {learning_rate}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            log_learning_rates(self.model, logs)
