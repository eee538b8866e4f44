"""How an AutoML task runs its search on ``cornu.tuner``: the tuner by name, trial caps, a time budget."""

import time

TUNER_NAMES = ("random", "bayesian", "hyperband")
DEFAULT_TUNER = "bayesian"


def check_tuner_name(tuner):
    """The tuner name to use (``None`` -> ``"bayesian"``), or a clear error."""
    if tuner is None:
        return DEFAULT_TUNER
    if tuner not in TUNER_NAMES:
        raise ValueError(f"`tuner` must be one of {TUNER_NAMES} (or None for {DEFAULT_TUNER!r}). "
                         f"Received: tuner={tuner!r}")
    return tuner


def check_budget(max_trials, time_budget):
    """Raises unless ``max_trials`` is a positive integer (or None) and ``time_budget`` positive seconds (or None)."""
    if max_trials is not None and (not isinstance(max_trials, int) or isinstance(max_trials, bool) or max_trials < 1):
        raise ValueError(f"`max_trials` must be a positive integer. Received: max_trials={max_trials!r}")
    if time_budget is not None and (not isinstance(time_budget, (int, float)) or time_budget <= 0):
        raise ValueError(f"`time_budget` must be a positive number of seconds. Received: time_budget={time_budget!r}")


class SearchBudgetSpent(Exception):
    """Raised between trials to end a search whose time budget or trial cap is reached."""


class _StopsBetweenTrials:
    """Tuner mixin: after each trial, ends the search once ``deadline`` passed or ``trial_cap`` trials ran."""

    deadline = None
    trial_cap = None
    trials_run = 0

    def on_trial_end(self, trial):
        super().on_trial_end(trial)
        self.trials_run += 1
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise SearchBudgetSpent("time budget spent")
        if self.trial_cap is not None and self.trials_run >= self.trial_cap:
            raise SearchBudgetSpent("trial cap reached")


def _tuner_class(name):
    from cornu import tuner as kt  # noqa: PLC0415 (optuna is imported only when a search runs)

    base = {"random": kt.RandomSearch, "bayesian": kt.BayesianOptimization, "hyperband": kt.Hyperband}[name]
    return type(f"AutoML{base.__name__}", (_StopsBetweenTrials, base), {})


def make_tuner(name, hypermodel, objective, max_trials, epochs=None, **kwargs):
    """A ``cornu.tuner`` tuner of kind ``name`` that also stops between trials when told to.

    ``Hyperband`` has no ``max_trials`` of its own: it gets ``max_epochs=epochs`` and the trial cap.
    """
    cls = _tuner_class(name)
    if name == "hyperband":
        tuner = cls(hypermodel, objective=objective, max_epochs=max(int(epochs or 100), 2), **kwargs)
        tuner.trial_cap = max_trials
    else:
        tuner = cls(hypermodel, objective=objective, max_trials=max_trials, **kwargs)
    return tuner


def search(tuner, time_budget, *fit_args, **fit_kwargs):
    """Runs ``tuner.search``; with ``time_budget`` (seconds) no trial starts after it is spent."""
    if time_budget is not None:
        tuner.deadline = time.monotonic() + time_budget
    try:
        return tuner.search(*fit_args, **fit_kwargs)
    except SearchBudgetSpent:
        tuner.on_search_end()


def early_stopping(objective, patience):
    """An ``EarlyStopping`` on the search objective (used when ``epochs=None``)."""
    from cornu.callbacks import EarlyStopping

    monitor = getattr(objective, "name", objective)
    return EarlyStopping(monitor=monitor, patience=patience, restore_best_weights=True)
