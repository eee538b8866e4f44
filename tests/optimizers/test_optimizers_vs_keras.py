"""Same start, same gradients, ten steps: cornu and Keras must end at the same weights."""

import numpy as np
import pytest

from cornu import backend
from cornu import constraints
from cornu import ops
from cornu import optimizers
from cornu.optimizers import schedules

# Optimizers are plain eager maths, so they also run (and are checked) on the numpy backend.

RNG = np.random.default_rng(42)
KERNEL = RNG.normal(size=(3, 2)).astype("float32")
BIAS = RNG.normal(size=(2,)).astype("float32")
GRADS = [
    (RNG.normal(size=(3, 2)).astype("float32") * (1 + i % 3), RNG.normal(size=(2,)).astype("float32"))
    for i in range(10)
]

CASES = [
    ("SGD", {}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"learning_rate": 0.1, "clipnorm": 0.5}),
    ("SGD", {"learning_rate": 0.1, "clipvalue": 0.2}),
    ("SGD", {"learning_rate": 0.1, "global_clipnorm": 0.7}),
    ("SGD", {"learning_rate": 0.1, "weight_decay": 0.05}),
    ("SGD", {"learning_rate": 0.1, "loss_scale_factor": 4.0}),
    ("Adam", {}),
    ("Adam", {"learning_rate": 0.05}),
    ("Adam", {"learning_rate": 0.05, "amsgrad": True}),
    ("Adam", {"learning_rate": 0.05, "beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3}),
    ("Adam", {"learning_rate": 0.05, "weight_decay": 0.1, "clipnorm": 1.0}),
    ("Adam", {"learning_rate": 0.05, "use_ema": True}),
    ("Adam", {"learning_rate": 0.05, "use_ema": True, "ema_momentum": 0.5, "ema_overwrite_frequency": 3}),
    ("Adam", {"learning_rate": 0.05, "gradient_accumulation_steps": 3}),
    ("AdamW", {"learning_rate": 0.05}),
    ("AdamW", {"learning_rate": 0.05, "weight_decay": 0.2, "amsgrad": True}),
    ("RMSprop", {"learning_rate": 0.05}),
    ("RMSprop", {"learning_rate": 0.05, "centered": True}),
    ("RMSprop", {"learning_rate": 0.05, "momentum": 0.5}),
    ("RMSprop", {"learning_rate": 0.05, "centered": True, "momentum": 0.5, "rho": 0.8}),
    ("Adagrad", {"learning_rate": 0.1}),
    ("Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.5}),
    ("Adamax", {"learning_rate": 0.05}),
    ("Nadam", {"learning_rate": 0.05}),
    ("Adadelta", {"learning_rate": 1.0}),
    ("Adadelta", {"learning_rate": 1.0, "rho": 0.5}),
    ("Lion", {"learning_rate": 0.01}),
    ("Lion", {"learning_rate": 0.01, "beta_1": 0.5, "beta_2": 0.8, "weight_decay": 0.1}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.5, "gradient_accumulation_steps": 2, "use_ema": True}),
]


def case_id(case):
    name, kwargs = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


def make_cornu_variables():
    with backend.name_scope("dense"):
        kernel = backend.Variable(KERNEL, name="kernel")
        bias = backend.Variable(BIAS, name="bias")
    return [kernel, bias]


def make_keras_variables(keras):
    with keras.name_scope("dense"):
        kernel = keras.Variable(KERNEL, name="kernel")
        bias = keras.Variable(BIAS, name="bias")
    return [kernel, bias]


def run_both(keras_ref, name, kwargs, steps=10, setup=None):
    keras_ref.backend.clear_session()  # default names restart from "adam", like cornu's per-test reset
    ours = getattr(optimizers, name)(**kwargs)
    theirs = getattr(keras_ref.optimizers, name)(**kwargs)
    our_vars, their_vars = make_cornu_variables(), make_keras_variables(keras_ref)
    if setup is not None:
        setup(ours, our_vars)
        setup(theirs, their_vars)
    for grads in GRADS[:steps]:
        ours.apply([ops.convert_to_tensor(g) for g in grads], our_vars)
        theirs.apply(list(grads), their_vars)
    return ours, theirs, our_vars, their_vars


def assert_close(a, b):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_ten_steps_match_keras(keras_ref, case):
    name, kwargs = case
    ours, theirs, our_vars, their_vars = run_both(keras_ref, name, kwargs)
    for a, b in zip(our_vars, their_vars):
        assert_close(a.numpy(), b.numpy())
    # Same optimizer state, same names, same order: this is what the .keras weight file holds.
    assert [v.path for v in ours.variables] == [v.path for v in theirs.variables]
    for a, b in zip(ours.variables, theirs.variables):
        assert a.dtype == b.dtype and tuple(a.shape) == tuple(b.shape), a.path
        assert_close(a.numpy(), b.numpy())
    assert int(ops.convert_to_numpy(ours.iterations)) == int(np.asarray(theirs.iterations))
    # The weights actually moved (the comparison above is not vacuous).
    assert not np.allclose(our_vars[0].numpy(), KERNEL)


@pytest.mark.parametrize(
    "schedule_name,kwargs",
    [
        ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.5}),
        ("PiecewiseConstantDecay", {"boundaries": [2, 5], "values": [0.1, 0.05, 0.01]}),
        ("CosineDecay", {"initial_learning_rate": 0.0, "decay_steps": 5, "warmup_target": 0.1, "warmup_steps": 3}),
    ],
)
def test_schedules_drive_the_optimizer_like_keras(keras_ref, schedule_name, kwargs):
    keras_ref.backend.clear_session()
    ours = optimizers.SGD(learning_rate=getattr(schedules, schedule_name)(**kwargs), momentum=0.5)
    theirs = keras_ref.optimizers.SGD(learning_rate=getattr(keras_ref.optimizers.schedules, schedule_name)(**kwargs),
                                      momentum=0.5)
    our_vars, their_vars = make_cornu_variables(), make_keras_variables(keras_ref)
    for grads in GRADS:
        ours.apply([ops.convert_to_tensor(g) for g in grads], our_vars)
        theirs.apply(list(grads), their_vars)
        assert_close(ops.convert_to_numpy(ours.learning_rate), np.asarray(theirs.learning_rate))
    for a, b in zip(our_vars, their_vars):
        assert_close(a.numpy(), b.numpy())
    # A schedule replaces the learning-rate variable.
    assert [v.path for v in ours.variables] == [v.path for v in theirs.variables]


def test_exclude_from_weight_decay_by_name(keras_ref):
    def setup(opt, variables):
        opt.exclude_from_weight_decay(var_names=["bias"])

    ours, theirs, our_vars, their_vars = run_both(
        keras_ref, "AdamW", {"learning_rate": 0.05, "weight_decay": 0.5}, setup=setup
    )
    for a, b in zip(our_vars, their_vars):
        assert_close(a.numpy(), b.numpy())
    plain = optimizers.AdamW(learning_rate=0.05, weight_decay=0.5)
    plain_vars = make_cornu_variables()
    for grads in GRADS:
        plain.apply([ops.convert_to_tensor(g) for g in grads], plain_vars)
    assert not np.allclose(plain_vars[1].numpy(), our_vars[1].numpy())
    assert_close(plain_vars[0].numpy(), our_vars[0].numpy())


def test_exclude_from_weight_decay_by_variable(keras_ref):
    def setup(opt, variables):
        opt.exclude_from_weight_decay(var_list=[variables[0]])

    ours, theirs, our_vars, their_vars = run_both(
        keras_ref, "SGD", {"learning_rate": 0.1, "weight_decay": 0.5}, setup=setup
    )
    for a, b in zip(our_vars, their_vars):
        assert_close(a.numpy(), b.numpy())


def test_exclude_from_weight_decay_after_build_fails():
    opt = optimizers.AdamW()
    opt.build(make_cornu_variables())
    with pytest.raises(ValueError, match="before the optimizer is built"):
        opt.exclude_from_weight_decay(var_names=["bias"])


def test_constraints_apply_after_the_update(keras_ref):
    def setup(opt, variables):
        module = constraints if isinstance(opt, optimizers.Optimizer) else keras_ref.constraints
        variables[0].constraint = module.NonNeg()
        variables[1].constraint = module.MaxNorm(0.5)

    ours, theirs, our_vars, their_vars = run_both(keras_ref, "SGD", {"learning_rate": 0.1}, setup=setup)
    assert our_vars[0].numpy().min() >= 0
    assert np.linalg.norm(our_vars[1].numpy()) <= 0.5 + 1e-5
    for a, b in zip(our_vars, their_vars):
        assert_close(a.numpy(), b.numpy())


def test_none_gradients_are_skipped_with_a_warning():
    opt = optimizers.SGD(learning_rate=0.1)
    variables = make_cornu_variables()
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        opt.apply([ops.convert_to_tensor(GRADS[0][0]), None], variables)
    assert_close(variables[1].numpy(), BIAS)
    assert_close(variables[0].numpy(), KERNEL - 0.1 * GRADS[0][0])
    with pytest.raises(ValueError, match="No gradients"):
        opt.apply([None, None], variables)
