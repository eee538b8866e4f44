"""ONNX export from the torch backend (``torch.onnx``, dynamo/onnxscript), checked with onnxruntime
against ``model.predict``: dynamic batch (sizes 1 and 37) and time axes, float32 and float16,
masks, dict inputs, a subclassed model, and the errors for what cannot be exported."""

import numpy as np
import pytest

import cornu
from cornu import backend, layers, ops

from tests.helpers.onnx_check import assert_onnx_matches_predict, onnx_session
from tests.helpers.requirements import require

pytestmark = pytest.mark.skipif(backend.backend() != "torch",
                                reason="ONNX export through torch.onnx runs in the torch suite only")

RNG = np.random.default_rng(7)


def _floats(*shape, dtype="float32"):
    return RNG.normal(size=shape).astype(dtype)


@pytest.fixture(autouse=True)
def _onnx_installed():
    require("onnx")
    require("onnxscript")
    require("onnxruntime")


def _export(model, path, **kwargs):
    model.export(str(path), format="onnx", verbose=False, **kwargs)
    return path


def test_mlp_has_a_dynamic_batch_that_runs_at_1_and_37(tmp_path):
    model = cornu.Sequential([cornu.Input((5,)), layers.Dense(8, activation="relu"), layers.Dense(3)])
    path = _export(model, tmp_path / "mlp.onnx")
    session = onnx_session(path)
    assert [(i.name, i.shape) for i in session.get_inputs()] == [("input_layer", ["batch", 5])]
    assert [(o.name, o.shape) for o in session.get_outputs()] == [("output_0", ["batch", 3])]
    for batch in (1, 37):
        assert_onnx_matches_predict(model, path, _floats(batch, 5))


def test_cnn_with_batch_norm_and_pooling(tmp_path):
    model = cornu.Sequential([
        cornu.Input((10, 10, 3)), layers.Conv2D(4, 3, activation="relu"), layers.BatchNormalization(),
        layers.MaxPooling2D(), layers.Conv2D(4, 3, padding="same"), layers.GlobalAveragePooling2D(), layers.Dense(2),
    ])
    model.layers[1].moving_mean.assign(np.linspace(-0.5, 0.5, 4).astype("float32"))
    path = _export(model, tmp_path / "cnn.onnx", opset_version=18)
    assert onnx_session(path).get_inputs()[0].shape == ["batch", 10, 10, 3]
    assert_onnx_matches_predict(model, path, _floats(37, 10, 10, 3))


def test_bidirectional_gru_and_lstm_keep_a_dynamic_time_axis(tmp_path):
    # torch.onnx turns torch's fused GRU/LSTM kernels into ONNX Loops over the time axis.
    inputs = cornu.Input((None, 3))
    x = layers.Bidirectional(layers.GRU(4, return_sequences=True))(inputs)
    model = cornu.Model(inputs, layers.LSTM(3)(x))
    path = _export(model, tmp_path / "rnn.onnx")
    assert onnx_session(path).get_inputs()[0].shape == ["batch", "input_layer_dim1", 3]
    for batch, steps in ((1, 4), (37, 9)):
        assert_onnx_matches_predict(model, path, _floats(batch, steps, 3))


def test_masked_embedding_lstm(tmp_path):
    model = cornu.Sequential([cornu.Input((4,), dtype="int32"), layers.Embedding(10, 4, mask_zero=True),
                              layers.LSTM(3)])
    path = _export(model, tmp_path / "masked.onnx")
    tokens = RNG.integers(1, 10, (5, 4)).astype("int32")
    tokens[:2, 3:] = 0  # right padding
    tokens[3, 1] = 0  # a hole
    assert_onnx_matches_predict(model, path, tokens)


def test_attention_and_dict_inputs_with_two_outputs(tmp_path):
    query, value = cornu.Input((5, 8), name="query"), cornu.Input((7, 8), name="value")
    attended = layers.MultiHeadAttention(2, 4)(query, value)
    normed = layers.LayerNormalization()(attended)
    model = cornu.Model({"query": query, "value": value}, [normed, layers.GlobalAveragePooling1D()(normed)])
    path = _export(model, tmp_path / "mha.onnx")
    session = onnx_session(path)
    assert [i.name for i in session.get_inputs()] == ["query", "value"]
    assert [o.name for o in session.get_outputs()] == ["output_0", "output_1"]
    assert_onnx_matches_predict(model, path, {"query": _floats(3, 5, 8), "value": _floats(3, 7, 8)})


def test_float16_model(tmp_path):
    model = cornu.Sequential([cornu.Input((4,), dtype="float16"), layers.Dense(3, dtype="float16", activation="tanh")])
    path = _export(model, tmp_path / "half.onnx")
    session = onnx_session(path)
    assert session.get_inputs()[0].type == "tensor(float16)"
    assert_onnx_matches_predict(model, path, _floats(6, 4, dtype="float16"), atol=1e-3)


def test_subclassed_model_with_an_explicit_signature(tmp_path):
    class TwoDense(cornu.Model):
        def __init__(self):
            super().__init__()
            self.first, self.second = layers.Dense(6, activation="gelu"), layers.Dense(2)

        def call(self, x):
            return self.second(self.first(x))

    model = TwoDense()
    path = _export(model, tmp_path / "sub.onnx", input_signature=[cornu.InputSpec(shape=(1, 4), dtype="float32")])
    assert onnx_session(path).get_inputs()[0].shape == ["batch", 4]
    assert_onnx_matches_predict(model, path, _floats(37, 4))


def test_a_layer_without_onnx_mapping_is_named_and_the_old_file_kept(tmp_path):
    class SingularValues(layers.Layer):
        def call(self, x):
            return ops.linalg.svd(x, compute_uv=False)

    model = cornu.Sequential([cornu.Input((4, 4)), layers.Dense(4), SingularValues(name="spectrum")])
    target = tmp_path / "svd.onnx"
    target.write_bytes(b"previous export")
    with pytest.raises(ValueError, match=r"Layer 'spectrum' \(SingularValues\) uses the torch op `aten\._linalg_svd"):
        _export(model, target)
    assert target.read_bytes() == b"previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["svd.onnx"]


def test_a_dynamic_axis_the_model_fixes_is_an_error_not_a_fixed_file(tmp_path):
    model = cornu.Sequential([cornu.Input((None, 3)), layers.SimpleRNN(2)])
    with pytest.raises(ValueError, match=r"cannot keep axis 1 of input 'input_layer' dynamic.*input_signature"):
        _export(model, tmp_path / "rnn.onnx")
    assert not (tmp_path / "rnn.onnx").exists()
