"""What the installed KerasTuner 1.4.8 says, computed once in a subprocess, for side-by-side tests.

Importing ``keras_tuner`` imports the real Keras (and picks its backend from ``KERAS_BACKEND``), so
the reference runs in its own process with ``KERAS_BACKEND=jax`` and returns JSON: public
signatures, hyperparameter semantics (values, sampling maps, defaults, conditional activity), the
grid ``GridSearch`` walks, and the objective directions it infers.

Example::

    ref = keras_tuner_reference()          # a skip (a failure under CI) without keras-tuner
    ref["signatures"]["RandomSearch"]      # [[name, kind, default], ...]
"""

import functools
import json
import os
import subprocess
import sys

from tests.helpers.requirements import require_installed

# Every public name cornu.tuner implements, as "<path in keras_tuner>".
PUBLIC_NAMES = [
    "HyperParameters", "HyperModel", "Objective", "Oracle", "Tuner", "RandomSearch", "GridSearch",
    "BayesianOptimization", "Hyperband",
    "engine.hyperparameters.Int", "engine.hyperparameters.Float", "engine.hyperparameters.Choice",
    "engine.hyperparameters.Boolean", "engine.hyperparameters.Fixed", "engine.hyperparameters.HyperParameter",
    "oracles.RandomSearchOracle", "oracles.GridSearchOracle", "oracles.BayesianOptimizationOracle",
    "oracles.HyperbandOracle",
    "errors.FailedTrialError", "errors.FatalError", "errors.FatalValueError", "errors.FatalTypeError",
    "errors.FatalRuntimeError",
]
METHODS = {
    "HyperParameters": ["Int", "Float", "Choice", "Boolean", "Fixed", "conditional_scope", "get", "is_active",
                        "merge", "copy", "get_config", "from_config", "name_scope"],
    "HyperModel": ["build", "fit", "declare_hyperparameters"],
    "Tuner": ["search", "run_trial", "get_best_models", "get_best_hyperparameters", "results_summary",
              "search_space_summary", "reload", "save", "load_model", "save_model", "get_trial_dir",
              "on_trial_begin", "on_trial_end", "on_epoch_begin", "on_epoch_end", "on_batch_begin", "on_batch_end",
              "on_search_begin", "on_search_end", "pre_create_trial", "get_state", "set_state"],
    # create_trial/end_trial/update_trial are wrapped by KerasTuner's `synchronized` (no signature to read).
    "Oracle": ["get_best_trials", "get_space", "get_trial", "remaining_trials", "update_space", "save", "reload"],
    "Objective": ["has_value", "get_value", "better_than"],
}

_SCRIPT = r'''
import inspect, json, math, sys, tempfile
import keras_tuner as kt
from keras_tuner.engine import hyperparameters as H

names, methods = json.loads(sys.argv[1])

def resolve(path):
    obj = kt
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj

def describe(fn):
    out = []
    for p in inspect.signature(fn).parameters.values():
        if p.name == "self":
            continue
        default = None if p.default is inspect.Parameter.empty else repr(p.default)
        out.append([p.name, p.kind.name, default])
    return out

signatures = {}
for path in names:
    obj = resolve(path)
    signatures[path] = describe(obj.__init__ if inspect.isclass(obj) else obj)
for cls_name, members in methods.items():
    cls = resolve(cls_name)
    for m in members:
        signatures[cls_name + "." + m] = describe(getattr(cls, m))

probs = [0.0, 0.05, 0.1, 0.26, 0.5, 0.61, 0.75, 0.9, 0.999]
hp_cases = [
    ["Int", dict(name="a", min_value=6, max_value=13, step=3)],
    ["Int", dict(name="b", min_value=2, max_value=32, step=2, sampling="log")],
    ["Int", dict(name="c", min_value=1, max_value=100, sampling="log")],
    ["Int", dict(name="d", min_value=1, max_value=10)],
    ["Int", dict(name="e", min_value=2, max_value=64, sampling="reverse_log", step=2)],
    ["Float", dict(name="f", min_value=0.0, max_value=1.0, step=0.2)],
    ["Float", dict(name="g", min_value=1e-3, max_value=10.0, step=10, sampling="log")],
    ["Float", dict(name="h", min_value=1e-4, max_value=1e-1, sampling="log")],
    ["Float", dict(name="i", min_value=0.5, max_value=8.0, sampling="reverse_log")],
    ["Choice", dict(name="j", values=[4, 8, 16], default=8)],
    ["Choice", dict(name="k", values=["relu", "tanh"])],
    ["Boolean", dict(name="l", default=True)],
    ["Fixed", dict(name="m", value=3)],
]
hps = {}
for kind, kwargs in hp_cases:
    hp = getattr(H, kind)(**kwargs)
    entry = {"default": hp.default, "config": hp.get_config(),
             "to_value": [hp.prob_to_value(p) for p in probs]}
    if kind != "Float" or hp.step is not None:
        entry["values"] = sorted(hp.values) if kind != "Choice" else list(hp.values)
        entry["to_prob"] = [hp.value_to_prob(v) for v in entry["values"]]
    hps[kwargs["name"]] = entry

def conditional_space(hp):
    model = hp.Choice("model", ["mlp", "cnn"])
    with hp.conditional_scope("model", ["mlp"]):
        units = hp.Int("units", 8, 16, step=8)
    with hp.conditional_scope("model", ["cnn"]):
        filters = hp.Choice("filters", [3, 5])
    hp.Boolean("bn")
    return {"model": model, "units": units, "filters": filters}

hp = kt.HyperParameters()
first = conditional_space(hp)
conditional = {"returned": first, "values": hp.values,
               "active": {n: hp.is_active(n) for n in ["model", "units", "filters", "bn"]},
               "config": hp.get_config()}
hp = kt.HyperParameters()
hp.values["model"] = "cnn"
second = conditional_space(hp)
conditional["returned_cnn"] = second
conditional["active_cnn"] = {n: hp.is_active(n) for n in ["model", "units", "filters", "bn"]}

def grid_of(space_fn):
    seen = []
    class Recorder(kt.GridSearch):
        def run_trial(self, trial, *args, **kwargs):
            space_fn(trial.hyperparameters)
            seen.append(dict(trial.hyperparameters.values))
            return 0.0
    with tempfile.TemporaryDirectory() as d:
        Recorder(directory=d, project_name="g", max_trials=200).search(verbose=0)
    return seen

def plain_space(hp):
    hp.Int("layers", 1, 3)
    hp.Choice("act", ["relu", "tanh"])
    hp.Float("lr", 0.1, 0.3, step=0.1)

grids = {"plain": grid_of(plain_space), "conditional": grid_of(conditional_space)}

from keras_tuner.src.engine import objective as objective_module
directions = {}
for name in ["val_loss", "loss", "val_accuracy", "accuracy", "acc", "val_auc", "mae", "val_mse",
             "precision", "val_recall", "categorical_crossentropy", "mean_squared_error", "weighted_loss"]:
    try:
        directions[name] = objective_module.create_objective(name).direction
    except ValueError:
        directions[name] = None
for name in ["foo", "val_my_score"]:
    try:
        objective_module.create_objective(name)
        directions[name] = "no error"
    except ValueError:
        directions[name] = None

print("KT_REFERENCE=" + json.dumps({"signatures": signatures, "hps": hps, "probs": probs,
                                     "conditional": conditional, "grids": grids, "directions": directions},
                                    default=repr))
'''


@functools.lru_cache(maxsize=None)
def _run():
    env = dict(os.environ, KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="3", OMP_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", _SCRIPT, json.dumps([PUBLIC_NAMES, METHODS])],
                         capture_output=True, text=True, env=env, timeout=300)
    for line in out.stdout.splitlines():
        if line.startswith("KT_REFERENCE="):
            return json.loads(line[len("KT_REFERENCE="):])
    raise RuntimeError(f"The KerasTuner reference script failed:\n{out.stdout[-3000:]}\n{out.stderr[-5000:]}")


def keras_tuner_reference():
    """The reference data (a dict), computed once per test process; skips without keras-tuner."""
    require_installed("keras_tuner", "keras-tuner==1.4.8")
    return _run()
