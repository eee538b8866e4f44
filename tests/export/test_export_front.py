"""``Model.export`` and ``keras.export.ExportArchive``: Keras 3.15's signatures, the format
dispatch and its errors. Runs on every backend; nothing here needs onnx."""

import inspect
import os

import numpy as np
import pytest

import cornu
from cornu import layers
from cornu.export import export_model

from tests.helpers.requirements import import_real_keras, require


def _mlp():
    return cornu.Sequential([cornu.Input((3,)), layers.Dense(2)])


def test_model_export_has_keras_signature_and_default():
    keras = import_real_keras()
    assert inspect.signature(cornu.Model.export) == inspect.signature(keras.Model.export)
    assert inspect.signature(cornu.Model.export).parameters["format"].default == "tf_saved_model"


def test_export_archive_methods_have_keras_signatures():
    keras = import_real_keras()
    ours, theirs = cornu.export.ExportArchive, keras.export.ExportArchive
    for method in ("track", "add_endpoint", "track_and_add_endpoint", "add_variable_collection", "write_out"):
        assert inspect.signature(getattr(ours, method)) == inspect.signature(getattr(theirs, method)), method


@pytest.mark.skipif(cornu.backend.backend() == "tensorflow", reason="SavedModel export works on TensorFlow "
                    "(tests/export/test_saved_model.py)")
def test_the_default_saved_model_format_needs_the_tensorflow_backend(tmp_path):
    with pytest.raises(ValueError, match=r"SavedModel export needs the TensorFlow backend.*CORNU_BACKEND=tensorflow"
                                         r".*Received: backend="):
        _mlp().export(str(tmp_path / "saved"))
    assert not os.path.exists(tmp_path / "saved")


def test_an_unknown_format_lists_the_formats(tmp_path):
    with pytest.raises(ValueError, match=r"Supported formats are: \['onnx', 'litert', 'tfjs', 'tf_saved_model'\]"
                                         r".*Received: format='h5'"):
        _mlp().export(str(tmp_path / "m"), format="h5")
    with pytest.raises(ValueError, match=r"OpenVINO.*ONNX"):
        _mlp().export(str(tmp_path / "m"), format="openvino")


def test_each_format_has_its_module_function():
    assert set(export_model.FORMATS) == {"onnx", "litert", "tfjs", "tf_saved_model"}
    for module, function in export_model.FORMATS.values():
        assert function == f"export_{module}"


def test_onnx_options_are_checked_before_any_work(tmp_path):
    target = tmp_path / "m.onnx"
    target.write_bytes(b"previous")
    with pytest.raises(ValueError, match=r"Unrecognized arguments for ONNX export: \['opset'\]"):
        _mlp().export(str(target), format="onnx", opset=18)
    assert target.read_bytes() == b"previous"


def test_export_archive_refuses_saved_model_and_checks_its_arguments():
    if cornu.backend.backend() == "tensorflow":
        assert cornu.export.ExportArchive().format == "saved_model"
    else:
        with pytest.raises(ValueError, match=r"SavedModel export needs the TensorFlow backend"):
            cornu.export.ExportArchive()
    archive = cornu.export.ExportArchive(format="onnx")
    with pytest.raises(ValueError, match=r"Invalid resource type"):
        archive.track("not a layer")
    with pytest.raises(ValueError, match=r"not built"):
        archive.track(layers.Dense(2))
    with pytest.raises(ValueError, match=r"input_signature"):
        archive.add_endpoint("serve", lambda x: x)
    with pytest.raises(ValueError, match=r"No endpoints"):
        archive.write_out("never.onnx")
    with pytest.raises(ValueError, match=r"keras.Variable"):
        archive.add_variable_collection("v", [np.ones(2)])
    archive.add_endpoint("serve", lambda x: x, input_signature=[cornu.InputSpec(shape=(None, 3), dtype="float32")])
    with pytest.raises(ValueError, match=r"already used"):
        archive.add_endpoint("serve", lambda x: x, input_signature=[(None, 3)])


def test_a_one_model_format_takes_one_tracked_model_endpoint(tmp_path):
    archive = cornu.export.ExportArchive(format="tfjs")
    model = _mlp()
    archive.track(model)
    archive.add_endpoint("serve", lambda x: model(x), input_signature=[(None, 3)])
    with pytest.raises(ValueError, match=r"exactly one endpoint made by `track_and_add_endpoint"):
        archive.write_out(str(tmp_path / "web"))


def test_a_graph_that_only_runs_at_the_traced_size_is_refused():
    # What a backend exporter that kept a traced size inside the graph produces: the check at other
    # sizes of the dynamic axes turns it into an error instead of a file.
    onnx = require("onnx")
    require("onnxruntime")
    from cornu.export.onnx import _check_against_the_model

    helper = onnx.helper
    fixed = helper.make_tensor("fixed", onnx.TensorProto.INT64, [2], [2, 4])
    graph = helper.make_graph(
        [helper.make_node("Reshape", ["x", "fixed"], ["y"])], "traced",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, ["batch", 4])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [2, 4])], [fixed])
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    spec = cornu.InputSpec(shape=(None, 4), dtype="float32", name="x")
    with pytest.raises(ValueError, match=r"does not compute the model at other sizes.*onnxruntime could not run"):
        _check_against_the_model(proto, lambda x: (x,), [spec])
    wrong_numbers = helper.make_model(helper.make_graph(
        [helper.make_node("Neg", ["x"], ["y"])], "negated",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, ["batch", 4])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, ["batch", 4])]),
        opset_imports=[helper.make_opsetid("", 18)])
    with pytest.raises(ValueError, match=r"output 0 differs"):
        _check_against_the_model(wrong_numbers, lambda x: (x,), [spec])
    _check_against_the_model(wrong_numbers, lambda x: (-x,), [spec])  # the right numbers pass
