"""The callbacks a trial's ``fit`` gets: the tuner's hooks with Optuna pruning, and the best-epoch save.

``TunerCallback`` forwards ``on_epoch_*`` (and, only when the tuner overrides them, ``on_batch_*``)
to the tuner, reports the objective of each epoch to the Optuna trial, and stops training when
the pruner says so. ``SaveBestEpoch`` keeps the weights of the best epoch, which
``get_best_models`` loads.

Example:
>>> callbacks = [TunerCallback(tuner, trial), SaveBestEpoch(objective, "trial_00/checkpoint.weights.h5")]
"""

import math

from cornu.callbacks.callback import Callback


def objective_value(objective, logs):
    """The objective's value in ``logs``, or ``None`` when absent (or not a finite number)."""
    if not logs or not objective.has_value(logs):
        return None
    try:
        value = float(objective.get_value(logs))
    except (TypeError, ValueError):
        return None
    return value


class TunerCallback(Callback):
    """Calls the tuner's epoch hooks, reports the objective to Optuna and stops a pruned trial."""

    def __init__(self, tuner, trial, report=True):
        super().__init__()
        self.tuner = tuner
        self.trial = trial
        self.report = report

    def on_epoch_begin(self, epoch, logs=None):
        self.tuner.on_epoch_begin(self.trial, self.model, epoch, logs=logs)

    def on_epoch_end(self, epoch, logs=None):
        self.tuner.on_epoch_end(self.trial, self.model, epoch, logs=logs)
        self.tuner.oracle.heartbeat(self.trial)
        optuna_trial = self.trial._optuna_trial
        if not self.report or optuna_trial is None:
            return
        value = objective_value(self.tuner.oracle.objective, logs)
        if value is None or math.isnan(value):
            return
        optuna_trial.report(value, epoch)
        if optuna_trial.should_prune():
            self.trial._pruned = True
            self.model.stop_training = True


class TunerBatchCallback(TunerCallback):
    """``TunerCallback`` plus the batch hooks (only used when the tuner overrides ``on_batch_*``)."""

    def on_train_batch_begin(self, batch, logs=None):
        self.tuner.on_batch_begin(self.trial, self.model, batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self.tuner.on_batch_end(self.trial, self.model, batch, logs=logs)


class SaveBestEpoch(Callback):
    """Saves the model's weights at each epoch that improves the objective (and resumes that record)."""

    def __init__(self, objective, filepath):
        super().__init__()
        self.objective = objective
        self.filepath = filepath
        self.best = None

    def on_epoch_end(self, epoch, logs=None):
        value = objective_value(self.objective, logs)
        if value is None or math.isnan(value):
            if self.best is None and not self.objective.has_value(logs or {}):
                self.model.save_weights(self.filepath)  # no objective in the logs: keep the last epoch
            return
        if self.best is None or self.objective.better_than(value, self.best):
            self.best = value
            self.model.save_weights(self.filepath)

    def get_training_state(self):
        return {"best": self.best}

    def set_training_state(self, state):
        self.best = state.get("best")
