"""The TensorFlow backend's export modules (``saved_model_export.py``, ``litert_export.py``) on
their own: what the SavedModel root holds, dynamic axes in LiteRT files, layer-named errors and
converter settings. The user-level tests are tests/export/test_saved_model.py, tests/export/litert/
and tests/layers/interop/test_tfsm_layer.py."""

import os

import numpy as np
import pytest

import cornu
from cornu import backend, layers
from tests.helpers.export_models import build_lstm, build_mlp

pytestmark = pytest.mark.skipif(backend.backend() != "tensorflow", reason="TensorFlow backend only")

ATOL = 1e-5


def _modules():
    from cornu.backend.tensorflow import litert_export, saved_model_export

    return saved_model_export, litert_export


def test_writer_saves_only_what_the_endpoints_read_plus_tracked_variables(tmp_path):
    import tensorflow as tf

    saved_model_export, _ = _modules()
    model = build_mlp(seed=0)
    unused = cornu.Variable(np.ones((2,), "float32"), name="unused")
    writer = saved_model_export.SavedModelWriter()
    spec = cornu.InputSpec(shape=(None, 8), dtype="float32", name="x")
    writer.add_endpoint("serve", lambda x: model(x, training=False), [spec])
    trainable, non_trainable = saved_model_export.variables_read_by([writer.root.serve])
    assert {id(v) for v in trainable} == {id(v.value) for v in model.trainable_variables}
    path = os.fspath(tmp_path / "sm")
    writer.write(path)
    reloaded = tf.saved_model.load(path)
    assert len(reloaded.variables) == 0  # nothing tracked explicitly
    assert len(reloaded._all_variables) == len(trainable) + len(non_trainable)
    assert unused.value.numpy().tolist() == [1.0, 1.0]


def test_adopted_variables_are_the_same_tf_variables():
    import tensorflow as tf

    saved_model_export, _ = _modules()
    held = tf.Variable(np.arange(3.0, dtype="float32"), trainable=False, name="counts")
    adopted = saved_model_export.adopt_variable(held, "counts")
    assert adopted.value is held and adopted.trainable is False and adopted.dtype == "float32"
    adopted.assign(np.zeros(3, "float32"))
    assert held.numpy().tolist() == [0.0, 0.0, 0.0]


def test_litert_keeps_an_unknown_time_axis_dynamic(tmp_path):
    from ai_edge_litert.interpreter import Interpreter

    model = build_lstm(seed=1, timesteps=None)
    path = os.fspath(tmp_path / "lstm.tflite")
    model.export(path, format="litert", verbose=False)
    interpreter = Interpreter(model_path=path)
    assert list(interpreter.get_input_details()[0]["shape_signature"]) == [-1, -1, 4]
    runner = interpreter.get_signature_runner("serving_default")
    (name,) = interpreter.get_signature_list()["serving_default"]["inputs"]
    for batch, steps in ((1, 3), (4, 9)):
        x = np.random.default_rng(steps).normal(size=(batch, steps, 4)).astype("float32")
        np.testing.assert_allclose(runner(**{name: x})["output_0"], model.predict(x, verbose=0), atol=ATOL, rtol=0)


def test_layer_scopes_put_each_call_back():
    _, litert_export = _modules()
    model = build_mlp(seed=0)
    before = {id(layer): "call" in vars(layer) for layer in model._flatten_layers()}
    with litert_export.layer_scopes(model) as scopes:
        assert set(scopes.values()) >= set(model.layers)
    assert {id(layer): "call" in vars(layer) for layer in model._flatten_layers()} == before


def test_converter_settings_pass_through_and_unknown_ones_are_refused(tmp_path):
    import tensorflow as tf

    model = build_mlp(seed=2)
    path = os.fspath(tmp_path / "m.tflite")
    with pytest.raises(ValueError, match=r"\['target_spec.no_such'\]"):
        model.export(path, format="litert", verbose=False, target_spec={"no_such": 1})
    assert not os.path.exists(path)
    # Flex ops allowed: the Cumprod the built-ins lack converts (the plain runtime cannot run it,
    # so the file check refuses it: never a file that does not run).
    lambda_model = cornu.Sequential([cornu.Input((5,)), layers.Lambda(lambda t: cornu.ops.cumprod(t, axis=1))])
    select = {"supported_ops": [tf.lite.OpsSet.TFLITE_BUILTINS, tf.lite.OpsSet.SELECT_TF_OPS]}
    with pytest.raises(ValueError, match="does not run like the model"):
        lambda_model.export(path, format="litert", verbose=False, target_spec=select)
    assert not os.path.exists(path)


def test_gru_and_simple_rnn_over_a_dynamic_batch_export_unrolled(tmp_path):
    from ai_edge_litert.interpreter import Interpreter

    from tests.helpers.export_models import EXPORT_CASES

    case = EXPORT_CASES["gru_simple_rnn"]
    model = case.build(seed=4)
    path = os.fspath(tmp_path / "gru.tflite")
    model.export(path, format="litert", verbose=False)
    interpreter = Interpreter(model_path=path)
    assert interpreter.get_input_details()[0]["shape_signature"][0] == -1
    runner = interpreter.get_signature_runner("serving_default")
    (name,) = interpreter.get_signature_list()["serving_default"]["inputs"]
    for batch in (1, 6):
        x = case.inputs(batch, seed=batch)
        np.testing.assert_allclose(runner(**{name: x})["output_0"], model.predict(x, verbose=0), atol=ATOL, rtol=0)
    assert all(layer.unroll is False for layer in model.layers if hasattr(layer, "unroll"))


def test_a_dtype_without_a_kernel_names_the_layer_and_the_typed_op(tmp_path):
    from tests.helpers.export_models import EXPORT_CASES

    model = EXPORT_CASES["mlp_float16"].build(seed=0)
    with pytest.raises(ValueError, match=r"Layer 'dense\w*' \(Dense\) uses the TensorFlow op `MatMul`.*xf16"):
        model.export(os.fspath(tmp_path / "f16.tflite"), format="litert", verbose=False)
