"""LossScaleOptimizer: dynamic loss scaling, checked against the real Keras with injected inf/NaN gradients."""

import numpy as np
import pytest

from cornu import backend
from cornu import ops
from cornu import optimizers

from tests.conftest import BACKEND

RNG = np.random.default_rng(11)
KERNEL = RNG.normal(size=(3, 2)).astype("float32")
BIAS = RNG.normal(size=(2,)).astype("float32")
SCALE = 8.0
GROWTH_STEPS = 2


def scaled_grads():
    """Ten steps of gradients as a scaled loss would give, three of them holding inf or NaN."""
    grads = [[RNG.normal(size=(3, 2)).astype("float32") * SCALE, RNG.normal(size=(2,)).astype("float32") * SCALE]
             for _ in range(10)]
    grads[2][0][1, 1] = np.inf
    grads[5][1][0] = np.nan
    grads[6][0][0, 0] = -np.inf
    return grads


GRADS = scaled_grads()
FINITE = [all(np.isfinite(g).all() for g in step) for step in GRADS]
# What the scale and counter must be after each step (growth every 2 finite steps in a row, halving on inf/NaN).
EXPECTED_SCALES = [8.0, 16.0, 8.0, 8.0, 16.0, 8.0, 4.0, 4.0, 8.0, 8.0]
EXPECTED_COUNTERS = [1, 0, 0, 1, 0, 0, 0, 1, 0, 1]


def make_variables(module):
    with module.name_scope("dense"):
        return [module.Variable(KERNEL, name="kernel"), module.Variable(BIAS, name="bias")]


def make_ours(inner="Adam", **kwargs):
    return optimizers.LossScaleOptimizer(
        getattr(optimizers, inner)(learning_rate=0.05, **kwargs), initial_scale=SCALE, dynamic_growth_steps=GROWTH_STEPS
    )


def assert_close(a, b):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-5)


def test_ten_steps_with_non_finite_gradients_match_keras(keras_ref):
    inner, inner_kwargs = "Adam", {"clipnorm": 1.0}  # gradients are unscaled before the inner clipping
    ours = make_ours(inner, **inner_kwargs)
    theirs = keras_ref.optimizers.LossScaleOptimizer(
        getattr(keras_ref.optimizers, inner)(learning_rate=0.05, **inner_kwargs),
        initial_scale=SCALE,
        dynamic_growth_steps=GROWTH_STEPS,
    )
    our_vars, their_vars = make_variables(backend), make_variables(keras_ref)
    ours.build(our_vars)
    theirs.build(their_vars)
    assert [v.path for v in ours.variables] == [v.path for v in theirs.variables]
    # Keras's eager `apply` cannot run on JAX (its `cond` leaks tracers): drive it statelessly.
    their_state = [v.value for v in theirs.variables]
    their_weights = [v.value for v in their_vars]
    for step, grads in enumerate(GRADS):
        before = [v.numpy().copy() for v in our_vars]
        ours.apply([ops.convert_to_tensor(g) for g in grads], our_vars)
        their_weights, their_state = theirs.stateless_apply(their_state, list(grads), their_weights)
        assert float(ours.dynamic_scale.numpy()) == EXPECTED_SCALES[step]
        assert int(ours.step_counter.numpy()) == EXPECTED_COUNTERS[step]
        if not FINITE[step]:  # a skipped step leaves the weights exactly as they were
            for b, v in zip(before, our_vars):
                np.testing.assert_array_equal(v.numpy(), b)
        for a, b in zip(our_vars, their_weights):
            assert_close(a.numpy(), b)
        for a, b in zip(ours.variables, their_state):
            assert_close(a.numpy(), b)
    assert int(ops.convert_to_numpy(ours.iterations)) == sum(FINITE)
    assert all(np.isfinite(v.numpy()).all() for v in our_vars + ours.variables)


def test_unscaled_gradients_give_the_inner_optimizer_update():
    ours = make_ours("SGD")
    plain = optimizers.SGD(learning_rate=0.05)
    our_vars, plain_vars = make_variables(backend), make_variables(backend)
    grads = GRADS[0]
    ours.apply([ops.convert_to_tensor(g) for g in grads], our_vars)
    plain.apply([ops.convert_to_tensor(g / SCALE) for g in grads], plain_vars)
    for a, b in zip(our_vars, plain_vars):
        assert_close(a.numpy(), b.numpy())


def test_stateless_apply_matches_apply_and_leaves_variables_alone():
    eager = make_ours()
    eager_vars = make_variables(backend)
    for grads in GRADS:
        eager.apply([ops.convert_to_tensor(g) for g in grads], eager_vars)

    opt = make_ours()
    variables = make_variables(backend)
    opt.build(variables)
    initial_state = [v.numpy().copy() for v in opt.variables]
    step = opt.stateless_apply
    if BACKEND == "jax":
        import jax

        step = jax.jit(opt.stateless_apply)  # skip-or-apply must trace as a select, not a Python branch
    weights = [v.value for v in variables]
    state = [v.value for v in opt.variables]
    for grads in GRADS:
        weights, state = step(state, [ops.convert_to_tensor(g) for g in grads], weights)
    for got, variable in zip(weights, eager_vars):
        assert_close(ops.convert_to_numpy(got), variable.numpy())
    for got, variable in zip(state, eager.variables):
        assert_close(ops.convert_to_numpy(got), variable.numpy())
    np.testing.assert_array_equal(variables[0].numpy(), KERNEL)
    for v, initial in zip(opt.variables, initial_state):
        np.testing.assert_array_equal(v.numpy(), initial)
    with pytest.raises(ValueError, match="optimizer_variables"):
        opt.stateless_apply(state[:-1], GRADS[0], weights)


def test_scale_loss_uses_the_current_scale():
    opt = make_ours()
    assert float(ops.convert_to_numpy(opt.scale_loss(ops.convert_to_tensor(2.0)))) == 2.0 * SCALE
    variables = make_variables(backend)
    opt.apply([ops.convert_to_tensor(np.full((3, 2), np.inf, "float32")), ops.convert_to_tensor(BIAS)], variables)
    assert float(ops.convert_to_numpy(opt.scale_loss(ops.convert_to_tensor(2.0)))) == 2.0 * SCALE / 2


def test_delegates_learning_rate_and_iterations_to_the_inner_optimizer():
    inner = optimizers.SGD(learning_rate=0.1, loss_scale_factor=4.0)
    opt = optimizers.LossScaleOptimizer(inner)
    assert inner.loss_scale_factor is None  # the dynamic scale replaces a static one
    assert float(ops.convert_to_numpy(opt.learning_rate)) == pytest.approx(0.1)
    opt.learning_rate = 0.5
    assert float(ops.convert_to_numpy(inner.learning_rate)) == pytest.approx(0.5)
    opt.apply([ops.convert_to_tensor(g) for g in GRADS[0]], make_variables(backend))
    assert int(ops.convert_to_numpy(opt.iterations)) == 1 == int(ops.convert_to_numpy(inner.iterations))


def test_config_matches_keras_and_round_trips(keras_ref):
    ours = optimizers.LossScaleOptimizer(optimizers.Adam(0.01, name="inner"), dynamic_growth_steps=10, name="lso")
    theirs = keras_ref.optimizers.LossScaleOptimizer(
        keras_ref.optimizers.Adam(0.01, name="inner"), dynamic_growth_steps=10, name="lso"
    )
    assert ours.get_config() == theirs.get_config()
    rebuilt = optimizers.deserialize(optimizers.serialize(ours))
    assert isinstance(rebuilt, optimizers.LossScaleOptimizer) and isinstance(rebuilt.inner_optimizer, optimizers.Adam)
    assert rebuilt.get_config() == ours.get_config()
    # A config written by Keras loads here.
    loaded = optimizers.deserialize(keras_ref.optimizers.serialize(theirs))
    assert loaded.get_config() == ours.get_config()


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"dynamic": False}, "dynamic=False"),
        ({"clipnorm": 1.0}, "does not support `clipnorm`"),
        ({"use_ema": True}, "does not support `use_ema`"),
        ({"foo": 1}, "does not support arguments: `foo`"),
    ],
)
def test_invalid_arguments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        optimizers.LossScaleOptimizer(optimizers.SGD(), **kwargs)
