"""The ONNX export corpus: every model of ``tests/helpers/export_models.py`` exported from the
current backend, run by onnxruntime and compared with ``model.predict`` on the same inputs.

jax exports through jax2onnx, torch through torch.onnx, numpy through a JAX worker process; the
same test runs in each backend's suite. float32 models must agree to 1e-5 (max abs difference);
float16 models to ``_F16`` in ``export_models`` (4e-3, four float16 steps at 1.0: the runtimes
round and accumulate in different orders; 4.9e-4 is the largest difference seen). Dynamic-batch models run at batch sizes 1 and 37 from one file.

A model that one backend's exporter cannot export is listed in ``KNOWN_FAILURES`` with its exact
error: the test checks that error and reports xfail, and fails once the export works (then the
entry must go), so nothing stays hidden.
"""

import numpy as np
import pytest

from cornu import backend
from cornu import layers
from cornu import ops
import cornu
from tests.helpers.export_models import EXPORT_CASES
from tests.helpers.requirements import require

onnx = require("onnx")
onnxruntime = require("onnxruntime")
if backend.backend() in ("jax", "numpy"):
    require("jax2onnx")

# The TensorFlow backend has no ONNX exporter yet (no tf2onnx; cornu/backend/tensorflow/onnx_export.py
# is missing): its export is a clear NotImplementedError, checked by the last test.
no_onnx_exporter = pytest.mark.skipif(backend.backend() == "tensorflow",
                                      reason="the TensorFlow backend has no ONNX exporter yet")

# backend -> case -> the exact error the exporter gives today (a fix makes the test fail until removed).
KNOWN_FAILURES = {
    "jax": {},
    "numpy": {},
    "torch": {},
}

FAMILIES = {
    "Dense", "Conv1D", "Conv2D", "Conv3D", "DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose",
    "MaxPooling2D", "AveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "BatchNormalization",
    "LayerNormalization", "GroupNormalization", "Embedding", "LSTM", "GRU", "SimpleRNN", "Bidirectional",
    "masked LSTM/GRU", "MultiHeadAttention", "GroupQueryAttention", "Normalization", "Rescaling", "Resizing",
    "activations", "Functional residual", "two inputs", "float16 Dense",
}


def _session(path):
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def test_the_corpus_covers_the_layer_families():
    assert len(EXPORT_CASES) >= 20
    covered = {family for case in EXPORT_CASES.values() for family in case.families}
    assert FAMILIES <= covered, sorted(FAMILIES - covered)


@no_onnx_exporter
@pytest.mark.parametrize("name", list(EXPORT_CASES))
def test_exported_model_matches_predict(name, tmp_path):
    case = EXPORT_CASES[name]
    model = case.build(seed=3)
    path = tmp_path / f"{name}.onnx"
    known = KNOWN_FAILURES.get(backend.backend(), {}).get(name)
    if known is not None:
        # Still failing, with exactly this error (a fix makes this fail: then remove the entry).
        with pytest.raises(Exception) as info:
            model.export(str(path), format="onnx", verbose=False)
        assert f"{type(info.value).__name__}: {info.value}".startswith(known), str(info.value)
        assert not path.exists()
        pytest.xfail(known)
    model.export(str(path), format="onnx", verbose=False)

    session = _session(path)
    input_names = [i.name for i in session.get_inputs()]
    if case.dynamic_batch:
        for value in onnx.load(str(path)).graph.input:
            assert value.type.tensor_type.shape.dim[0].dim_param, f"batch axis of {value.name} is not dynamic"
    worst = 0.0
    for batch in (1, 37):
        # A model with a None time axis also runs at two lengths from the same file.
        shapes = [(3 if batch == 1 else 9,) + shape[1:] for shape, _, _ in case.input_kinds] \
            if any(None in shape for shape, _, _ in case.input_kinds) else None
        inputs = case.inputs(batch, seed=batch, shapes=shapes)
        got = session.run(None, dict(zip(input_names, _as_list(inputs))))
        expected = _as_list(model.predict(inputs, verbose=0, batch_size=64))
        assert len(got) == len(expected)
        for a, b in zip(got, expected):
            b = np.asarray(b)
            assert a.shape == b.shape and a.dtype == b.dtype, (a.shape, a.dtype, b.shape, b.dtype)
            worst = max(worst, float(np.abs(a.astype(np.float64) - b.astype(np.float64)).max()))
    print(f"{backend.backend()} {name}: max abs diff {worst:.3g}")
    assert worst <= case.atol, f"{name}: max abs difference {worst} > {case.atol}"


class LogDet(layers.Layer):
    """A layer whose op (a batched LU decomposition) has no ONNX lowering in jax2onnx."""

    def call(self, x):
        return ops.expand_dims(ops.logdet(x), -1)


@no_onnx_exporter
@pytest.mark.skipif(backend.backend() == "torch", reason="the torch exporter's errors are tested in "
                    "tests/export/test_onnx_torch.py; this checks the JAX exporter (jax and numpy suites)")
def test_an_unsupported_layer_is_named_and_no_file_is_written(tmp_path):
    inputs = cornu.Input((3, 3))
    hidden = LogDet(name="my_logdet")(inputs)
    model = cornu.Model(inputs, layers.Dense(2)(hidden))
    path = tmp_path / "model.onnx"
    with pytest.raises(ValueError) as info:
        model.export(str(path), format="onnx", verbose=False)
    message = str(info.value)
    assert "'my_logdet' (LogDet)" in message
    assert "'lu'" in message  # the JAX operation with no lowering
    assert not path.exists()


@pytest.mark.skipif(backend.backend() != "jax", reason="jax2onnx plugin selection is a JAX-backend detail")
def test_a_primitive_with_no_mapping_names_layer_and_primitive(tmp_path):
    """A JAX primitive jax2onnx has no plugin for at all (``platform_index``, which ``slogdet``
    uses on rank-2 input) gives the layer and the primitive."""

    class SignOfDeterminant(layers.Layer):
        def call(self, x):
            return ops.expand_dims(ops.slogdet(x[0])[0], 0) + 0.0 * x[:, 0, :1]

    inputs = cornu.Input((3, 3))
    model = cornu.Model(inputs, SignOfDeterminant(name="sign_det")(inputs))
    with pytest.raises(ValueError, match=r"layer 'sign_det' \(SignOfDeterminant\).*(platform_index|lu)"):
        model.export(str(tmp_path / "model.onnx"), format="onnx", verbose=False)


@pytest.mark.skipif(backend.backend() != "tensorflow", reason="the TensorFlow backend's missing ONNX exporter")
def test_tensorflow_backend_refuses_onnx_clearly_and_writes_nothing(tmp_path):
    model = EXPORT_CASES["mlp"].build(seed=0)
    path = tmp_path / "mlp.onnx"
    with pytest.raises(NotImplementedError, match=r"ONNX export is not available on the tensorflow backend.*"
                                                  r"CORNU_BACKEND"):
        model.export(str(path), format="onnx", verbose=False)
    assert not path.exists()
