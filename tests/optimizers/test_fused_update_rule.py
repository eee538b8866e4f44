"""Optimizers declare the update rule a backend may fuse (``fused_update_rule``) and hand over
their slots (``fused_slots``); the backend never recognises optimizer classes."""

import numpy as np

from cornu import backend, optimizers


def _variables():
    return [backend.Variable(np.ones((2, 3), "float32"), name="a"), backend.Variable(np.ones((3,), "float32"), name="b")]


def test_adam_declares_its_rule_and_slots():
    variables = _variables()
    adam = optimizers.Adam()
    adam.build(variables)
    assert adam.fused_update_rule == "adam"
    momentums, velocities = adam.fused_slots(variables[::-1])
    assert [m.shape for m in momentums] == [(3,), (2, 3)]
    assert [v.shape for v in velocities] == [(3,), (2, 3)]
    assert "momentum" in momentums[0].path and "velocity" in velocities[0].path


def test_variants_with_another_update_run_the_generic_path():
    class Custom(optimizers.Adam):
        def update_step(self, gradient, variable, learning_rate):
            super().update_step(gradient, variable, learning_rate)

    assert optimizers.Adam(amsgrad=True).fused_update_rule is None
    assert Custom().fused_update_rule is None
    assert optimizers.AdamW().fused_update_rule == "adam"  # Adam's update plus decoupled decay
    assert optimizers.RMSprop().fused_update_rule is None


def test_sgd_declares_its_rule_and_slots():
    variables = _variables()
    plain, heavy = optimizers.SGD(), optimizers.SGD(momentum=0.9)
    plain.build(variables)
    heavy.build(variables)
    assert plain.fused_update_rule == heavy.fused_update_rule == "sgd"
    assert plain.fused_slots(variables) == ([None, None],)
    (momentums,) = heavy.fused_slots(variables)
    assert [m.shape for m in momentums] == [(2, 3), (3,)]


def test_adam_follows_a_learning_rate_schedule():
    # Fused on torch and TensorFlow, generic elsewhere: constant unit gradients make
    # m_hat / sqrt(v_hat) 1 at every step (up to epsilon), so each step moves by the scheduled rate.
    from cornu import ops

    schedule = optimizers.schedules.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)
    variable = backend.Variable(np.ones((3,), "float32"))
    opt = optimizers.Adam(learning_rate=schedule)
    for _ in range(4):
        opt.apply([ops.convert_to_tensor(np.ones((3,), "float32"))], [variable])
    expected = 1.0 - sum(0.1 * 0.5 ** (t / 2) for t in range(4))
    np.testing.assert_allclose(ops.convert_to_numpy(variable.value), np.full(3, expected), rtol=1e-5)
