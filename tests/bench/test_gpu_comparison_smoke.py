"""The GPU comparison of issue 22 (``bench/gpu``) at toy sizes on the CPU: every workload
builds and trains on cornu and in the hand-written code of the current backend, the models
are the same size on both sides, and the report computes the ratios."""

import math
import os
import sys

import pytest

from cornu.backend import config

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from bench.gpu import configs, keras_models, measure_one, run_gpu_comparison  # noqa: E402

pytestmark = pytest.mark.requires_trainable_backend


@pytest.mark.parametrize("workload", configs.WORKLOADS)
def test_cornu_and_the_hand_written_model_train_at_toy_size(workload):
    backend = config.backend()
    rows = [measure_one.measure(workload, impl, "tiny", steps=2, backend=backend)
            for impl in ("native", "cornu")]
    for row in rows:
        assert row["status"] == "ok" and row["step_ms"] > 0 and row["backend"] == backend
    if workload in ("gpt", "resnet50"):
        # Same architecture on both sides: the trainable parameter counts agree exactly.
        assert rows[0]["trainable_params"] == rows[1]["trainable_params"]
    if workload == "gpt":
        assert rows[1]["tflops"] > 0
    [native, cornu] = run_gpu_comparison.ratios(rows)
    assert native["vs_native"] == 1.0
    assert cornu["vs_native"] == pytest.approx(cornu["step_ms"] / native["step_ms"])


@pytest.mark.skipif(config.backend() != "torch", reason="a parameter count: checked once, in the torch suite")
def test_the_resnet_has_keras_resnet50s_layout_at_full_size():
    import cornu
    model = keras_models.resnet50(cornu, configs.size("resnet50", "full"))
    # keras.applications.ResNet50(weights=None): 25,636,712 parameters, 53,120 of them the
    # batch-normalization moving statistics.
    assert model.count_params() == 25_636_712
    assert sum(math.prod(w.shape) for w in model.non_trainable_weights) == 53_120


def test_the_plan_and_the_report():
    runs = run_gpu_comparison.plan(["gpt"], ["jax", "torch"], measure_one.IMPLS)
    assert runs[0] == ("gpt", "jax", "native")
    assert ("gpt", "jax", "cornu_compiled") not in runs
    assert ("gpt", "torch", "cornu_compiled") in runs
    rows = run_gpu_comparison.ratios([
        {"workload": "gpt", "backend": "torch", "impl": "native", "status": "ok", "step_ms": 10.0},
        {"workload": "gpt", "backend": "torch", "impl": "cornu", "status": "ok", "step_ms": 9.0,
         "device": "NVIDIA H100", "tflops": 300.0, "mfu": 0.3},
        {"workload": "gpt", "backend": "torch", "impl": "keras", "status": "failed: x"}])
    table = run_gpu_comparison.markdown(rows, 12.0)
    assert "| gpt | torch | cornu | 9.00 | 0.900 |" in table
    assert "| gpt | torch | keras |  |  |" in table
    assert "NVIDIA H100" in table
