"""``Tuner``: runs a search (``search`` takes ``fit``'s arguments) and gives back the best models.

One loop for every tuner: ask the oracle (an Optuna study) for a trial, build the hypermodel with
the trial's ``HyperParameters``, fit it with the tuner's callbacks, record the score. Each trial
clears cornu's session first, and drops its model when done, so a long search keeps flat memory.

Each execution of a trial fits with a ``BackupAndRestore`` callback writing into the trial's folder:
a search killed mid-trial and started again (``overwrite=False``) resumes that trial from its last
checkpoint. Several processes running the same script on one study share the trials.

Example:
>>> tuner = cornu.tuner.RandomSearch(build_model, objective="val_accuracy", max_trials=5,
...                                  directory="/tmp/search", project_name="mlp")
>>> tuner.search(x, y, epochs=3, validation_split=0.2)
>>> best_model = tuner.get_best_models(1)[0]
"""

import copy
import gc
import json
import os
import traceback
import warnings

from cornu.tuner import errors
from cornu.tuner.hypermodel import get_hypermodel
from cornu.tuner.results import convert_to_metrics_dict, get_best_step, validate_trial_results
from cornu.tuner.trial import TrialStatus
from cornu.tuner.tuner_callbacks import SaveBestEpoch, TunerBatchCallback, TunerCallback

_CORNU_OPTIONS = ("storage", "sampler", "pruner", "stale_after", "backup_save_freq")


class Tuner:
    """The base of the tuners: subclass it (override ``run_trial``) or use the built-in ones.

    Args (KerasTuner's):
        oracle: the ``Oracle`` that suggests hyperparameter values.
        hypermodel: a ``HyperModel`` or a function ``build(hp)`` returning a compiled model; may be
            ``None`` only when ``run_trial`` is overridden.
        max_model_size: trials whose model has more parameters fail.
        optimizer, loss, metrics: when given, recompile every model with them.
        distribution_strategy: accepted for compatibility; use ``cornu.distribution`` instead.
        directory, project_name: the search's folder is ``directory/project_name`` (defaults ``.``
            and ``"untitled_project"``); it holds ``study.db`` and one folder per trial.
        logger: accepted for compatibility (unused).
        tuner_id: a name for this worker.
        overwrite: start afresh instead of resuming the study found there.
        executions_per_trial: fits per trial (the scores are averaged).

    cornu options (keyword arguments): ``storage`` (a database URL such as
    ``"postgresql://user@host/db"`` or an Optuna storage, shared by all workers), ``sampler``
    and ``pruner`` (any Optuna sampler and pruner), ``stale_after`` (seconds without a heartbeat
    after which another host's running trial counts as dead, default 600), ``backup_save_freq``
    (``BackupAndRestore``'s ``save_freq`` for the in-trial checkpoints, default ``"epoch"``).
    """

    def __init__(self, oracle, hypermodel=None, max_model_size=None, optimizer=None, loss=None, metrics=None,
                 distribution_strategy=None, directory=None, project_name=None, logger=None, tuner_id=None,
                 overwrite=False, executions_per_trial=1, **kwargs):
        if hypermodel is None and type(self).run_trial is Tuner.run_trial:
            raise ValueError("Received `hypermodel=None`: pass a `HyperModel` or a function `build(hp)`, or "
                             "subclass the tuner and override `run_trial` to define the search there.")
        unknown = sorted(set(kwargs) - set(_CORNU_OPTIONS))
        if unknown:
            raise TypeError(f"Unrecognized arguments for the tuner: {unknown}. The extra arguments cornu's "
                            f"tuners accept are {list(_CORNU_OPTIONS)}. Received: {sorted(kwargs)}")
        self.hypermodel = get_hypermodel(hypermodel)
        self.oracle = oracle
        self.max_model_size = max_model_size
        self.optimizer, self.loss, self.metrics = optimizer, loss, metrics
        self.distribution_strategy = distribution_strategy
        self.directory = directory or "."
        self.project_name = project_name or "untitled_project"
        self.logger = logger
        self.tuner_id = tuner_id or "tuner0"
        self.executions_per_trial = executions_per_trial
        self.backup_save_freq = kwargs.get("backup_save_freq", "epoch")
        if kwargs.get("sampler") is not None:
            oracle.sampler = kwargs["sampler"]
        if kwargs.get("pruner") is not None:
            oracle.pruner = kwargs["pruner"]
        if kwargs.get("stale_after") is not None:
            oracle.stale_after = float(kwargs["stale_after"])
        oracle._set_project_dir(self.directory, self.project_name, overwrite=overwrite,
                                storage=kwargs.get("storage"))
        self._populate_initial_space()

    # ------------------------------------------------------------------ the search space
    def _populate_initial_space(self):
        """Builds the hypermodel with default values (each conditional branch once) to learn the space."""
        if self.hypermodel is None:
            return
        from cornu.backend import clear_session

        hp = self.oracle.hyperparameters.copy()
        seen = set()
        for _ in range(20):
            self.hypermodel.declare_hyperparameters(hp)
            self.hypermodel.build(hp)
            clear_session(free_memory=False)
            pending = [scopes for scopes in hp.inactive_scopes if repr(scopes) not in seen]
            if not pending:
                break
            scopes = pending[0]
            seen.add(repr(scopes))
            for condition in scopes:
                hp.values[condition.name] = condition.values[0]
            hp.active_scopes, hp.inactive_scopes = [], []
        self.oracle._initial_space = [h for h in hp.space]

    @property
    def project_dir(self):
        return self.oracle.project_dir

    def get_trial_dir(self, trial_id):
        path = os.path.join(self.project_dir, f"trial_{trial_id}")
        os.makedirs(path, exist_ok=True)
        return path

    def _get_checkpoint_fname(self, trial_id):
        return os.path.join(self.get_trial_dir(trial_id), "checkpoint.weights.h5")

    def _get_build_config_fname(self, trial_id):
        return os.path.join(self.get_trial_dir(trial_id), "build_config.json")

    # ------------------------------------------------------------------ the search loop
    def search(self, *fit_args, **fit_kwargs):
        """Runs trials until the oracle stops (``max_trials``, the grid done, or too many failures).

        Takes the arguments of ``model.fit`` (data, ``epochs``, ``validation_data``, ``callbacks``...),
        passed to ``HyperModel.fit`` (or ``run_trial``) for each trial.
        """
        verbose = fit_kwargs.get("verbose", 1)
        self.on_search_begin()
        trials_run = 0
        while True:
            self.pre_create_trial()
            trial = self.oracle.create_trial(self.tuner_id)
            if trial.status == TrialStatus.STOPPED:
                break
            self.oracle._live = {trial.trial_id: trial}
            if verbose:
                print(f"Search: trial {trial.trial_id} with {trial.hyperparameters.values}")
            self.on_trial_begin(trial)
            try:
                self._try_run_and_update_trial(trial, *fit_args, **fit_kwargs)
            except BaseException:
                if trial.status == TrialStatus.RUNNING:
                    self.oracle.interrupt_trial(trial)
                raise
            self.on_trial_end(trial)
            self.oracle.end_trial(trial)
            trials_run += 1
            if trials_run % 10 == 0:  # cycles left by models are freed at once, not at Python's whim
                gc.collect()
        self.on_search_end()

    def _try_run_and_update_trial(self, trial, *fit_args, **fit_kwargs):
        try:
            self._run_and_update_trial(trial, *fit_args, **fit_kwargs)
            trial.status = TrialStatus.COMPLETED
        except errors.FatalError:
            trial.status, trial.message = TrialStatus.FAILED, traceback.format_exc()
            trial._attempt = float("inf")
            self.oracle.end_trial(trial)
            raise
        except Exception as e:
            trial.status = TrialStatus.FAILED
            trial.message = traceback.format_exc()
            print(f"Trial {trial.trial_id} failed: {type(e).__name__}: {e}")

    def _run_and_update_trial(self, trial, *fit_args, **fit_kwargs):
        results = self.run_trial(trial, *fit_args, **fit_kwargs)
        if getattr(trial, "_pruned", False):
            trial.score = _last_reported(self.oracle.storage, trial)
            return
        if trial.metrics.exists(self.oracle.objective.name) and results is None:
            trial._metrics_dict = {self.oracle.objective.name: trial.metrics.get_best_value(self.oracle.objective.name)}
            trial.score = trial._metrics_dict[self.oracle.objective.name]
            return
        validate_trial_results(results, self.oracle.objective, "Tuner.run_trial()")
        metrics = convert_to_metrics_dict(results, self.oracle.objective)
        best_step = get_best_step(results, self.oracle.objective)
        objective = self.oracle.objective
        for step, value in getattr(trial, "_previous_values", {}).items():  # epochs run before a resumption
            if objective.better_than(value, objective.get_value(metrics)):
                metrics, best_step = {objective.name: value}, step
        trial._metrics_dict = metrics
        trial.best_step = best_step
        trial.score = float(objective.get_value(metrics))
        for name, value in metrics.items():
            if isinstance(value, float):
                trial.metrics.update(name, value, best_step)
        del results

    def run_trial(self, trial, *args, **kwargs):
        """Builds and fits the model(s) of one trial; returns what ``HyperModel.fit`` returned (a list).

        Override it to define a custom trial: return a float (the objective), a dict of metrics, a
        ``History``, or a list of those.
        """
        model_checkpoint = SaveBestEpoch(self.oracle.objective, self._get_checkpoint_fname(trial.trial_id))
        original_callbacks = kwargs.pop("callbacks", None) or []
        histories = []
        for execution in range(self.executions_per_trial):
            copied_kwargs = copy.copy(kwargs)
            callbacks = [copy.deepcopy(c) for c in original_callbacks]
            callbacks.append(self._tuner_callback(trial, report=execution == 0))
            callbacks.append(model_checkpoint)
            callbacks.append(self._backup_callback(trial, execution))
            copied_kwargs["callbacks"] = callbacks
            histories.append(self._build_and_fit_model(trial, *args, **copied_kwargs))
            if getattr(trial, "_pruned", False):
                break
        return histories

    def _tuner_callback(self, trial, report=True):
        overridden = (type(self).on_batch_begin is not Tuner.on_batch_begin
                      or type(self).on_batch_end is not Tuner.on_batch_end)
        return (TunerBatchCallback if overridden else TunerCallback)(self, trial, report=report)

    def _backup_callback(self, trial, execution):
        from cornu.callbacks.backup_and_restore import BackupAndRestore

        folder = os.path.join(self.get_trial_dir(trial.trial_id), f"backup_{execution}")
        return BackupAndRestore(folder, save_freq=self.backup_save_freq)

    def _build_and_fit_model(self, trial, *args, **kwargs):
        hp = trial.hyperparameters
        model = self._try_build(hp)
        self.oracle.record_build(trial)
        self._save_build_config(trial, model)
        results = self.hypermodel.fit(hp, model, *args, **kwargs)
        validate_trial_results(results, self.oracle.objective, "HyperModel.fit()")
        return results

    def _try_build(self, hp):
        from cornu.backend import clear_session
        from cornu.models.model import Model

        clear_session(free_memory=False)
        model = self.hypermodel.build(hp)
        if not isinstance(model, Model):
            raise errors.FatalTypeError(
                "The hypermodel's `build(hp)` must return a cornu model (`cornu.Model`/`cornu.Sequential`). "
                f"Received: {model!r} of type {type(model).__name__}")
        if self.optimizer is not None or self.loss is not None or self.metrics is not None:
            compiled = getattr(model, "_compile_config", None)
            config = dict(compiled.get("config", {})) if isinstance(compiled, dict) else {}
            model.compile(optimizer=self.optimizer or config.get("optimizer", "rmsprop"),
                          loss=self.loss or config.get("loss"),
                          metrics=self.metrics or config.get("metrics"))
        if self.max_model_size and model.built:
            size = int(sum(int(_prod(w.shape)) for w in model.trainable_weights))
            if size > self.max_model_size:
                raise errors.FailedTrialError(f"Oversized model: {size} parameters, more than "
                                              f"max_model_size={self.max_model_size}. Skipped.")
        return model

    def _save_build_config(self, trial, model):
        try:
            config = model.get_build_config() if model.built else None
        except Exception:
            config = None
        if config is not None:
            with open(self._get_build_config_fname(trial.trial_id), "w") as f:
                json.dump(config, f)

    # ------------------------------------------------------------------ results
    def load_model(self, trial):
        """The model of ``trial`` with the weights of its best epoch."""
        hp = trial.hyperparameters.copy()
        hp._value_source = None
        model = self._try_build(hp)
        if not model.built:
            path = self._get_build_config_fname(trial.trial_id)
            if os.path.exists(path):
                with open(path) as f:
                    model.build_from_config(json.load(f))
        with warnings.catch_warnings():  # the optimizer is not built yet: its saved variables are not needed
            warnings.filterwarnings("ignore", message=".*Skipping variable loading for optimizer.*")
            model.load_weights(self._get_checkpoint_fname(trial.trial_id))
        return model

    def save_model(self, trial_id, model, step=0):
        """Saves ``model``'s weights as the checkpoint of ``trial_id`` (for a custom ``run_trial``)."""
        model.save_weights(self._get_checkpoint_fname(trial_id))

    def get_best_models(self, num_models=1):
        """The best ``num_models`` models, best first, with the weights of their best epoch.

        For the best results retrain on all the data with ``get_best_hyperparameters()``.
        """
        return [self.load_model(trial) for trial in self.oracle.get_best_trials(num_models)]

    def get_best_hyperparameters(self, num_trials=1):
        """The ``HyperParameters`` of the best ``num_trials`` trials, best first."""
        return [trial.hyperparameters for trial in self.oracle.get_best_trials(num_trials)]

    def search_space_summary(self, extended=False):
        """Prints the hyperparameters of the search space."""
        space = self.oracle.get_space()
        print("Search space summary")
        print(f"Default search space size: {len(space.space)}")
        for hp in space.space:
            config = hp.get_config()
            name = config.pop("name")
            print(f"{name} ({type(hp).__name__})")
            print(config)

    def results_summary(self, num_trials=10):
        """Prints the best ``num_trials`` trials: their values and scores."""
        print("Results summary")
        print(f"Results in {self.project_dir}")
        print(f"Showing {num_trials} best trials")
        print(f"{self.oracle.objective}")
        for trial in self.oracle.get_best_trials(num_trials):
            print()
            trial.summary()

    def write_plots(self, directory=None):
        """Writes Optuna's plots of the search as HTML files; returns their paths.

        Writes ``optimization_history.html``, ``param_importances.html`` and
        ``parallel_coordinate.html`` into ``directory`` (default: the project folder).
        """
        from cornu.tuner.plots import write_plots

        return write_plots(self.oracle.study, directory or self.project_dir, self.oracle.objective.name)

    @property
    def remaining_trials(self):
        return self.oracle.remaining_trials()

    def reload(self):
        """Nothing to reload: the study is read from its database at each step."""
        self.oracle.reload()

    def save(self):
        """Nothing to save: every result is already in the study's database."""
        self.oracle.save()

    def get_state(self):
        return {}

    def set_state(self, state):
        pass

    # ------------------------------------------------------------------ hooks (override them)
    def on_search_begin(self):
        """Called once at the start of ``search``."""

    def on_search_end(self):
        """Called once at the end of ``search``."""

    def pre_create_trial(self):
        """Called before each trial is created."""

    def on_trial_begin(self, trial):
        """Called at the start of each trial."""

    def on_trial_end(self, trial):
        """Called at the end of each trial; records its outcome."""
        self.oracle.end_trial(trial)

    def on_epoch_begin(self, trial, model, epoch, logs=None):
        """Called at the start of each epoch of a trial's fit."""

    def on_epoch_end(self, trial, model, epoch, logs=None):
        """Called at the end of each epoch of a trial's fit (``logs`` holds the objective)."""

    def on_batch_begin(self, trial, model, batch, logs):
        """Called at the start of each training batch (costs speed: override only when needed)."""

    def on_batch_end(self, trial, model, batch, logs=None):
        """Called at the end of each training batch."""


def _prod(shape):
    out = 1
    for d in shape:
        out *= int(d)
    return out


def _last_reported(storage, trial):
    if trial._optuna_trial is None:
        return None
    values = storage.get_trial(trial._optuna_trial._trial_id).intermediate_values
    return values[max(values)] if values else None
