"""Adafactor, Ftrl, Lamb, Muon and ScheduleFreeAdamW: ten steps side by side with the real Keras."""

import numpy as np
import pytest

from cornu import backend
from cornu import ops
from cornu import optimizers

from tests.conftest import BACKEND

RNG = np.random.default_rng(7)
# A matrix, a vector and a rank-3 tensor: Adafactor factors ranks >= 2, Muon only touches 2D.
INITIAL = {
    "kernel": RNG.normal(size=(3, 2)).astype("float32"),
    "bias": RNG.normal(size=(2,)).astype("float32"),
    "k3": RNG.normal(size=(2, 4, 3)).astype("float32"),
}
GRADS = [[RNG.normal(size=w.shape).astype("float32") * (1 + i % 3) for w in INITIAL.values()] for i in range(10)]

CASES = [
    ("Adafactor", {}),
    ("Adafactor", {"learning_rate": 0.1, "relative_step": False, "clip_threshold": 0.5, "beta_2_decay": -0.5}),
    ("Ftrl", {"learning_rate": 0.1}),
    ("Ftrl", {"learning_rate": 0.1, "learning_rate_power": -0.3, "initial_accumulator_value": 0.5,
              "l1_regularization_strength": 0.01, "l2_regularization_strength": 0.1,
              "l2_shrinkage_regularization_strength": 0.05, "beta": 0.5}),
    ("Lamb", {"learning_rate": 0.05}),
    ("Lamb", {"learning_rate": 0.05, "beta_1": 0.5, "weight_decay": 0.1, "clipnorm": 1.0}),
    ("Muon", {"learning_rate": 0.05}),
    ("Muon", {"learning_rate": 0.05, "nesterov": False, "exclude_layers": ["k3"], "rms_rate": None,
              "adam_lr_ratio": 0.5, "ns_steps": 3}),
    ("ScheduleFreeAdamW", {"learning_rate": 0.05}),
    ("ScheduleFreeAdamW", {"learning_rate": 0.05, "warmup_steps": 4, "weight_decay": 0.01}),
]


def case_id(case):
    name, kwargs = case
    return name + "-" + ("-".join(f"{k}={v}" for k, v in kwargs.items()) or "default")


def make_variables(module):
    with module.name_scope("dense"):
        return [module.Variable(value, name=name) for name, value in INITIAL.items()]


def assert_close(a, b):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_ten_steps_match_keras(keras_ref, case):
    name, kwargs = case
    ours = getattr(optimizers, name)(**kwargs)
    theirs = getattr(keras_ref.optimizers, name)(**kwargs)
    our_vars, their_vars = make_variables(backend), make_variables(keras_ref)
    for grads in GRADS:
        ours.apply([ops.convert_to_tensor(g) for g in grads], our_vars)
        theirs.apply(list(grads), their_vars)
    for a, b in zip(our_vars, their_vars):
        assert_close(a.numpy(), b.numpy())
    # Same state, same names, same order: what a saved optimizer holds.
    assert [v.path for v in ours.variables] == [v.path for v in theirs.variables]
    for a, b in zip(ours.variables, theirs.variables):
        assert backend.standardize_dtype(a.dtype) == b.dtype and tuple(a.shape) == tuple(b.shape), a.path
        assert_close(a.numpy(), b.numpy())
    assert not np.allclose(our_vars[0].numpy(), INITIAL["kernel"])


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_config_matches_keras_and_round_trips(keras_ref, case):
    name, kwargs = case
    ours = getattr(optimizers, name)(name="opt", **kwargs)
    config = ours.get_config()
    assert config == getattr(keras_ref.optimizers, name)(name="opt", **kwargs).get_config()
    rebuilt = optimizers.deserialize(optimizers.serialize(ours))
    assert type(rebuilt) is type(ours) and rebuilt.get_config() == config


@pytest.mark.parametrize("case", [CASES[0], CASES[3], CASES[5], CASES[6], CASES[9]], ids=case_id)
def test_stateless_apply_matches_apply(case):
    name, kwargs = case
    eager = getattr(optimizers, name)(**kwargs)
    eager_vars = make_variables(backend)
    for grads in GRADS:
        eager.apply([ops.convert_to_tensor(g) for g in grads], eager_vars)

    opt = getattr(optimizers, name)(**kwargs)
    variables = make_variables(backend)
    opt.build(variables)
    step = opt.stateless_apply
    if BACKEND == "jax":
        import jax

        step = jax.jit(opt.stateless_apply)  # the update must trace: no Python branch on values
    weights = [v.value for v in variables]
    state = [v.value for v in opt.variables]
    for grads in GRADS:
        weights, state = step(state, [ops.convert_to_tensor(g) for g in grads], weights)
    for got, variable in zip(weights, eager_vars):
        assert_close(ops.convert_to_numpy(got), variable.numpy())
    for got, variable in zip(state, eager.variables):
        assert_close(ops.convert_to_numpy(got), variable.numpy())
    np.testing.assert_array_equal(variables[0].numpy(), INITIAL["kernel"])


def test_get_by_name():
    for name in ("adafactor", "ftrl", "lamb", "muon", "schedulefreeadamw", "Adafactor", "Ftrl"):
        assert isinstance(optimizers.get(name), optimizers.Optimizer)
    assert isinstance(optimizers.get("ftrl"), optimizers.Ftrl)


def test_muon_routes_embeddings_and_excluded_layers_to_adamw(keras_ref):
    def variables(module):
        with module.name_scope("embedding"):
            table = module.Variable(np.ones((4, 3), "float32"), name="embeddings")
        with module.name_scope("head"):
            head = module.Variable(np.ones((3, 2), "float32"), name="kernel")
        with module.name_scope("body"):
            body = module.Variable(np.ones((3, 2), "float32"), name="kernel")
        return [table, head, body]

    for kwargs in ({}, {"exclude_embeddings": False, "exclude_layers": ["head"]}):
        ours = optimizers.Muon(**kwargs)
        theirs = keras_ref.optimizers.Muon(**kwargs)
        ours_routes = [ours._should_use_adamw(v) for v in variables(backend)]
        assert ours_routes == [theirs._should_use_adamw(v) for v in variables(keras_ref)]
    assert [optimizers.Muon()._should_use_adamw(v) for v in variables(backend)] == [True, False, False]


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: optimizers.Ftrl(initial_accumulator_value=-1.0), "initial_accumulator_value"),
        (lambda: optimizers.Ftrl(learning_rate_power=0.5), "learning_rate_power"),
        (lambda: optimizers.Ftrl(l1_regularization_strength=-0.1), "l1_regularization_strength"),
        (lambda: optimizers.Lamb(foo=1), "not recognized"),
    ],
)
def test_invalid_arguments_raise(make, match):
    with pytest.raises(ValueError, match=match):
        make()
