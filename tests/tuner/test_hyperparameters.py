"""HyperParameters semantics side by side with KerasTuner 1.4.8 (values, sampling maps, conditions, grid)."""

import math

import pytest

from cornu.backend import backend

import cornu.tuner as kt
from cornu.tuner import hp_types
from cornu.tuner.grid import iterate_grid
from cornu.tuner.objective import create_objective
from tests.helpers.keras_tuner_reference import keras_tuner_reference
from tests.helpers.requirements import require

# Backend-independent (no model is trained): run once, in the jax suite.
pytestmark = pytest.mark.skipif(backend() != "jax", reason="backend-independent: runs in the jax suite only")

_CASES = {
    "a": ("Int", dict(name="a", min_value=6, max_value=13, step=3)),
    "b": ("Int", dict(name="b", min_value=2, max_value=32, step=2, sampling="log")),
    "c": ("Int", dict(name="c", min_value=1, max_value=100, sampling="log")),
    "d": ("Int", dict(name="d", min_value=1, max_value=10)),
    "e": ("Int", dict(name="e", min_value=2, max_value=64, sampling="reverse_log", step=2)),
    "f": ("Float", dict(name="f", min_value=0.0, max_value=1.0, step=0.2)),
    "g": ("Float", dict(name="g", min_value=1e-3, max_value=10.0, step=10, sampling="log")),
    "h": ("Float", dict(name="h", min_value=1e-4, max_value=1e-1, sampling="log")),
    "i": ("Float", dict(name="i", min_value=0.5, max_value=8.0, sampling="reverse_log")),
    "j": ("Choice", dict(name="j", values=[4, 8, 16], default=8)),
    "k": ("Choice", dict(name="k", values=["relu", "tanh"])),
    "l": ("Boolean", dict(name="l", default=True)),
    "m": ("Fixed", dict(name="m", value=3)),
}


def _close(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


@pytest.mark.parametrize("key", sorted(_CASES))
def test_hyperparameter_kind_matches_keras_tuner(key):
    expected = keras_tuner_reference()["hps"][key]
    probs = keras_tuner_reference()["probs"]
    kind, kwargs = _CASES[key]
    hp = getattr(hp_types, kind)(**kwargs)
    assert _close(hp.default, expected["default"])
    assert hp.get_config() == expected["config"]
    assert all(_close(hp.prob_to_value(p), v) for p, v in zip(probs, expected["to_value"]))
    if "values" in expected:
        ours = sorted(hp.values) if kind != "Choice" else list(hp.values)
        assert len(ours) == len(expected["values"])
        assert all(_close(a, b) for a, b in zip(ours, expected["values"]))
        assert all(_close(hp.value_to_prob(v), p) for v, p in zip(ours, expected["to_prob"]))


def test_conditional_scope_activity_matches_keras_tuner():
    expected = keras_tuner_reference()["conditional"]

    def space(hp):
        model = hp.Choice("model", ["mlp", "cnn"])
        with hp.conditional_scope("model", ["mlp"]):
            units = hp.Int("units", 8, 16, step=8)
        with hp.conditional_scope("model", ["cnn"]):
            filters = hp.Choice("filters", [3, 5])
        hp.Boolean("bn")
        return {"model": model, "units": units, "filters": filters}

    hp = kt.HyperParameters()
    assert space(hp) == expected["returned"]
    assert hp.values == expected["values"]
    assert {n: hp.is_active(n) for n in ["model", "units", "filters", "bn"]} == expected["active"]
    assert hp.get_config() == expected["config"]
    assert kt.HyperParameters.from_config(hp.get_config()).get_config() == expected["config"]
    hp = kt.HyperParameters()
    hp.values["model"] = "cnn"
    assert space(hp) == expected["returned_cnn"]
    assert {n: hp.is_active(n) for n in ["model", "units", "filters", "bn"]} == expected["active_cnn"]
    with pytest.raises(ValueError, match="inactive"):
        hp.get("units")
    with pytest.raises(KeyError):
        hp.get("nothing")


def _walk(space_fn):
    hp = kt.HyperParameters()
    space_fn(hp)
    for scopes in list(hp.inactive_scopes):  # reveal each conditional branch, as the tuner does
        for condition in scopes:
            hp.values[condition.name] = condition.values[0]
        space_fn(hp)
    return list(iterate_grid(hp.space))


def test_grid_order_matches_keras_tuner_grid_search():
    expected = keras_tuner_reference()["grids"]

    def plain(hp):
        hp.Int("layers", 1, 3)
        hp.Choice("act", ["relu", "tanh"])
        hp.Float("lr", 0.1, 0.3, step=0.1)

    def conditional(hp):
        model = hp.Choice("model", ["mlp", "cnn"])
        with hp.conditional_scope("model", ["mlp"]):
            hp.Int("units", 8, 16, step=8)
        with hp.conditional_scope("model", ["cnn"]):
            hp.Choice("filters", [3, 5])
        hp.Boolean("bn")
        return model

    assert _walk(plain) == expected["plain"]
    assert _walk(conditional) == expected["conditional"]


def test_objective_direction_inference_matches_keras_tuner():
    expected = keras_tuner_reference()["directions"]
    for name, direction in expected.items():
        if direction is None:
            with pytest.raises(ValueError, match="Objective"):
                create_objective(name)
        else:
            assert create_objective(name).direction == direction, name


def test_errors_are_clear():
    hp = kt.HyperParameters()
    hp.Int("units", 1, 4)
    with pytest.raises(ValueError, match="redefined with another type.*Received"):
        hp.Float("units", 0.0, 1.0)
    with pytest.raises(ValueError, match="min_value must not exceed max_value"):
        hp.Int("bad", 5, 1)
    with pytest.raises(ValueError, match="sampling must be one of"):
        hp.Float("bad2", 0.1, 1.0, sampling="exp")
    with pytest.raises(ValueError, match="not defined"):
        with hp.conditional_scope("missing", ["x"]):
            pass
    with pytest.raises(TypeError, match="one type"):
        hp.Choice("mixed", [1, "a"])
    with pytest.raises(ValueError, match="Could not infer"):
        create_objective("val_my_score")
    with pytest.raises(TypeError, match="HyperModel.*Received"):
        from cornu.tuner.hypermodel import get_hypermodel

        get_hypermodel(42)


def test_optuna_suggestions_stay_on_keras_tuner_values():
    optuna = require("optuna")
    from cornu.tuner.optuna_space import suggest

    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    space = [hp_types.Int("a", 6, 13, step=3), hp_types.Int("b", 2, 32, step=2, sampling="log"),
             hp_types.Float("f", 0.0, 1.0, step=0.2), hp_types.Float("h", 1e-4, 1e-1, sampling="log"),
             hp_types.Float("i", 0.5, 8.0, sampling="reverse_log"), hp_types.Choice("k", ["relu", "tanh"])]
    for _ in range(30):
        trial = study.ask()
        for hp in space:
            value = suggest(hp, trial)
            if getattr(hp, "step", 1) is not None:
                assert any(_close(value, v) for v in hp.values), (hp, value)
            else:
                assert hp.min_value <= value <= hp.max_value
        study.tell(trial, 0.0)
