"""TensorFlow's fused apply kernels (``ResourceApplyAdam``, ``ResourceApplyKerasMomentum``,
``ResourceApplyGradientDescent``), eagerly, inside a ``tf.function`` and under XLA: SGD gives the
per-variable update's weights; Adam gives a NumPy model of its kernel (``1 - beta`` rounded in
float32) and the per-variable update's weights up to that rounding."""

import numpy as np
import pytest

from cornu import backend, ops, optimizers

pytestmark = pytest.mark.skipif(backend.backend() != "tensorflow", reason="the fused kernels are TensorFlow's")

RNG = np.random.default_rng(5)
SHAPES = [(5, 4), (4,), (4, 6)]
INITIAL = [RNG.normal(size=s).astype("float32") for s in SHAPES]
STEPS = 10
GRADS = [[RNG.normal(size=s).astype("float32") * (1e-3 if i == 1 else 1.0) for i, s in enumerate(SHAPES)]
         for _ in range(STEPS)]


def _train(make_optimizer, fused, mode="eager"):
    import tensorflow as tf

    variables = [backend.Variable(value, name=f"v{i}") for i, value in enumerate(INITIAL)]
    opt = make_optimizer()
    opt.build(variables)

    def apply(grads):
        if fused:
            opt.apply(grads, variables)
        else:  # the generic per-variable maths
            for g, v in zip(grads, variables):
                opt.update_step(g, v, opt.learning_rate)
            opt.iterations.assign_add(1)

    step = apply if mode == "eager" else tf.function(apply, jit_compile=mode == "xla", autograph=False)
    for grads in GRADS:
        step([ops.convert_to_tensor(g) for g in grads])
    return [v.numpy() for v in variables], [v.numpy() for v in opt.variables], step


def _kernel_ops(step, name):
    graph = step.get_concrete_function([ops.convert_to_tensor(g) for g in GRADS[0]]).graph
    return [op for op in graph.get_operations() if op.type == name]


OPTIMIZERS = {
    "adam": (lambda: optimizers.Adam(learning_rate=0.05), "ResourceApplyAdam"),
    "adamw": (lambda: optimizers.AdamW(learning_rate=0.05, weight_decay=0.1), "ResourceApplyAdam"),
    "sgd": (lambda: optimizers.SGD(learning_rate=0.1), "ResourceApplyGradientDescent"),
    "momentum": (lambda: optimizers.SGD(learning_rate=0.1, momentum=0.9), "ResourceApplyKerasMomentum"),
    "nesterov": (lambda: optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True), "ResourceApplyKerasMomentum"),
}


@pytest.mark.parametrize("mode", ["eager", "graph", "xla"])
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_fused_update_matches_the_per_variable_update(name, mode):
    make, kernel = OPTIMIZERS[name]
    weights, state, step = _train(make, fused=True, mode=mode)
    if mode == "graph":
        assert len(_kernel_ops(step, kernel)) == len(SHAPES)  # one fused op per variable
    assert not np.allclose(weights[0], INITIAL[0])
    if name == "adamw":  # the generic loop below lacks the decoupled decay: see the NumPy test
        return
    expected_weights, expected_state, _ = _train(make, fused=False, mode=mode)
    # Adam: the kernel's ``1 - beta_2`` is 1.3e-5 relative off the generic path's (module docs).
    rtol = 1e-4 if name == "adam" else 1e-6
    for got, want in zip(weights, expected_weights):
        np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-6)
    for got, want in zip(state, expected_state):
        np.testing.assert_allclose(got, want, rtol=rtol * 10, atol=1e-7)


def _numpy_adam_kernel(weights, grads_per_step, lr, beta_1, beta_2, epsilon, weight_decay=0.0):
    """Adam as ``ResourceApplyAdam`` computes it in float32, after AdamW's decay."""
    f = np.float32
    b1, b2, lr, eps = f(beta_1), f(beta_2), f(lr), f(epsilon)
    weights = [w.copy() for w in weights]
    m = [np.zeros_like(w) for w in weights]
    v = [np.zeros_like(w) for w in weights]
    for t, grads in enumerate(grads_per_step, start=1):
        alpha = lr * np.sqrt(f(1) - b2 ** f(t)) / (f(1) - b1 ** f(t))
        for i, g in enumerate(grads):
            weights[i] = weights[i] - weights[i] * (lr * f(weight_decay))
            m[i] = m[i] + (g - m[i]) * (f(1) - b1)
            v[i] = v[i] + (g * g - v[i]) * (f(1) - b2)
            weights[i] = weights[i] - m[i] * alpha / (np.sqrt(v[i]) + eps)
    return weights


@pytest.mark.parametrize("mode", ["eager", "graph"])
@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
def test_fused_adam_matches_a_numpy_model_of_the_kernel(weight_decay, mode):
    if weight_decay:
        make = lambda: optimizers.AdamW(learning_rate=0.05, weight_decay=weight_decay)  # noqa: E731
    else:
        make = lambda: optimizers.Adam(learning_rate=0.05)  # noqa: E731
    weights, _, _ = _train(make, fused=True, mode=mode)
    expected = _numpy_adam_kernel(INITIAL, GRADS, 0.05, 0.9, 0.999, 1e-7, weight_decay)
    for got, want in zip(weights, expected):
        np.testing.assert_allclose(got, want, rtol=2e-6, atol=2e-6)


def test_adamw_decays_before_the_fused_update():
    # AdamW = decay by lr * weight_decay, then Adam's rule: checked against NumPy for one step.
    variable = backend.Variable(np.full((3,), 2.0, "float32"))
    opt = optimizers.AdamW(learning_rate=0.1, weight_decay=0.5)
    opt.apply([ops.convert_to_tensor(np.full((3,), 4.0, "float32"))], [variable])
    decayed = 2.0 - 2.0 * 0.1 * 0.5
    m, v = 0.1 * 4.0, 0.001 * 16.0
    alpha = 0.1 * np.sqrt(1 - 0.999) / (1 - 0.9)
    np.testing.assert_allclose(variable.numpy(), decayed - alpha * m / (np.sqrt(v) + 1e-7), rtol=1e-6)


def test_other_dtypes_and_rules_take_the_generic_path():
    from cornu.backend.tensorflow import optimizers as tf_optimizers

    half = [backend.Variable(np.ones((2,), "float16"))]
    opt = optimizers.Adam()
    opt.build(half)
    assert tf_optimizers._adam(opt, [ops.ones((2,), "float16")], half, opt.learning_rate) is False
    assert tf_optimizers.fused_update_step(optimizers.Adam(amsgrad=True)) is None
    assert tf_optimizers.fused_update_step(optimizers.RMSprop()) is None
    # The generic path then trains the float16 variable as before.
    opt.apply([ops.ones((2,), "float16")], half)
    assert float(half[0].numpy()[0]) < 1.0
