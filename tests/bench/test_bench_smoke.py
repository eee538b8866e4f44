"""Smoke test of the benchmark suite (bench/): every workload takes
one tiny training step on the current backend and has as many trainable parameters as the
hand-written model of that backend; the per-configuration harness runs cornu and the
hand-written MLP and reports a failing configuration as "unsupported" instead of crashing;
the report formats. No timing is asserted (the machine is shared); on JAX most of the time
is compilation, so the native models other than the MLP only build here."""

import os
import sys

import numpy as np
import pytest

import cornu
from cornu.backend import config

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from bench import measure, report  # noqa: E402
from bench.workloads import WORKLOADS, common  # noqa: E402

BACKEND = config.backend()
pytestmark = pytest.mark.requires_trainable_backend


def _native_module():
    if BACKEND == "jax":
        from bench.native import jax_models

        return jax_models
    if BACKEND == "tensorflow":
        from bench.native import tf_models

        return tf_models
    from bench.native import torch_models

    return torch_models


# The MLP runs through the whole harness in test_measure_runs_a_tiny_configuration below.
@pytest.mark.parametrize("workload", sorted(set(WORKLOADS) - {"mlp"}))
def test_workload_takes_one_step_and_has_the_native_model_size(workload):
    wl = WORKLOADS[workload]
    cfg = wl.TINY
    x, y = wl.data(cfg, cfg["batch_size"], np.random.default_rng(0))
    model = common.compile_model(cornu, wl.build(cornu, cfg))
    history = model.fit(x, y, batch_size=cfg["batch_size"], epochs=1, verbose=0, shuffle=False)
    assert np.isfinite(history.history["loss"][0])

    net = _native_module().make(workload, cfg, seed=0)
    cornu_params = sum(int(np.prod(v.shape)) for v in model.trainable_weights)
    assert net.num_trainable_params() == cornu_params


@pytest.mark.parametrize("impl", ["cornu", "native"])
def test_measure_runs_a_tiny_configuration(impl):
    result = measure.measure("mlp", impl, BACKEND, tiny=True)
    assert result["status"] == "ok", result.get("traceback")
    for key in ("step_ms", "build_s", "first_epoch_s", "samples_per_s", "predict_samples_per_s",
                "latency_ms", "peak_rss_mb", "final_loss"):
        assert result[key] > 0, key
    assert result["errors"] == {}
    assert result["trainable_params"] == 12 * 8 + 8 + 8 * 8 + 8 + 8 * 3 + 3


def test_measure_reports_a_failing_configuration_as_unsupported(monkeypatch):
    def broken_build(keras, cfg):
        raise NotImplementedError("no such layer\nsecond line")

    monkeypatch.setattr(WORKLOADS["mlp"], "build", broken_build)
    result = measure.measure("mlp", "cornu", BACKEND, tiny=True)
    assert result["status"] == "unsupported"
    assert result["error"] == "NotImplementedError: no such layer"
    assert "step_ms" not in result


def test_report_tables_have_medians_ratios_and_unsupported_rows():
    runs = [
        {"workload": "mlp", "backend": "torch", "impl": impl, "status": "ok", "step_ms": step,
         "samples_per_s": 128 / step * 1e3, "first_epoch_s": 1.0, "predict_samples_per_s": 1e4,
         "latency_ms": 0.1, "peak_rss_mb": 300.0}
        for impl, step in [("cornu", 4.0), ("cornu", 6.0), ("cornu", 5.0), ("keras", 10.0), ("native", 4.0)]
    ] + [{"workload": "lstm", "backend": "torch", "impl": "cornu", "status": "unsupported",
          "error": "AttributeError: no LSTM"}]
    summary = report.summarize(runs)
    cornu_mlp = next(r for r in summary if r["workload"] == "mlp" and r["impl"] == "cornu")
    assert cornu_mlp["step_ms"] == 5.0 and cornu_mlp["ok_runs"] == 3
    (mlp_ratios,) = [r for r in report.ratios(summary) if r["workload"] == "mlp"]
    assert mlp_ratios["step cornu/native"]["value"] == pytest.approx(1.25)
    assert not mlp_ratios["step cornu/native"]["met"]
    assert mlp_ratios["step cornu/keras"] == {"value": 0.5, "target": pytest.approx(1 / 1.5), "met": True}
    text = report.markdown(summary, {"cpu": "test cpu", "cores": 2})
    assert "| mlp | torch | cornu | 5.00 (4.00-6.00) |" in text
    assert "| lstm | torch | cornu | unsupported: AttributeError: no LSTM |" in text
    assert "1.25 MISS" in text and "0.50 ok" in text


@pytest.mark.skipif(BACKEND != "torch", reason="the phase breakdown compares torch steps")
def test_phase_breakdown_runs_both_steps():
    from bench import phases
    from bench.workloads import mlp

    out = phases.main(rounds=2, steps=2, cfg=mlp.TINY)
    assert set(out) == {"cornu", "native"}
    assert all(len(v) == len(phases.PHASES) and all(t > 0 for t in v) for v in out.values())
