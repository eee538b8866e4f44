"""examples/deploy works: it trains, exports to TF.js and ONNX, and its page classifies the test
digits in headless Chromium exactly as cornu does (torch suite only, like the other browser checks)."""

import importlib.util
import json

import numpy as np
import pytest

from cornu import backend
from tests.helpers.browser import NODE_MODULES, parse_results, run_page
from tests.helpers.requirements import REPO

pytestmark = pytest.mark.skipif(backend.backend() != "torch",
                                reason="the browser checks run in the torch suite only")
EXAMPLE = REPO / "examples" / "deploy"


def _load(name):
    spec = importlib.util.spec_from_file_location(f"deploy_{name}", EXAMPLE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_deploy_page_classifies_like_cornu(tmp_path):
    out = tmp_path / "web"
    out.mkdir()
    for name in ("index.html", "app.js"):
        (out / name).write_bytes((EXAMPLE / "web" / name).read_bytes())
    _load("train_and_export").main(str(out), epochs=1, samples=6)
    serve = _load("serve")  # the page's /vendor/ URLs, as the example's server maps them
    assert set(serve.VENDOR) == {"/vendor/tfjs/", "/vendor/ort/"}
    roots = {"/vendor/tfjs/": NODE_MODULES / "@tensorflow" / "tfjs" / "dist",
             "/vendor/ort/": NODE_MODULES / "onnxruntime-web" / "dist", "/app/": out}
    results = parse_results(run_page("/app/index.html?report", roots))
    samples = json.loads((out / "samples.json").read_text())["samples"]
    assert len(results) == 2 * len(samples)
    for index, sample in enumerate(samples):
        for runtime in ("tfjs", "onnx"):
            got = results[f"{runtime}/{index}"]
            assert not isinstance(got, str), got
            np.testing.assert_allclose(got[0], sample["cornu"], atol=1e-4, rtol=0)
