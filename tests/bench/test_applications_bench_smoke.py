"""Smoke test of the applications benchmark (``bench/applications``, issue 20) at a toy size
(32x32 input, batch 2, one round): the harness draws the shared weights of ResNet50 and
MobileNetV2, and on the current backend the hand-written model and cornu's application load
them, give the same outputs and get timed once; the report computes its ratios. No timing is
asserted.

To stay cheap (well under 20 s) the weights and reference outputs come from cornu's own
``predict`` (the real benchmark takes them from Keras 3.15.1 in a subprocess, and the
applications tests compare cornu with Keras). On JAX, where every network costs seconds of XLA
compilation, only MobileNetV2's hand-written model is checked against cornu's compiled
``predict``; the torch suite runs both models, the hand-written ones and cornu's ``predict`` and
``model(x)`` through the harness."""

import os
import sys

import pytest

import cornu
from cornu.backend import config

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from bench.applications import measure, run  # noqa: E402

BACKEND = config.backend()
# The hand-written models exist for jax and torch only.
pytestmark = pytest.mark.requires_trainable_backend

# float32 round-off at this size is ~1e-7; a wrong padding or weight mapping gives >= 1e-4.
TIGHT = 1e-5
PARAMS = {"resnet50": 25_636_712, "mobilenet_v2": 3_538_984}  # Keras 3.15.1's count_params()
MODELS = ["mobilenet_v2"] if BACKEND == "jax" else list(PARAMS)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("applications_bench"))
    info = measure.prepare(path, MODELS, size=32, batch=2, library=cornu)
    assert {name: entry["params"] for name, entry in info.items()} == {name: PARAMS[name] for name in MODELS}
    return path


def _check(result, model_name, modes):
    assert result["params"] == PARAMS[model_name]
    assert set(result["modes"]) == set(modes)
    for mode, row in result["modes"].items():
        assert "error" not in row, (result["impl"], mode, row)
        assert row["max_abs_diff"] <= TIGHT, (result["impl"], mode, row["max_abs_diff"])
        assert row["images_per_s"] > 0 and row["calls"] == 1


@pytest.mark.parametrize("model_name", MODELS)
def test_the_hand_written_model_gives_cornus_outputs(workdir, model_name):
    result = measure.measure(model_name, "native", BACKEND, workdir, budget=measure.TINY_BUDGET)
    _check(result, model_name, ["forward"])


@pytest.mark.skipif(BACKEND == "jax", reason="XLA compile time: cornu's JAX path runs in the benchmark itself")
@pytest.mark.parametrize("model_name", MODELS)
def test_cornu_loads_the_weights_by_layer_name_and_the_report_has_its_ratios(workdir, model_name):
    results = {}
    for impl in ("native", "cornu"):
        result = measure.measure(model_name, impl, BACKEND, workdir, budget=measure.TINY_BUDGET, library=cornu)
        _check(result, model_name, run.MODES[impl] if impl == "cornu" else ["forward"])
        results[("1", BACKEND, model_name, impl)] = [result]
    table = run.medians(results)
    text = run.markdown(table, "header", [model_name], [BACKEND], ["1"])
    native = table[("1", BACKEND, model_name, "native", "forward")]["images_per_s"]
    predict = table[("1", BACKEND, model_name, "cornu", "predict")]["images_per_s"]
    assert f"| 1 | {BACKEND} | {model_name} | {native / predict:.2f} " in text


def test_the_report_marks_misses_and_missing_rows():
    def result(impl, **speeds):
        return [{"modes": {mode: {"images_per_s": v, "max_abs_diff": 1e-7, "match": True, "first_s": 1.0}
                           for mode, v in speeds.items()}}]

    results = {("1", "torch", "resnet50", "native"): result("native", forward=100.0),
               ("1", "torch", "resnet50", "cornu"): result("cornu", predict=95.0, call=80.0),
               ("1", "torch", "resnet50", "keras"): [{"error": "ImportError: no keras"}]}
    text = run.markdown(run.medians(results), "h", ["resnet50"], ["torch"], ["1"])
    assert "| 1 | torch | resnet50 | 1.05 ok | 1.25 MISS | — | — |" in text
    assert "unsupported: ImportError: no keras" in text
