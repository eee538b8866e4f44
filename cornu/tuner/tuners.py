"""The four built-in tuners and their oracles, each an Optuna sampler (and pruner) behind KerasTuner's API.

- ``RandomSearch``: Optuna's ``RandomSampler``.
- ``GridSearch``: every point of the grid, in KerasTuner's order (``cornu.tuner.grid``), handed out
  to workers without duplicates; continuous ranges without ``step`` contribute 10 values.
- ``BayesianOptimization``: Optuna's ``TPESampler`` (multivariate, constant liar). Not the GP
  sampler: Optuna's ``GPSampler`` needs PyTorch (a JAX user would import it), has no conditional
  (define-by-run) spaces, and its cost grows cubically with trials; TPE handles conditional
  hyperparameters and parallel workers. ``alpha``/``beta`` (KerasTuner's GP settings) are accepted
  and unused; pass ``sampler=optuna.samplers.GPSampler()`` for a Gaussian process.
- ``Hyperband``: random sampling with Optuna's ``HyperbandPruner`` (``min_resource=1``,
  ``max_resource=max_epochs``, ``reduction_factor=factor``): each trial trains up to ``max_epochs``
  and is stopped at the brackets' rungs when it falls behind.

Example:
>>> tuner = BayesianOptimization(build_model, objective="val_loss", max_trials=20, directory="/tmp/bo")
"""

import math
import warnings

from cornu.tuner.oracle import Oracle
from cornu.tuner.tuner import Tuner


def _silence_experimental():
    import optuna

    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)


class RandomSearchOracle(Oracle):
    """Random sampling of the space (Optuna ``RandomSampler``)."""

    def __init__(self, objective=None, max_trials=10, seed=None, hyperparameters=None, allow_new_entries=True,
                 tune_new_entries=True, max_retries_per_trial=0, max_consecutive_failed_trials=3):
        super().__init__(objective=objective, max_trials=max_trials, hyperparameters=hyperparameters,
                         allow_new_entries=allow_new_entries, tune_new_entries=tune_new_entries, seed=seed,
                         max_retries_per_trial=max_retries_per_trial,
                         max_consecutive_failed_trials=max_consecutive_failed_trials)


class GridSearchOracle(Oracle):
    """Walks the grid of the space in KerasTuner's order, each point once across all workers."""

    def __init__(self, objective=None, max_trials=None, seed=None, hyperparameters=None, allow_new_entries=True,
                 tune_new_entries=True, max_retries_per_trial=0, max_consecutive_failed_trials=3):
        super().__init__(objective=objective, max_trials=max_trials, hyperparameters=hyperparameters,
                         allow_new_entries=allow_new_entries, tune_new_entries=tune_new_entries, seed=seed,
                         max_retries_per_trial=max_retries_per_trial,
                         max_consecutive_failed_trials=max_consecutive_failed_trials)
        self._grid = True


class BayesianOptimizationOracle(Oracle):
    """Model-based search with Optuna's ``TPESampler`` (see the module docstring for why not a GP)."""

    def __init__(self, objective=None, max_trials=10, num_initial_points=None, alpha=1e-4, beta=2.6, seed=None,
                 hyperparameters=None, allow_new_entries=True, tune_new_entries=True, max_retries_per_trial=0,
                 max_consecutive_failed_trials=3):
        super().__init__(objective=objective, max_trials=max_trials, hyperparameters=hyperparameters,
                         allow_new_entries=allow_new_entries, tune_new_entries=tune_new_entries, seed=seed,
                         max_retries_per_trial=max_retries_per_trial,
                         max_consecutive_failed_trials=max_consecutive_failed_trials)
        self.num_initial_points = num_initial_points
        self.alpha, self.beta = alpha, beta

    def _make_sampler(self, seed):
        import optuna

        _silence_experimental()
        startup = self.num_initial_points
        if startup is None:
            startup = max(2, min(10, (self.max_trials or 30) // 3))
        return optuna.samplers.TPESampler(n_startup_trials=startup, seed=seed, multivariate=True,
                                          constant_liar=True)


def hyperband_trial_count(max_epochs, factor, hyperband_iterations):
    """How many models KerasTuner's Hyperband trains: the trial budget of ``Hyperband`` here."""
    s_max = int(math.log(max_epochs, factor) + 1e-9)
    total = 0
    for s in range(s_max + 1):
        total += int(math.ceil((s_max + 1) / (s + 1) * factor ** s))
    return total * hyperband_iterations


class HyperbandOracle(Oracle):
    """Random sampling with Optuna's ``HyperbandPruner`` stopping the trials that fall behind."""

    def __init__(self, objective=None, max_epochs=100, factor=3, hyperband_iterations=1, seed=None,
                 hyperparameters=None, allow_new_entries=True, tune_new_entries=True, max_retries_per_trial=0,
                 max_consecutive_failed_trials=3):
        if factor < 2:
            raise ValueError(f"Hyperband's factor must be an integer of at least 2. Received: factor={factor}")
        super().__init__(objective=objective,
                         max_trials=hyperband_trial_count(max_epochs, factor, hyperband_iterations),
                         hyperparameters=hyperparameters, allow_new_entries=allow_new_entries,
                         tune_new_entries=tune_new_entries, seed=seed, max_retries_per_trial=max_retries_per_trial,
                         max_consecutive_failed_trials=max_consecutive_failed_trials)
        self.max_epochs, self.factor, self.hyperband_iterations = max_epochs, factor, hyperband_iterations

    def _make_pruner(self):
        import optuna

        return optuna.pruners.HyperbandPruner(min_resource=1, max_resource=self.max_epochs,
                                              reduction_factor=self.factor)


class RandomSearch(Tuner):
    """Tries random hyperparameter values (``max_trials`` of them).

    Example:
    >>> tuner = RandomSearch(build_model, objective="val_accuracy", max_trials=10, directory="/tmp/rs")
    >>> tuner.search(x, y, epochs=5, validation_split=0.2)
    """

    def __init__(self, hypermodel=None, objective=None, max_trials=10, seed=None, hyperparameters=None,
                 tune_new_entries=True, allow_new_entries=True, max_retries_per_trial=0,
                 max_consecutive_failed_trials=3, **kwargs):
        self.seed = seed
        oracle = RandomSearchOracle(objective=objective, max_trials=max_trials, seed=seed,
                                    hyperparameters=hyperparameters, tune_new_entries=tune_new_entries,
                                    allow_new_entries=allow_new_entries, max_retries_per_trial=max_retries_per_trial,
                                    max_consecutive_failed_trials=max_consecutive_failed_trials)
        super().__init__(oracle, hypermodel, **kwargs)


class GridSearch(Tuner):
    """Tries every combination of values, default values first (as KerasTuner's ``GridSearch``).

    Example:
    >>> tuner = GridSearch(build_model, objective="val_loss", directory="/tmp/grid")
    """

    def __init__(self, hypermodel=None, objective=None, max_trials=None, seed=None, hyperparameters=None,
                 tune_new_entries=True, allow_new_entries=True, max_retries_per_trial=0,
                 max_consecutive_failed_trials=3, **kwargs):
        self.seed = seed
        oracle = GridSearchOracle(objective=objective, max_trials=max_trials, seed=seed,
                                  hyperparameters=hyperparameters, tune_new_entries=tune_new_entries,
                                  allow_new_entries=allow_new_entries, max_retries_per_trial=max_retries_per_trial,
                                  max_consecutive_failed_trials=max_consecutive_failed_trials)
        super().__init__(oracle, hypermodel, **kwargs)


class BayesianOptimization(Tuner):
    """Model-based search: Optuna's TPE sampler after ``num_initial_points`` random trials.

    Example:
    >>> tuner = BayesianOptimization(build_model, objective="val_loss", max_trials=20, directory="/tmp/bo")
    """

    def __init__(self, hypermodel=None, objective=None, max_trials=10, num_initial_points=None, alpha=1e-4,
                 beta=2.6, seed=None, hyperparameters=None, tune_new_entries=True, allow_new_entries=True,
                 max_retries_per_trial=0, max_consecutive_failed_trials=3, **kwargs):
        oracle = BayesianOptimizationOracle(
            objective=objective, max_trials=max_trials, num_initial_points=num_initial_points, alpha=alpha,
            beta=beta, seed=seed, hyperparameters=hyperparameters, tune_new_entries=tune_new_entries,
            allow_new_entries=allow_new_entries, max_retries_per_trial=max_retries_per_trial,
            max_consecutive_failed_trials=max_consecutive_failed_trials)
        super().__init__(oracle, hypermodel, **kwargs)


class Hyperband(Tuner):
    """Hyperband: many trials, most stopped early by Optuna's ``HyperbandPruner``; each runs up to ``max_epochs``.

    ``search``'s ``epochs`` is replaced by ``max_epochs``.

    Example:
    >>> tuner = Hyperband(build_model, objective="val_accuracy", max_epochs=27, factor=3, directory="/tmp/hb")
    """

    def __init__(self, hypermodel=None, objective=None, max_epochs=100, factor=3, hyperband_iterations=1, seed=None,
                 hyperparameters=None, tune_new_entries=True, allow_new_entries=True, max_retries_per_trial=0,
                 max_consecutive_failed_trials=3, **kwargs):
        oracle = HyperbandOracle(objective=objective, max_epochs=max_epochs, factor=factor,
                                 hyperband_iterations=hyperband_iterations, seed=seed,
                                 hyperparameters=hyperparameters, tune_new_entries=tune_new_entries,
                                 allow_new_entries=allow_new_entries, max_retries_per_trial=max_retries_per_trial,
                                 max_consecutive_failed_trials=max_consecutive_failed_trials)
        super().__init__(oracle, hypermodel, **kwargs)

    def run_trial(self, trial, *fit_args, **fit_kwargs):
        fit_kwargs["epochs"] = self.oracle.max_epochs
        return super().run_trial(trial, *fit_args, **fit_kwargs)
