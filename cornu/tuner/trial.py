"""``Trial``: one set of hyperparameter values, its status, its score and its metrics.

A trial keeps one identity across attempts: when it is retried after an error, or resumed after
its process was killed, the new Optuna trial runs under the same ``trial_id`` and folder.

Example:
>>> trial = tuner.oracle.get_best_trials(1)[0]
>>> trial.trial_id, trial.score, trial.hyperparameters.values
('03', 0.97, {'units': 48})
"""


class TrialStatus:
    """The states a trial goes through, named as in KerasTuner."""

    RUNNING = "RUNNING"
    IDLE = "IDLE"
    INVALID = "INVALID"
    STOPPED = "STOPPED"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class MetricsTracker:
    """The values of each metric a trial reported, by step (epoch).

    Example:
    >>> trial.metrics.get_best_value("val_loss")
    0.31
    """

    def __init__(self, directions=None):
        self.metrics = {}
        self._directions = directions or {}

    def register(self, name, direction=None):
        self.metrics.setdefault(name, [])
        if direction:
            self._directions[name] = direction

    def exists(self, name):
        return name in self.metrics

    def update(self, name, value, step=0):
        self.metrics.setdefault(name, []).append((int(step), float(value)))

    def get_history(self, name):
        return list(self.metrics.get(name, []))

    def get_last_value(self, name):
        history = self.metrics.get(name)
        return history[-1][1] if history else None

    def get_best_value(self, name):
        history = self.metrics.get(name)
        if not history:
            return None
        values = [v for _, v in history]
        return max(values) if self._directions.get(name) == "max" else min(values)

    def get_statistics(self, name):
        values = [v for _, v in self.metrics.get(name, [])]
        if not values:
            return {}
        mean = sum(values) / len(values)
        return {"min": min(values), "max": max(values), "mean": mean, "count": len(values)}


class Trial:
    """One trial of a search, as KerasTuner's ``Trial``.

    Attributes:
        trial_id: a string id, stable across retries and resumption.
        hyperparameters: the ``HyperParameters`` of the trial (space and values).
        status: a ``TrialStatus`` value.
        score: the objective value (``None`` until the trial ends).
        best_step: the epoch at which the objective was best.
        metrics: a ``MetricsTracker`` with the metrics of the best epoch.
        message: the error message of a failed trial.
    """

    def __init__(self, hyperparameters, trial_id=None, status=TrialStatus.RUNNING, message=None):
        self.hyperparameters = hyperparameters
        self.trial_id = trial_id
        self.status = status
        self.message = message
        self.score = None
        self.best_step = 0
        self.metrics = MetricsTracker()
        # Optuna bookkeeping (cornu only): the live optuna.trial.Trial and its number.
        self._optuna_trial = None
        self._number = None
        self._previous_values = {}

    def summary(self):
        """Prints the trial's id, hyperparameter values, score and status."""
        print(f"Trial {self.trial_id} summary")
        print("Hyperparameters:")
        for name, value in self.hyperparameters.values.items():
            print(f"{name}: {value}")
        if self.score is not None:
            print(f"Score: {self.score}")
        if self.status != TrialStatus.COMPLETED:
            print(f"Status: {self.status}")
        if self.message:
            print(self.message)

    def display_hyperparameters(self):
        for name, value in self.hyperparameters.values.items():
            print(f"{name}: {value}")

    def __repr__(self):
        return f"Trial(trial_id={self.trial_id!r}, status={self.status!r}, score={self.score!r})"
