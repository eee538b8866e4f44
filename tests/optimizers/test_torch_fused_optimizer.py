"""torch's fused CPU Adam kernel, with Keras's step size: same weights as the per-variable update."""

import numpy as np
import pytest

import cornu
from cornu import backend, ops, optimizers

pytestmark = pytest.mark.skipif(backend.backend() != "torch", reason="the fused kernel is torch's")

RNG = np.random.default_rng(3)
SHAPES = [(5, 4), (4,), (4, 6)]


def _run(fused, transposed_grads=False, steps=12, **kwargs):
    import torch

    variables = [backend.Variable(RNG_INIT[i], name=f"v{i}") for i in range(len(SHAPES))]
    opt = optimizers.Adam(learning_rate=0.05, **kwargs)
    calls = []
    original = torch._fused_adam_

    def counting(*args, **kw):
        calls.append(1)
        return original(*args, **kw)

    torch._fused_adam_ = counting
    try:
        for step in range(steps):
            grads = [ops.convert_to_tensor(g) for g in GRADS[step]]
            if transposed_grads:
                grads = [g.t().contiguous().t() if g.ndim == 2 else g for g in grads]
            if fused:
                opt.apply(grads, variables)
            else:
                for g, v in zip(grads, variables):  # the generic per-variable maths
                    opt.build(variables) if not opt.built else None
                    opt.update_step(g, v, opt.learning_rate)
                opt.iterations.assign_add(1)
    finally:
        torch._fused_adam_ = original
    return [v.numpy() for v in variables], [v.numpy() for v in opt.variables], len(calls)


RNG_INIT = [RNG.normal(size=s).astype("float32") for s in SHAPES]
GRADS = [[RNG.normal(size=s).astype("float32") * (1e-3 if i == 1 else 1.0) for i, s in enumerate(SHAPES)]
         for _ in range(12)]


@pytest.mark.parametrize("transposed", [False, True])
def test_fused_adam_matches_the_per_variable_update(transposed):
    weights, state, calls = _run(fused=True, transposed_grads=transposed)
    assert calls == 12  # the fused kernel really ran, once per step
    expected_weights, expected_state, _ = _run(fused=False)
    for got, want in zip(weights, expected_weights):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    for got, want in zip(state, expected_state):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
