"""The hand-written TensorFlow workloads (bench/native/tf_models.py) train exactly like the
hand-written JAX ones: started from the same weights, three Adam steps give the same losses
and weights, in a plain TensorFlow graph and under XLA."""

import os
import sys

import numpy as np
import pytest

from cornu.backend import config

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from bench.workloads import WORKLOADS  # noqa: E402

pytestmark = pytest.mark.skipif(config.backend() != "tensorflow",
                                reason="the hand-written TensorFlow models need TensorFlow")


def _jax_weights_in_tf_order(workload, params):
    """The JAX parameter tree flattened in the order of the TF model's variables, attention
    kernels folded to the TF version's 2-D matrices."""
    if workload == "mlp":
        return [a for layer in params for a in (layer["w"], layer["b"])]
    if workload == "lstm":
        return [params["embedding"], params["kernel"], params["recurrent"], params["bias"],
                params["out"]["w"], params["out"]["b"]]
    out = [params["embedding"], params["positions"]]
    for block in params["blocks"]:
        attention = block["attention"]
        for name in "qkv":
            w = attention[name]["w"]
            out += [w.reshape(w.shape[0], -1), attention[name]["b"].reshape(-1)]
        w = attention["o"]["w"]
        out += [w.reshape(-1, w.shape[-1]), attention["o"]["b"]]
        for name in ("norm1", "ff1", "ff2", "norm2"):
            layer = block[name]
            out += [layer["gamma"], layer["beta"]] if "norm" in name else [layer["w"], layer["b"]]
    return out + [params["out"]["w"], params["out"]["b"]]


@pytest.mark.parametrize("jit_compile", [False, True])
@pytest.mark.parametrize("workload", ["mlp", "lstm", "transformer"])
def test_tf_steps_match_the_jax_steps(workload, jit_compile):
    from bench.native import jax_models, tf_models

    cfg = WORKLOADS[workload].TINY
    x, y = WORKLOADS[workload].data(cfg, cfg["batch_size"], np.random.default_rng(0))
    jax_net = jax_models.make(workload, cfg, seed=0)
    tf_net = tf_models.make(workload, cfg, seed=0, jit_compile=jit_compile)
    start = _jax_weights_in_tf_order(workload, jax_net.params)
    assert [tuple(v.shape) for v in tf_net.params] == [tuple(a.shape) for a in start]
    for variable, value in zip(tf_net.params, start):
        variable.assign(np.asarray(value))

    for _ in range(3):
        jax_loss = jax_net.sync(jax_net.train_step(x, y))
        tf_loss = tf_net.sync(tf_net.train_step(x, y))
        np.testing.assert_allclose(tf_loss, jax_loss, rtol=1e-5)
    for variable, value in zip(tf_net.params, _jax_weights_in_tf_order(workload, jax_net.params)):
        np.testing.assert_allclose(variable.numpy(), np.asarray(value), atol=1e-5)
    logits = tf_net.predict(x, cfg["batch_size"])
    np.testing.assert_allclose(logits, jax_net.predict(x, cfg["batch_size"]), atol=1e-5)
