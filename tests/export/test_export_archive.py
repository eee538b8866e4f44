"""``ExportArchive(format="onnx")``: endpoints written one ONNX file each, variable collections
stored as named initializers; every file is run with onnxruntime against cornu's own numbers.

Runs on every backend that has an ONNX exporter (``cornu/backend/<name>/onnx_export.py``)."""

import importlib.util
import json

import numpy as np
import pytest

import cornu
from cornu import backend, layers

from tests.helpers.onnx_check import assert_onnx_matches_predict, run_onnx
from tests.helpers.requirements import require

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec(f"cornu.backend.{backend.backend()}.onnx_export") is None,
    reason=f"the {backend.backend()} backend has no ONNX exporter (cornu/backend/{backend.backend()}/onnx_export.py)",
)

SPEC = cornu.InputSpec(shape=(None, 3), dtype="float32")


@pytest.fixture
def model():
    require("onnx")
    require("onnxruntime")
    return cornu.Sequential([cornu.Input((3,)), layers.Dense(4, activation="relu", name="hidden"),
                             layers.Dense(2, name="head")])


def test_one_endpoint_writes_one_file_with_the_chosen_opset(model, tmp_path):
    onnx = require("onnx")
    archive = cornu.export.ExportArchive(format="onnx")
    archive.track_and_add_endpoint("serve", model, [SPEC])
    path = tmp_path / "model.onnx"
    archive.write_out(str(path), options={"opset_version": 18}, verbose=False)
    assert [o.version for o in onnx.load(str(path)).opset_import if o.domain in ("", "ai.onnx")] == [18]
    x = np.random.default_rng(0).normal(size=(37, 3)).astype("float32")
    assert_onnx_matches_predict(model, path, x)
    with pytest.raises(ValueError, match=r"Unknown ONNX options \['optimize'\]"):
        archive.write_out(str(path), options={"optimize": True})


@pytest.mark.skipif(backend.backend() == "numpy", reason="the NumPy backend exports only a model's own inference "
                    "pass (it re-exports the saved model on JAX), not arbitrary endpoint functions")
def test_several_endpoints_write_a_folder_and_keep_variable_collections(model, tmp_path):
    onnx = require("onnx")
    from onnx import numpy_helper

    archive = cornu.export.ExportArchive(format="onnx")
    archive.track(model)
    archive.add_endpoint("serve", lambda x: model(x, training=False), input_signature=[SPEC])
    archive.add_endpoint("features", lambda x: model.get_layer("hidden")(x), input_signature=[SPEC])
    archive.add_variable_collection("head_weights", model.get_layer("head").weights)
    archive.write_out(str(tmp_path / "exported"), verbose=False)
    assert sorted(p.name for p in (tmp_path / "exported").iterdir()) == ["features.onnx", "serve.onnx"]

    x = np.random.default_rng(1).normal(size=(5, 3)).astype("float32")
    kernel, bias = (backend.convert_to_numpy(w.value) for w in model.get_layer("hidden").weights)
    (features,) = run_onnx(tmp_path / "exported" / "features.onnx", x)
    np.testing.assert_allclose(features, np.maximum(x @ kernel + bias, 0), atol=1e-5)
    assert_onnx_matches_predict(model, tmp_path / "exported" / "serve.onnx", x)

    proto = onnx.load(str(tmp_path / "exported" / "serve.onnx"))
    listing = json.loads({p.key: p.value for p in proto.metadata_props}["cornu.variable_collections"])
    stored = {i.name: numpy_helper.to_array(i) for i in proto.graph.initializer}
    head = model.get_layer("head").weights
    assert listing == {"head_weights": [f"head_weights/{w.path}" for w in head]}
    for weight, name in zip(head, listing["head_weights"]):
        np.testing.assert_array_equal(stored[name], backend.convert_to_numpy(weight.value))
