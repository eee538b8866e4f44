"""Exported models run in a real headless Chromium: TF.js (``@tensorflow/tfjs``) and ONNX
(``onnxruntime-web``, wasm) predictions must equal ``model.predict`` to 1e-4.

One page load runs every case (the MLP, CNN and LSTM of ``tests/helpers/export_models.py`` in
both formats, at batch sizes 1, 3 and 37 for the dynamic batch, and the TF.js layer zoo of
``tfjs_models.py``), so the browser starts once. It runs in the torch suite only: the files are
the same from every backend, and the browser costs a few seconds. Without Chromium the test
installs it (``scripts/setup_browser.sh``); in CI a browser that cannot start fails the test.
"""

import os

import numpy as np
import pytest

from cornu import backend
from tests.export.browser.tfjs_models import TFJS_MODELS
from tests.helpers.browser import input_payload, run_in_browser
from tests.helpers.export_models import build_cnn, build_lstm, build_mlp

pytestmark = pytest.mark.skipif(backend.backend() != "torch",
                                reason="the browser check runs in the torch suite only (the files are the same "
                                       "from every backend)")

TOLERANCE = 1e-4
REFERENCE = {
    "mlp": (build_mlp, lambda batch, seed: np.random.default_rng(seed).normal(size=(batch, 8)).astype("float32")),
    "cnn": (build_cnn, lambda batch, seed: np.random.default_rng(seed).normal(size=(batch, 16, 16, 3))
            .astype("float32")),
    "lstm": (build_lstm, lambda batch, seed: np.random.default_rng(seed).normal(size=(batch, 6, 4))
             .astype("float32")),
}
BATCHES = (1, 3, 37)


@pytest.fixture(scope="module")
def browser_run(tmp_path_factory):
    """Exports every model, runs all cases in one page load, returns (results, expected, onnx problem)."""
    root = tmp_path_factory.mktemp("exports")
    cases, expected, onnx_problem = [], {}, None
    models = {name: (build(seed=0), make) for name, (build, make) in REFERENCE.items()}
    for name, build in TFJS_MODELS.items():
        models[name] = build()
    for name, (model, make) in models.items():
        model.export(os.fspath(root / name), format="tfjs", verbose=False)
        batches = BATCHES if name in REFERENCE else (3,)
        for batch in batches:
            _add_case(cases, expected, f"tfjs/{name}/{batch}", "tfjs", f"/models/{name}/model.json", model,
                      make(batch, seed=batch))
    for name in REFERENCE:
        model, make = models[name]
        try:
            model.export(os.fspath(root / f"{name}.onnx"), format="onnx", verbose=False)
        except (ImportError, NotImplementedError) as error:  # the ONNX exporter or its packages are missing
            onnx_problem = f"{type(error).__name__}: {error}"
            break
        for batch in BATCHES:
            _add_case(cases, expected, f"onnx/{name}/{batch}", "onnx", f"/models/{name}.onnx", model,
                      make(batch, seed=batch))
    results, versions = run_in_browser(cases, {"/models/": root})
    return results, expected, onnx_problem, versions


def _add_case(cases, expected, name, runtime, url, model, x):
    outputs = model.predict(x, verbose=0)
    expected[name] = outputs if isinstance(outputs, list) else [outputs]
    cases.append({"name": name, "runtime": runtime, "url": url, "inputs": [input_payload(x)]})


def _check(results, expected, name):
    got = results[name]
    assert not isinstance(got, str), f"the browser could not run {name}: {got}"
    assert len(got) == len(expected[name])
    for browser_output, cornu_output in zip(got, expected[name]):
        cornu_output = np.asarray(cornu_output, "float64")
        assert browser_output.shape == cornu_output.shape
        assert float(np.std(cornu_output)) > 1e-3, "a constant output would prove nothing"
        np.testing.assert_allclose(browser_output, cornu_output, atol=TOLERANCE, rtol=0)


@pytest.mark.parametrize("batch", BATCHES)
@pytest.mark.parametrize("name", list(REFERENCE))
def test_tfjs_export_matches_predict_in_chromium(browser_run, name, batch):
    results, expected, _, versions = browser_run
    assert versions["tfjs"] == "4.22.0"
    _check(results, expected, f"tfjs/{name}/{batch}")


@pytest.mark.parametrize("name", list(TFJS_MODELS))
def test_tfjs_layer_zoo_matches_predict_in_chromium(browser_run, name):
    results, expected, _, _ = browser_run
    _check(results, expected, f"tfjs/{name}/3")


@pytest.mark.parametrize("batch", BATCHES)
@pytest.mark.parametrize("name", list(REFERENCE))
def test_onnx_export_matches_predict_in_onnxruntime_web(browser_run, name, batch):
    results, expected, onnx_problem, versions = browser_run
    if onnx_problem is not None:
        pytest.fail(f"ONNX export failed, so onnxruntime-web could not check it: {onnx_problem}")
    assert versions["onnxruntime-web"] == "1.31.1"
    _check(results, expected, f"onnx/{name}/{batch}")


def test_a_browser_that_cannot_start_fails_the_check(monkeypatch):
    from tests.helpers import browser

    monkeypatch.setattr(browser, "ensure_browser", lambda: "/bin/false")
    with pytest.raises(AssertionError, match="Chromium exited with status 1"):
        browser.run_in_browser([], {}, timeout=20)
