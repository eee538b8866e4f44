"""Searches that must find known answers, the KerasTuner behaviours around them, and clear errors."""

import os

import pytest

from cornu.backend import backend

import cornu.tuner as kt
from tests.helpers.requirements import require
from tests.tuner import tiny_problem

require("optuna")
black_box = pytest.mark.skipif(backend() != "jax", reason="backend-independent (no model): runs in the jax suite only")


class Quadratic(kt.Tuner):
    """A black-box trial: no model, the objective is a known function of the hyperparameters."""

    def run_trial(self, trial, *args, **kwargs):
        hp = trial.hyperparameters
        x = hp.Int("x", 0, 6)
        shift = hp.Choice("shift", ["none", "up"])
        return float((x - 3) ** 2 + (0.5 if shift == "up" else 0.0))


class QuadraticGrid(Quadratic, kt.GridSearch):
    pass


@black_box
def test_grid_search_visits_every_point_once_and_finds_the_minimum(tmp_path):
    tuner = QuadraticGrid(directory=tmp_path, project_name="grid")
    tuner.search(verbose=0)
    trials = tuner.oracle.trials
    seen = [tuple(sorted(t.hyperparameters.values.items())) for t in trials.values()]
    assert len(seen) == 14 == len(set(seen))  # 7 values of x times 2 of shift
    best = tuner.get_best_hyperparameters(1)[0].values
    assert best == {"x": 3, "shift": "none"}
    assert tuner.oracle.get_best_trials(1)[0].score == 0.0
    # Default values first, the last declared hyperparameter varies fastest (KerasTuner's order).
    ordered = [trials[k].hyperparameters.values for k in sorted(trials)]
    assert ordered[:3] == [{"x": 0, "shift": "none"}, {"x": 0, "shift": "up"}, {"x": 1, "shift": "none"}]


@black_box
def test_bayesian_optimization_homes_in_on_a_continuous_minimum(tmp_path):
    class Bowl(kt.BayesianOptimization):
        def run_trial(self, trial, *args, **kwargs):
            x = trial.hyperparameters.Float("x", -5.0, 5.0)
            return {"loss": (x - 1.5) ** 2}

    tuner = Bowl(objective="loss", max_trials=25, num_initial_points=8, seed=3, directory=tmp_path,
                 project_name="bo")
    tuner.search(verbose=0)
    assert len(tuner.oracle.trials) == 25
    best = tuner.get_best_hyperparameters(1)[0].get("x")
    assert abs(best - 1.5) < 0.3, best


@black_box
def test_objective_and_hypermodel_errors_are_clear(tmp_path):
    with pytest.raises(ValueError, match="Could not infer.*Objective"):
        kt.RandomSearch(tiny_problem.build_model, objective="val_my_score", directory=tmp_path)
    with pytest.raises(TypeError, match="hypermodel.*Received: hypermodel=3"):
        kt.RandomSearch(3, objective="val_loss", directory=tmp_path)
    with pytest.raises(ValueError, match="hypermodel=None"):
        kt.RandomSearch(None, objective="val_loss", directory=tmp_path)
    with pytest.raises(TypeError, match="Unrecognized arguments.*stroage"):
        kt.RandomSearch(tiny_problem.build_model, objective="val_loss", directory=tmp_path, stroage="x")


@black_box
def test_failed_trials_are_retried_then_stop_the_search(tmp_path):
    attempts = []

    class Flaky(kt.RandomSearch):
        def run_trial(self, trial, *args, **kwargs):
            x = trial.hyperparameters.Int("x", 0, 100)
            attempts.append((trial.trial_id, x))
            raise kt.errors.FailedTrialError("always fails")

    tuner = Flaky(objective="loss", max_trials=5, max_retries_per_trial=1, max_consecutive_failed_trials=2,
                  directory=tmp_path, project_name="flaky")
    with pytest.raises(RuntimeError, match="consecutive failures"):
        tuner.search(verbose=0)
    # Two trials, each tried twice with the same values, then the limit of 2 consecutive failures.
    ids = [a[0] for a in attempts]
    assert len(ids) == 4 and ids[0] == ids[1] != ids[2] == ids[3]
    assert attempts[0][1] == attempts[1][1] and attempts[2][1] == attempts[3][1]
    assert {t.status for t in tuner.oracle.trials.values()} == {"FAILED"}


@pytest.mark.requires_trainable_backend
def test_model_search_finds_the_known_best_and_reloads(tmp_path, capsys):
    x, y = tiny_problem.data()
    epochs_seen = []

    class Recording(kt.GridSearch):
        def on_epoch_end(self, trial, model, epoch, logs=None):
            epochs_seen.append((trial.trial_id, epoch, sorted(logs)))

    tuner = Recording(tiny_problem.build_model, objective="val_accuracy", directory=tmp_path, project_name="mlp",
                      executions_per_trial=1)
    tuner.search(x, y, epochs=3, validation_split=0.25, batch_size=32, verbose=0)
    assert len(tuner.oracle.trials) == 4  # units x lr
    best_hp = tuner.get_best_hyperparameters(1)[0]
    assert best_hp.get("lr") == 0.05  # lr=1e-6 cannot learn in 3 epochs
    rebuilt = tuner.hypermodel.build(best_hp)  # retraining with the best values, as KerasTuner users do
    assert rebuilt.layers[0].units == best_hp.get("units")
    assert {e[1] for e in epochs_seen} == {0, 1, 2} and "val_accuracy" in epochs_seen[0][2]
    best_trial = tuner.oracle.get_best_trials(1)[0]
    model = tuner.get_best_models(1)[0]
    val_acc = model.evaluate(x[96:], y[96:], verbose=0)[1]
    assert val_acc == pytest.approx(best_trial.score, abs=1e-6)  # the best epoch's weights were kept
    tuner.results_summary(2)
    assert "lr: 0.05" in capsys.readouterr().out
    paths = tuner.write_plots(tmp_path / "plots")
    assert sorted(os.path.basename(p) for p in paths) == [
        "optimization_history.html", "parallel_coordinate.html", "param_importances.html"]
    assert all("plotly" in open(p).read() for p in paths)
    # A new tuner on the same folder (overwrite=False) finds the finished search and runs nothing.
    again = Recording(tiny_problem.build_model, objective="val_accuracy", directory=tmp_path, project_name="mlp")
    before = len(epochs_seen)
    again.search(x, y, epochs=3, validation_split=0.25, verbose=0)
    assert len(epochs_seen) == before
    assert again.oracle.get_best_trials(1)[0].trial_id == best_trial.trial_id


@pytest.mark.requires_trainable_backend
def test_run_trial_override_hypermodel_fit_and_executions(tmp_path):
    x, y = tiny_problem.data()

    class TunedBatch(kt.HyperModel):
        def build(self, hp):
            return tiny_problem.build_model(hp)

        def fit(self, hp, model, *args, **kwargs):
            return model.fit(*args, batch_size=hp.Choice("batch_size", [16, 64]), **kwargs)

    tuner = kt.RandomSearch(TunedBatch(), objective=kt.Objective("val_loss", "min"), max_trials=2,
                            executions_per_trial=2, directory=tmp_path, project_name="fit", seed=0)
    tuner.search(x, y, epochs=1, validation_split=0.25, verbose=0)
    trials = list(tuner.oracle.trials.values())
    assert all(set(t.hyperparameters.values) == {"units", "lr", "batch_size"} for t in trials)
    assert all(t.status == "COMPLETED" and t.score > 0 for t in trials)

    class ReturnsHistory(kt.RandomSearch):
        def run_trial(self, trial, *args, **kwargs):
            model = self.hypermodel.build(trial.hyperparameters)
            return model.fit(*args, **kwargs)

    tuner = ReturnsHistory(tiny_problem.build_model, objective="val_loss", max_trials=1, directory=tmp_path,
                           project_name="history")
    tuner.search(x, y, epochs=2, validation_split=0.25, verbose=0)
    assert tuner.oracle.get_best_trials(1)[0].score > 0

    base = kt.Tuner(oracle=kt.oracles.RandomSearchOracle(objective="val_loss", max_trials=1, seed=0),
                    hypermodel=tiny_problem.build_model, directory=tmp_path, project_name="base")
    base.search(x, y, epochs=1, validation_split=0.25, verbose=0)
    assert base.get_best_models(1)[0].count_params() > 0

    with pytest.raises(kt.errors.FatalValueError, match="not among the metrics"):
        kt.RandomSearch(tiny_problem.build_model, objective="val_auc", max_trials=1, directory=tmp_path,
                        project_name="noauc").search(x, y, epochs=1, validation_split=0.25, verbose=0)


@pytest.mark.requires_trainable_backend
def test_hyperband_prunes_trials_that_fall_behind(tmp_path):
    optuna = require("optuna")
    x, y = tiny_problem.data()
    epochs = {}

    class Counting(kt.Hyperband):
        def on_epoch_end(self, trial, model, epoch, logs=None):
            epochs[trial.trial_id] = epoch + 1

    tuner = Counting(tiny_problem.build_model, objective="val_loss", max_epochs=4, factor=2, seed=1,
                     directory=tmp_path, project_name="hb")
    assert tuner.oracle.max_trials == kt.tuners.hyperband_trial_count(4, 2, 1) == 10
    tuner.search(x, y, epochs=100, validation_split=0.25, batch_size=64, verbose=0)  # epochs <- max_epochs
    assert max(epochs.values()) == 4
    pruned = tuner.oracle.study.get_trials(states=(optuna.trial.TrialState.PRUNED,))
    assert len(pruned) >= 2 and sum(epochs.values()) < 4 * len(epochs)
    assert all(epochs[tuner.oracle._format_id(t.user_attrs.get("cornu_root", t.number))] < 4 for t in pruned)

    class MedianPruned(kt.RandomSearch):
        pass

    median = MedianPruned(tiny_problem.build_model, objective="val_loss", max_trials=3, directory=tmp_path,
                          project_name="median", pruner=optuna.pruners.MedianPruner(n_startup_trials=1))
    assert isinstance(median.oracle.study.pruner, optuna.pruners.MedianPruner)
