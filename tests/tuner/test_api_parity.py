"""cornu.tuner's public names, parameter names, order and defaults match the installed KerasTuner 1.4.8."""

import inspect

import pytest

from cornu.backend import backend

import cornu.tuner as kt
from tests.helpers.keras_tuner_reference import METHODS, PUBLIC_NAMES, keras_tuner_reference

# Backend-independent (no model is trained): run once, in the jax suite.
pytestmark = pytest.mark.skipif(backend() != "jax", reason="backend-independent: runs in the jax suite only")


def _resolve(path):
    obj = kt
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def _describe(fn):
    out = []
    for p in inspect.signature(fn).parameters.values():
        if p.name == "self":
            continue
        default = None if p.default is inspect.Parameter.empty else repr(p.default)
        out.append([p.name, p.kind.name, default])
    return out


def _cases():
    cases = [(path, None) for path in PUBLIC_NAMES]
    cases += [(cls, m) for cls, members in METHODS.items() for m in members]
    return cases


@pytest.mark.parametrize("path,method", _cases(), ids=lambda v: v or "")
def test_signature_matches_keras_tuner(path, method):
    reference = keras_tuner_reference()["signatures"]
    obj = _resolve(path)
    if method is None:
        ours = _describe(obj.__init__ if inspect.isclass(obj) else obj)
        key = path
    else:
        ours = _describe(getattr(obj, method))
        key = f"{path}.{method}"
    expected = reference[key]
    # KerasTuner spells a float default 1e-4 as 0.0001: compare defaults as values.
    assert [p[:2] for p in ours] == [p[:2] for p in expected], key
    for (name, _, ours_default), (_, _, theirs_default) in zip(ours, expected):
        if ours_default != theirs_default:
            assert eval(ours_default) == eval(theirs_default), f"{key}({name}=...)"


def test_every_keras_tuner_top_level_class_used_by_users_exists():
    for name in ["HyperParameters", "HyperModel", "Objective", "Tuner", "Oracle", "RandomSearch", "GridSearch",
                 "BayesianOptimization", "Hyperband"]:
        assert inspect.isclass(getattr(kt, name))
    from cornu.tuner.engine import hyperparameters as H

    assert {"Int", "Float", "Choice", "Boolean", "Fixed", "HyperParameters"} <= set(dir(H))


def test_importing_cornu_tuner_does_not_import_optuna():
    import subprocess
    import sys

    code = "import sys, cornu, cornu.tuner; print('optuna' in sys.modules, 'plotly' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.stdout.split() == ["False", "False"], out.stderr[-2000:]
