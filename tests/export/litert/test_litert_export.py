"""LiteRT (``.tflite``) export, checked by running the file in the ``ai-edge-litert`` interpreter.

Runs in the JAX, torch and TensorFlow suites (the numpy backend has no LiteRT path: test_litert_numpy.py).
Each reference model (MLP, CNN, LSTM) is converted once per module (conversion takes seconds on
torch) and its file is run at several batch sizes against ``model.predict`` on the same inputs.

JAX and TensorFlow keep the batch axis dynamic (the file runs at batch 1 and 37); litert-torch 0.10 cannot,
so on torch the file has the batch size 1 and the export warns.
"""

import os
import sys
import warnings

import numpy as np
import pytest

import cornu
from cornu import layers, ops
from tests.helpers.export_models import EXPORT_CASES, build_cnn, build_lstm, build_mlp, set_deterministic_weights
from tests.helpers.requirements import require, require_installed

BACKEND = cornu.backend.backend()
pytestmark = pytest.mark.skipif(
    BACKEND not in ("jax", "torch", "tensorflow"),
    reason="LiteRT export runs on the JAX, torch and TensorFlow backends (numpy: test_litert_numpy)")

# float32 to float32 through other kernels (XNNPACK): the differences seen are below 1e-6.
ATOL = 1e-5
DYNAMIC_BATCH = BACKEND in ("jax", "tensorflow")


def _interpreter(path):
    require("ai_edge_litert", "ai-edge-litert")
    from ai_edge_litert.interpreter import Interpreter

    return Interpreter(model_path=os.fspath(path))


def _converter_available():
    if BACKEND == "jax":
        require("litert_converter", "litert-converter")
    elif BACKEND == "tensorflow":
        require("tensorflow", "tensorflow-cpu")  # TensorFlow's own converter
    else:
        require_installed("litert_torch", "litert-torch")  # imported by the exporter, which keeps jax_enable_x64


class Exported:
    """A model, its ``.tflite`` file and the warnings its export gave."""

    def __init__(self, model, path, caught):
        self.model = model
        self.path = path
        self.warnings = [str(w.message) for w in caught]
        self.interpreter = _interpreter(path)
        self.signature = self.interpreter.get_signature_list()["serving_default"]
        self.runner = self.interpreter.get_signature_runner("serving_default")

    def input_shape_signature(self):
        return list(self.interpreter.get_input_details()[0]["shape_signature"])

    def run(self, x):
        return self.runner(**{self.signature["inputs"][0]: x})


def _export(model, path, **kwargs):
    _converter_available()
    jax = sys.modules.get("jax")
    x64 = jax.config.jax_enable_x64 if jax is not None else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.export(os.fspath(path), format="litert", verbose=False, **kwargs)
    if jax is not None:  # litert-torch switches on x64; the export puts it back
        assert jax.config.jax_enable_x64 == x64
    return Exported(model, path, [w for w in caught if issubclass(w.category, UserWarning)])


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("litert")
    out = {"mlp": _export(build_mlp(seed=3), folder / "mlp.tflite")}
    for name, build in (("cnn", build_cnn), ("lstm", build_lstm)):
        model = build(seed=3)
        # On torch the dynamic attempt is known to fail (test_batch_axis covers it on the MLP): a
        # stated batch size spares the suite that second conversion.
        shape = (2,) + tuple(model.inputs[0].shape[1:])
        signature = None if DYNAMIC_BATCH else [cornu.InputSpec(shape=shape, dtype="float32")]
        out[name] = _export(model, folder / f"{name}.tflite", input_signature=signature)
    return out


def _batches(item):
    return (1, 37) if item.input_shape_signature()[0] == -1 else (item.input_shape_signature()[0],)


@pytest.mark.parametrize("name", ["mlp", "cnn", "lstm"])
def test_file_matches_predict(exported, name):
    item = exported[name]
    case = EXPORT_CASES[name]
    for batch in _batches(item):
        x = case.inputs(batch=batch, seed=batch)
        outputs = item.run(x)
        assert list(outputs) == ["output_0"]
        expected = item.model.predict(x, verbose=0)
        np.testing.assert_allclose(outputs["output_0"], expected, atol=ATOL, rtol=0)


def test_batch_axis(exported):
    item = exported["mlp"]
    if DYNAMIC_BATCH:
        assert item.input_shape_signature() == [-1, 8]
        assert item.warnings == []
    else:
        assert item.input_shape_signature() == [1, 8]
        assert any("(None, 8) -> (1, 8)" in w for w in item.warnings), item.warnings


def test_signature_names_inputs_after_the_model(exported):
    item = exported["cnn"]
    assert item.signature == {"inputs": [item.model.inputs[0]._keras_history.operation.name],
                              "outputs": ["output_0"]}


def test_two_inputs_two_outputs_and_a_stated_batch_size(tmp_path):
    case = EXPORT_CASES["multi_input_output"]
    model = case.build(seed=1)
    signature = [[cornu.InputSpec(shape=(2,) + tuple(shape), dtype=dtype) for shape, dtype, _ in case.input_kinds]]
    item = _export(model, tmp_path / "two.tflite", input_signature=signature)
    names = [tensor._keras_history.operation.name for tensor in model.inputs]  # in the model's order
    assert sorted(item.signature["inputs"]) == sorted(names)
    assert item.signature["outputs"] == ["output_0", "output_1"]
    assert [list(d["shape_signature"])[0] for d in item.interpreter.get_input_details()] == [2, 2]
    assert item.warnings == []
    x = case.inputs(batch=2, seed=4)
    outputs = item.runner(**dict(zip(names, x)))
    expected = model.predict(x, verbose=0)
    for index, want in enumerate(expected):
        np.testing.assert_allclose(outputs[f"output_{index}"], want, atol=ATOL, rtol=0)


def _cumprod_model():
    return cornu.Sequential([cornu.Input((5,)), layers.Dense(4, name="dense_in"),
                             layers.Lambda(lambda t: ops.cumprod(t, axis=1), name="running_product")])


def test_unsupported_op_names_the_layer_and_keeps_the_old_file(tmp_path):
    _converter_available()
    path = tmp_path / "model.tflite"
    path.write_bytes(b"previous file")
    signature = [cornu.InputSpec(shape=(1, 5), dtype="float32")]
    with pytest.raises(ValueError, match=r"Layer 'running_product' \(Lambda\)"):
        _cumprod_model().export(os.fspath(path), format="litert", verbose=False, input_signature=signature)
    assert path.read_bytes() == b"previous file"
    assert os.listdir(tmp_path) == ["model.tflite"]  # no temporary file left behind


@pytest.mark.skipif(BACKEND != "jax", reason="JAX only: torch exports a fixed time axis instead")
def test_rnn_over_unknown_time_steps_is_refused_with_its_name(tmp_path):
    _converter_available()
    model = build_lstm(seed=0, timesteps=None)
    with pytest.raises(ValueError, match=r"Layer 'lstm\w*' \(LSTM\) runs a loop"):
        model.export(os.fspath(tmp_path / "m.tflite"), format="litert", verbose=False)
    assert model.layers[0].unroll is False  # the export's temporary unrolling is undone


def test_a_file_that_does_not_match_the_model_is_refused(exported, tmp_path, monkeypatch):
    from cornu.export import litert

    model = build_mlp(seed=11)
    # The model's own file before its weights change: same input names and shapes, other numbers.
    wrong = _export(model, tmp_path / "before.tflite").path.read_bytes()
    set_deterministic_weights(model, 12)

    class WrongConverter:
        @staticmethod
        def export_litert(model, specs, call, **kwargs):
            return wrong, [tuple(spec.shape) for spec in specs]

    monkeypatch.setattr(litert, "_backend_exporter", lambda: WrongConverter)
    path = tmp_path / "m.tflite"
    with pytest.raises(ValueError, match="does not run like the model: output_0 differs"):
        model.export(os.fspath(path), format="litert", verbose=False)
    assert not path.exists()


def test_path_must_end_in_tflite(tmp_path):
    with pytest.raises(ValueError, match=r"\.tflite"):
        build_mlp().export(os.fspath(tmp_path / "model.bin"), format="litert")


def test_unknown_argument_is_an_error(tmp_path):
    _converter_available()
    with pytest.raises(ValueError, match="no_such_option"):
        build_mlp().export(os.fspath(tmp_path / "m.tflite"), format="litert", no_such_option=1)
