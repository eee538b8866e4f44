"""``Oracle``: KerasTuner's oracle API over an Optuna study in relational storage.

The study lives in Optuna's RDB storage: ``sqlite:///<directory>/<project_name>/study.db`` by
default, or any database URL passed as ``storage=`` (e.g. PostgreSQL). Every worker process runs
the same script and opens the same study; there is no chief. What keeps the workers consistent:

- Trial numbers are handed out by the database, so ``max_trials`` is exact: a new trial whose rank
  among the study's trials reaches ``max_trials`` is dropped (marked "surplus") instead of run.
- A trial keeps one identity (its ``trial_id``, its folder) across attempts: a retry after an
  error, or the resumption of a trial whose process died, is an Optuna trial enqueued with the
  same parameters and the user attribute ``cornu_root`` naming the original trial.
- A dead owner is detected when a worker starts a trial: the owner's pid is gone (same host), or
  its heartbeat (written at each epoch end) is older than ``stale_after`` seconds (other hosts).
  Whoever marks the dead trial failed first (a database transaction) enqueues its resumption.

Example:
>>> oracle = tuner.oracle
>>> [t.trial_id for t in oracle.get_best_trials(2)]
['04', '01']
"""

import json
import os
import random
import shutil
import socket
import time

from cornu.tuner import errors, hp_types
from cornu.tuner.hyperparameters import HyperParameters
from cornu.tuner.objective import DefaultObjective, create_objective
from cornu.tuner.optuna_space import suggest, to_optuna_params
from cornu.tuner.study_storage import open_storage, pid_alive, retry_on_operational_error
from cornu.tuner.trial import Trial, TrialStatus

_HEARTBEAT_EVERY_S = 10.0


def _canonical(values):
    return json.dumps(values, sort_keys=True, default=str)


class Oracle:
    """Suggests the hyperparameter values of each trial and records the results (an Optuna study).

    The arguments are KerasTuner's. The search engine is set by the subclass (``RandomSearchOracle``,
    ``BayesianOptimizationOracle``, ``HyperbandOracle``, ``GridSearchOracle``) or by passing an Optuna
    ``sampler=``/``pruner=`` to the tuner.
    """

    def __init__(self, objective=None, max_trials=None, hyperparameters=None, allow_new_entries=True,
                 tune_new_entries=True, seed=None, max_retries_per_trial=0, max_consecutive_failed_trials=3):
        self.objective = create_objective(objective)
        self.max_trials = max_trials
        self.hyperparameters = hyperparameters.copy() if hyperparameters is not None else HyperParameters()
        self.allow_new_entries = allow_new_entries
        self.tune_new_entries = tune_new_entries
        self.seed = seed
        self.max_retries_per_trial = max_retries_per_trial
        self.max_consecutive_failed_trials = max_consecutive_failed_trials
        self.sampler = None
        self.pruner = None
        self.stale_after = 600.0
        self.storage = None
        self.study = None
        self.project_dir = None
        self.verbose = "auto"
        self._consecutive_failures = 0
        self._grid = False
        self._ended = set()
        self._initial_space = []

    # ------------------------------------------------------------------ engine (overridden by subclasses)
    def _make_sampler(self, seed):
        import optuna

        return optuna.samplers.RandomSampler(seed=seed)

    def _make_pruner(self):
        import optuna

        return optuna.pruners.NopPruner()

    # ------------------------------------------------------------------ opening the study
    def _set_project_dir(self, directory, project_name, overwrite=False, storage=None):
        import optuna
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self.project_dir = os.path.join(directory, project_name)
        if storage is None:
            if overwrite and os.path.isdir(self.project_dir):
                shutil.rmtree(self.project_dir)
            os.makedirs(self.project_dir, exist_ok=True)
            storage = "sqlite:///" + os.path.abspath(os.path.join(self.project_dir, "study.db"))
        else:
            os.makedirs(self.project_dir, exist_ok=True)
        if isinstance(storage, str):
            storage = open_storage(storage)
        self.storage = storage
        if overwrite and not isinstance(storage, str):
            try:
                optuna.delete_study(study_name=project_name, storage=storage)
            except KeyError:
                pass
        direction = "maximize" if self.objective.direction == "max" else "minimize"
        study = retry_on_operational_error(lambda: optuna.create_study(
            storage=storage, study_name=project_name, direction=direction, load_if_exists=True,
            sampler=optuna.samplers.RandomSampler(), pruner=optuna.pruners.NopPruner()))
        if study.direction.name.lower() != direction:
            raise ValueError(
                f"The study {project_name!r} in {self.project_dir} was created to {study.direction.name.lower()} "
                f"its objective, and this tuner asks to {direction} {self.objective.name!r}: pass overwrite=True "
                f"or another project_name. Received: objective={self.objective}")
        seed = None if self.seed is None else self.seed + len(study.get_trials(deepcopy=False))
        study.sampler = self.sampler if self.sampler is not None else self._make_sampler(seed)
        study.pruner = self.pruner if self.pruner is not None else self._make_pruner()
        self.study = study

    # ------------------------------------------------------------------ reading the study
    def _attempts_by_root(self):
        groups = {}
        for t in self.study.get_trials(deepcopy=False):
            if t.user_attrs.get("cornu_surplus"):
                continue
            groups.setdefault(t.user_attrs.get("cornu_root", t.number), []).append(t)
        return groups

    def _format_id(self, root):
        width = len(str(self.max_trials)) if self.max_trials else 2
        return f"{root:0{max(width, 1)}d}"

    def _trial_from_attempts(self, root, attempts):
        from optuna.trial import TrialState

        done = [t for t in attempts if t.state.is_finished()]
        last = attempts[-1]
        best = next((t for t in reversed(done) if t.state == TrialState.COMPLETE), None)
        shown = best or last
        attrs = shown.user_attrs
        values = attrs.get("cornu_values", attrs.get("cornu_fixed_values", {}))
        hps = HyperParameters.from_config({"space": attrs.get("cornu_space", []), "values": values})
        trial = Trial(hps, trial_id=self._format_id(root))
        trial._number = shown.number
        if best is not None:
            trial.status, trial.score = TrialStatus.COMPLETED, best.value
        elif last.state == TrialState.PRUNED:
            trial.status = TrialStatus.COMPLETED
            trial.score = _last_value(last)
            trial._pruned = True
        elif last.state == TrialState.FAIL:
            trial.status = TrialStatus.FAILED if not attrs.get("cornu_invalid") else TrialStatus.INVALID
        else:
            trial.status = TrialStatus.RUNNING
        trial.message = attrs.get("cornu_message")
        trial.best_step = attrs.get("cornu_best_step", 0)
        directions = _metric_directions(self.objective)
        trial.metrics._directions.update(directions)
        for name, value in (attrs.get("cornu_metrics") or {}).items():
            trial.metrics.update(name, value, trial.best_step)
        return trial

    @property
    def trials(self):
        """``{trial_id: Trial}`` for every trial of the study (all workers')."""
        return {self._format_id(root): self._trial_from_attempts(root, attempts)
                for root, attempts in sorted(self._attempts_by_root().items())}

    def get_trial(self, trial_id):
        """The ``Trial`` with this id."""
        trials = self.trials
        if trial_id not in trials:
            raise KeyError(f"No trial with id {trial_id!r} in this study. Known ids: {sorted(trials)}")
        return trials[trial_id]

    def get_best_trials(self, num_trials=1):
        """The best ``num_trials`` completed trials, best first (pruned trials come after full ones)."""
        trials = [t for t in self.trials.values() if t.status == TrialStatus.COMPLETED and t.score is not None]
        sign = -1.0 if self.objective.direction == "max" else 1.0
        trials.sort(key=lambda t: (getattr(t, "_pruned", False), sign * t.score))
        return trials[:num_trials]

    def get_space(self):
        """The search space seen so far: the ``hyperparameters`` given plus all the trials declared."""
        return self._space_from(self._attempts_by_root())

    def _space_from(self, groups):
        space = self.hyperparameters.copy()
        for hp in self._initial_space:
            if space._find(hp.name, hp.conditions) is None:
                space._hps.setdefault(hp.name, []).append(hp)
                space._space.append(hp)
        for attempts in groups.values():
            for t in attempts:
                for config in t.user_attrs.get("cornu_space", []):
                    hp = hp_types.deserialize(config)
                    if space._find(hp.name, hp.conditions) is None:
                        space._hps.setdefault(hp.name, []).append(hp)
                        space._space.append(hp)
        return space

    def update_space(self, hyperparameters):
        """Adds the hyperparameters of ``hyperparameters`` to the space given to the oracle."""
        self.hyperparameters.merge(hyperparameters, overwrite=False)

    def remaining_trials(self):
        """How many trials are left to start, or ``None`` without ``max_trials``."""
        if self.max_trials is None:
            return None
        return max(self.max_trials - len(self._attempts_by_root()), 0)

    def get_state(self):
        return {"objective": str(self.objective), "max_trials": self.max_trials}

    def set_state(self, state):
        pass

    def save(self):
        """Nothing to do: every change is already in the study's database."""

    def reload(self):
        """Nothing to do: the study is read from its database on each query."""

    # ------------------------------------------------------------------ creating a trial
    def create_trial(self, tuner_id=None):
        """Starts the next trial; its status is ``STOPPED`` when the search is over."""
        from optuna.trial import TrialState

        self._fail_stale_trials()
        while True:
            groups = self._attempts_by_root()
            states = [t.state for attempts in groups.values() for t in attempts]
            waiting = TrialState.WAITING in states
            if self.max_trials is not None and len(groups) >= self.max_trials and not waiting:
                return Trial(HyperParameters(), status=TrialStatus.STOPPED)
            combo = None
            if self._grid and not waiting:
                combo = self._next_grid_values(groups)
                if combo is None:
                    if TrialState.RUNNING in states:  # another worker may still reveal new hyperparameters
                        time.sleep(0.5 + random.random())
                        continue
                    return Trial(HyperParameters(), status=TrialStatus.STOPPED)
                space = self._space_from(groups).space
                self.study.enqueue_trial(to_optuna_params(space, combo),
                                         user_attrs={"cornu_grid_values": combo, "cornu_fixed_values": combo})
            optuna_trial = self.study.ask()
            attrs = optuna_trial.user_attrs
            root = attrs.get("cornu_root")
            if root is None:
                root = optuna_trial.number
                if self._is_surplus(optuna_trial, groups):
                    continue
            self._set_owner(optuna_trial)
            return self._start_trial(optuna_trial, root, attrs)

    def _is_surplus(self, optuna_trial, groups):
        from optuna.trial import TrialState

        number = optuna_trial.number
        roots = self._attempts_by_root()
        surplus = False
        if self.max_trials is not None:
            surplus = sum(1 for r in roots if r < number) >= self.max_trials
        grid_values = optuna_trial.user_attrs.get("cornu_grid_values")
        if self._grid and grid_values is None:
            surplus = True  # another worker took the grid point this worker enqueued: compute the next one
        if not surplus and grid_values is not None:
            mine = _canonical(grid_values)
            for r, attempts in roots.items():
                if r == number:
                    continue
                seen = {_canonical(a.user_attrs[k]) for a in attempts
                        for k in ("cornu_grid_values", "cornu_values") if k in a.user_attrs}
                if mine in seen:  # another worker took these values: let it run them
                    surplus = True
                    break
        if surplus:
            optuna_trial.set_user_attr("cornu_surplus", True)
            self.study.tell(optuna_trial, state=TrialState.FAIL, skip_if_finished=True)
            time.sleep(random.random() * 0.05)
        return surplus

    def _set_owner(self, optuna_trial):
        owner = {"host": socket.gethostname(), "pid": os.getpid(), "heartbeat": time.time()}
        self.storage.set_trial_system_attr(optuna_trial._trial_id, "cornu_owner", owner)
        optuna_trial._cornu_last_heartbeat = time.time()

    def heartbeat(self, trial):
        """Tells other workers that ``trial`` is alive (called at each epoch end; throttled)."""
        optuna_trial = trial._optuna_trial
        if optuna_trial is None or time.time() - getattr(optuna_trial, "_cornu_last_heartbeat", 0) < _HEARTBEAT_EVERY_S:
            return
        self._set_owner(optuna_trial)

    def _start_trial(self, optuna_trial, root, attrs):
        fixed = attrs.get("cornu_fixed_values") or {}
        param_names = set(attrs.get("cornu_param_names", fixed))
        hps = self.hyperparameters.copy()
        hps.values = {}
        hps._value_source = self._value_source(optuna_trial, fixed, param_names)
        for hp in hps.space:
            if hps.is_active(hp) and hp.name not in hps.values:
                hps.values[hp.name] = hps._value_source(hp)
        trial = Trial(hps, trial_id=self._format_id(root))
        trial._optuna_trial = optuna_trial
        trial._number = optuna_trial.number
        trial._root = root
        trial._attempt = attrs.get("cornu_attempt", 0)
        previous = {}
        if root != optuna_trial.number:
            for earlier in self._attempts_by_root().get(root, []):
                if earlier.number != optuna_trial.number:
                    previous.update(earlier.intermediate_values)
        for step, value in sorted(previous.items()):
            optuna_trial.report(value, step)
        trial._previous_values = previous
        return trial

    def _value_source(self, optuna_trial, fixed, param_names):
        declared = {hp.name for hp in self.hyperparameters.space}

        def source(hp):
            if isinstance(hp, hp_types.Fixed):
                return hp.value
            if hp.name not in declared:
                if not self.allow_new_entries:
                    raise errors.FatalRuntimeError(
                        f"The hypermodel declared the hyperparameter {hp.name!r}, which is not in the tuner's "
                        "`hyperparameters`, and `allow_new_entries=False`: declare it in `hyperparameters` or "
                        f"pass allow_new_entries=True. Received: {hp!r}")
                if not self.tune_new_entries:
                    return hp.default
            if hp.name in fixed:
                if hp.name in param_names:
                    suggest(hp, optuna_trial)  # records the (fixed) value as the Optuna parameter
                return fixed[hp.name]
            if self._grid:
                return hp.default
            return suggest(hp, optuna_trial)

        return source

    def _next_grid_values(self, groups):
        from cornu.tuner.grid import iterate_grid

        taken = set()
        for attempts in groups.values():
            for t in attempts:
                for key in ("cornu_grid_values", "cornu_values"):
                    if key in t.user_attrs:
                        taken.add(_canonical(t.user_attrs[key]))
        known = list(self._space_from(groups).space)
        if not known:
            return {} if not groups else None
        for values in iterate_grid(known):
            if _canonical(values) not in taken:
                return values
        return None

    # ------------------------------------------------------------------ recording
    def record_build(self, trial):
        """Stores the values and space of a trial as soon as its model is built (for resumption)."""
        optuna_trial = trial._optuna_trial
        if optuna_trial is None:
            return
        hps = trial.hyperparameters
        optuna_trial.set_user_attr("cornu_values", dict(hps.values))
        optuna_trial.set_user_attr("cornu_space", [hp_types.serialize(hp) for hp in hps.space])
        optuna_trial.set_user_attr("cornu_param_names", sorted(optuna_trial.params))

    def update_trial(self, trial_id, metrics, step=0):
        """Records ``metrics`` (a dict) for the running trial ``trial_id`` (KerasTuner's reporting API)."""
        trial = self._live.get(trial_id) if hasattr(self, "_live") else None
        if trial is None:
            return
        for name, value in metrics.items():
            trial.metrics.update(name, value, step)
        return trial.status

    def score_trial(self, trial):
        trial.score = trial.metrics.get_best_value(self.objective.name)

    def end_trial(self, trial):
        """Records the trial's outcome in the study (idempotent); retries a failed one if allowed."""
        from optuna.trial import TrialState

        optuna_trial = trial._optuna_trial
        if optuna_trial is None or trial._number in self._ended:
            return
        self._ended.add(trial._number)
        self.record_build(trial)
        if trial.message:
            optuna_trial.set_user_attr("cornu_message", str(trial.message)[-2000:])
        if trial.status == TrialStatus.COMPLETED and trial.score is not None and not getattr(trial, "_pruned", False):
            optuna_trial.set_user_attr("cornu_metrics", _floats(getattr(trial, "_metrics_dict", {})))
            optuna_trial.set_user_attr("cornu_best_step", int(trial.best_step or 0))
            self.study.tell(optuna_trial, float(trial.score))
            self._consecutive_failures = 0
            return
        if getattr(trial, "_pruned", False):
            self.study.tell(optuna_trial, state=TrialState.PRUNED)
            self._consecutive_failures = 0
            return
        if trial.status == TrialStatus.INVALID:
            optuna_trial.set_user_attr("cornu_invalid", True)
        self.study.tell(optuna_trial, state=TrialState.FAIL)
        if trial.status == TrialStatus.FAILED and trial._attempt < self.max_retries_per_trial:
            self._enqueue_attempt(self.storage.get_trial(optuna_trial._trial_id), "retry")
            return
        self._consecutive_failures += 1
        if self._consecutive_failures >= self.max_consecutive_failed_trials:
            raise RuntimeError(
                f"Number of consecutive failures exceeded the limit of {self.max_consecutive_failed_trials}: the "
                "search stops. Fix the error below, or raise `max_consecutive_failed_trials`.\n"
                f"{trial.message}")

    def interrupt_trial(self, trial):
        """Marks a trial stopped by an exception of the process (e.g. KeyboardInterrupt) for resumption."""
        from optuna.trial import TrialState

        optuna_trial = trial._optuna_trial
        if optuna_trial is None or trial._number in self._ended:
            return
        self._ended.add(trial._number)
        try:
            self.study.tell(optuna_trial, state=TrialState.FAIL)
        except Exception:
            return
        self._enqueue_attempt(self.storage.get_trial(optuna_trial._trial_id), "resume")

    def _enqueue_attempt(self, frozen, kind):
        attrs = frozen.user_attrs
        fixed = attrs.get("cornu_values", attrs.get("cornu_fixed_values", {}))
        user_attrs = {"cornu_root": attrs.get("cornu_root", frozen.number),
                      "cornu_attempt": attrs.get("cornu_attempt", 0) + (1 if kind == "retry" else 0),
                      "cornu_fixed_values": fixed, "cornu_param_names": sorted(frozen.params),
                      "cornu_kind": kind}
        if "cornu_grid_values" in attrs:
            user_attrs["cornu_grid_values"] = attrs["cornu_grid_values"]
        self.study.enqueue_trial(dict(frozen.params), user_attrs=user_attrs)

    def _fail_stale_trials(self):
        from optuna.exceptions import UpdateFinishedTrialError
        from optuna.trial import TrialState

        host = socket.gethostname()
        for t in self.study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
            owner = t.system_attrs.get("cornu_owner")
            if not owner or owner.get("pid") == os.getpid() and owner.get("host") == host:
                continue
            dead = owner.get("host") == host and not pid_alive(owner.get("pid"))
            if not dead and time.time() - owner.get("heartbeat", 0) < self.stale_after:
                continue
            try:
                self.storage.set_trial_state_values(t._trial_id, TrialState.FAIL)
            except (UpdateFinishedTrialError, RuntimeError):
                continue  # another worker got there first
            self._enqueue_attempt(t, "resume")


def _last_value(frozen):
    if not frozen.intermediate_values:
        return None
    return frozen.intermediate_values[max(frozen.intermediate_values)]


def _floats(metrics):
    out = {}
    for name, value in metrics.items():
        try:
            out[str(name)] = float(value)
        except (TypeError, ValueError):
            continue
    return out


def _metric_directions(objective):
    if hasattr(objective, "objectives"):
        return {o.name: o.direction for o in objective.objectives}
    if isinstance(objective, DefaultObjective):
        return {objective.name: "min"}
    return {objective.name: objective.direction}
