"""TensorFlow SavedModel export (``model.export(format="tf_saved_model")``, ``ExportArchive``),
checked by loading each folder with ``tf.saved_model.load`` and comparing with ``model.predict``.

TensorFlow backend only; on the others the format is refused (test_export_front.py and the last
test here).
"""

import os

import numpy as np
import pytest

import cornu
from cornu import layers
from tests.helpers.export_models import EXPORT_CASES, build_mlp

ON_TF = cornu.backend.backend() == "tensorflow"
tf_only = pytest.mark.skipif(not ON_TF, reason="SavedModel export runs on the TensorFlow backend only")

ATOL = 1e-6


def _tf():
    import tensorflow as tf

    return tf


def _numpy(x):
    return {k: np.asarray(v) for k, v in x.items()} if isinstance(x, dict) else np.asarray(x)


@tf_only
@pytest.mark.parametrize("name", ["mlp", "cnn", "lstm", "multi_input_output", "lstm_dynamic_time"])
def test_serve_matches_predict_at_two_batch_sizes(tmp_path, name):
    case = EXPORT_CASES[name]
    model = case.build(seed=2)
    path = os.fspath(tmp_path / name / "1")  # TF Serving's <model>/<version> layout
    model.export(path, verbose=False)
    assert {"saved_model.pb", "variables"} <= set(os.listdir(path))
    reloaded = _tf().saved_model.load(path)
    for batch in (1, 5):
        # A None axis besides the batch (the time axis) gets a size of its own at each batch size.
        shapes = [tuple(batch + 2 if d is None else d for d in shape) for shape, _, _ in case.input_kinds]
        x = case.inputs(batch=batch, seed=batch, shapes=shapes)
        got = reloaded.serve(x)
        want = model.predict(x, verbose=0)
        if isinstance(want, (list, tuple)):
            assert len(got) == len(want)
            for g, w in zip(got, want):
                np.testing.assert_allclose(np.asarray(g), w, atol=ATOL, rtol=0)
        else:
            np.testing.assert_allclose(np.asarray(got), want, atol=ATOL, rtol=0)


@tf_only
def test_serving_default_signature_has_a_dynamic_batch_and_named_inputs(tmp_path):
    model = build_mlp(seed=1)
    path = os.fspath(tmp_path / "mlp")
    model.export(path, verbose=False)
    tf = _tf()
    reloaded = tf.saved_model.load(path)
    assert set(reloaded.signatures) == {"serve", "serving_default"}
    serving = reloaded.signatures["serving_default"]
    (_, inputs) = serving.structured_input_signature
    (input_name, spec), = inputs.items()
    assert input_name == model.inputs[0]._keras_history.operation.name
    assert spec.shape.as_list() == [None, 8]
    x = np.random.default_rng(0).normal(size=(3, 8)).astype("float32")
    outputs = serving(**{input_name: tf.constant(x)})
    assert list(outputs) == ["output_0"]
    np.testing.assert_allclose(outputs["output_0"].numpy(), model.predict(x, verbose=0), atol=ATOL, rtol=0)
    # The tracked variables come back with the model's counts.
    assert len(reloaded.variables) == len(model.variables)
    assert len(reloaded.trainable_variables) == len(model.trainable_variables)


@tf_only
def test_dict_inputs_and_a_stated_signature(tmp_path):
    a, b = cornu.Input((3,), name="a"), cornu.Input((2,), name="b")
    out = layers.Dense(2)(layers.Concatenate()([a, layers.Dense(3)(b)]))
    model = cornu.Model({"a": a, "b": b}, out)
    path = os.fspath(tmp_path / "dict")
    signature = [{"a": cornu.InputSpec(shape=(None, 3), dtype="float32"),
                  "b": cornu.InputSpec(shape=(None, 2), dtype="float32")}]
    model.export(path, verbose=False, input_signature=signature)
    reloaded = _tf().saved_model.load(path)
    rng = np.random.default_rng(3)
    x = {"a": rng.normal(size=(4, 3)).astype("float32"), "b": rng.normal(size=(4, 2)).astype("float32")}
    np.testing.assert_allclose(np.asarray(reloaded.serve(x)), model.predict(x, verbose=0), atol=ATOL, rtol=0)


@tf_only
def test_export_archive_with_two_endpoints_and_a_variable_collection(tmp_path, capsys):
    tf = _tf()
    model = cornu.Sequential([cornu.Input((4,)), layers.Dense(3, activation="relu", name="hidden"),
                              layers.Dropout(0.5), layers.Dense(2, name="head")])
    scale = cornu.Variable(np.arange(3.0, dtype="float32"), name="scale")
    archive = cornu.export.ExportArchive()
    archive.track(model)
    spec = [cornu.InputSpec(shape=(None, 4), dtype="float32")]
    archive.add_endpoint("call_inference", lambda x: model(x, training=False), input_signature=spec)
    archive.add_endpoint("features", lambda x: model.layers[0](x), input_signature=spec)
    archive.add_variable_collection("my_collection", [scale])
    assert len(archive.variables) == len(model.variables) == 5  # Dropout's seed state included
    assert len(archive.trainable_variables) == 4
    path = os.fspath(tmp_path / "archive")
    archive.write_out(path)
    printed = capsys.readouterr().out
    assert f"Saved artifact at '{path}'" in printed
    assert "* Endpoint 'call_inference'" in printed and "* Endpoint 'features'" in printed

    reloaded = tf.saved_model.load(path)
    assert set(reloaded.signatures) == {"call_inference", "features", "serving_default"}
    x = np.random.default_rng(5).normal(size=(6, 4)).astype("float32")
    np.testing.assert_allclose(reloaded.call_inference(x).numpy(), model.predict(x, verbose=0), atol=ATOL, rtol=0)
    np.testing.assert_allclose(reloaded.features(x).numpy(), np.asarray(model.layers[0](x)), atol=ATOL, rtol=0)
    # serving_default is the first endpoint.
    default = reloaded.signatures["serving_default"]
    np.testing.assert_allclose(list(default(tf.constant(x)).values())[0].numpy(),
                               model.predict(x, verbose=0), atol=ATOL, rtol=0)
    assert [v.numpy().tolist() for v in reloaded.my_collection] == [[0.0, 1.0, 2.0]]
    assert len(reloaded.variables) == 5 and len(reloaded.trainable_variables) == 4


@tf_only
def test_a_traced_tf_function_is_an_endpoint_as_it_is(tmp_path):
    tf = _tf()
    model = build_mlp(seed=4)

    @tf.function
    def doubled(x):
        return 2.0 * model(x, training=False)

    x = np.random.default_rng(1).normal(size=(2, 8)).astype("float32")
    doubled(x)
    archive = cornu.export.ExportArchive(format="tf_saved_model")
    archive.add_endpoint("doubled", doubled)
    archive.write_out(os.fspath(tmp_path / "fn"), verbose=False)
    reloaded = tf.saved_model.load(os.fspath(tmp_path / "fn"))
    np.testing.assert_allclose(reloaded.doubled(x).numpy(), 2.0 * model.predict(x, verbose=0), atol=ATOL, rtol=0)


@tf_only
def test_a_previous_export_is_replaced_and_a_foreign_folder_is_refused(tmp_path):
    tf = _tf()
    path = tmp_path / "m"
    first, second = build_mlp(seed=1), build_mlp(seed=2)
    first.export(os.fspath(path), verbose=False)
    second.export(os.fspath(path), verbose=False)
    x = np.ones((1, 8), "float32")
    reloaded = tf.saved_model.load(os.fspath(path))  # kept alive: its functions read its variables
    np.testing.assert_allclose(reloaded.serve(x).numpy(), second.predict(x, verbose=0), atol=ATOL, rtol=0)
    assert sorted(os.listdir(tmp_path)) == ["m"]  # no temporary folder left behind

    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "todo.txt").write_text("keep me")
    with pytest.raises(ValueError, match=r"not part of a SavedModel \(todo.txt\)"):
        first.export(os.fspath(mine), verbose=False)
    assert os.listdir(mine) == ["todo.txt"]
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(ValueError, match="is a file"):
        first.export(os.fspath(a_file), verbose=False)


@tf_only
def test_bad_arguments_get_clear_errors(tmp_path):
    tf = _tf()
    model = build_mlp(seed=0)
    archive = cornu.export.ExportArchive()
    with pytest.raises(ValueError, match="not built yet"):
        archive.track(layers.Dense(2))
    with pytest.raises(ValueError, match="Invalid resource type"):
        archive.track("model")
    with pytest.raises(ValueError, match="pass an `input_signature`"):
        archive.add_endpoint("serve", lambda x: model(x))
    with pytest.raises(ValueError, match="one entry per positional argument"):
        archive.add_endpoint("serve", lambda x: model(x), input_signature=cornu.InputSpec(shape=(None, 8)))
    with pytest.raises(ValueError, match="never been called"):
        archive.add_endpoint("serve", tf.function(lambda x: model(x)))
    with pytest.raises(ValueError, match=r"\['jax2tf_kwargs'\] are arguments of Keras's JAX backend"):
        archive.track_and_add_endpoint("serve", model, None, jax2tf_kwargs={})
    with pytest.raises(ValueError, match="No endpoints have been set yet"):
        archive.write_out(os.fspath(tmp_path / "none"))
    with pytest.raises(ValueError, match="Python identifier"):
        archive.add_endpoint("not a name", lambda x: x, input_signature=[(None, 8)])
    archive.track_and_add_endpoint("serve", model, None)
    with pytest.raises(ValueError, match="already taken"):
        archive.add_endpoint("serve", lambda x: x, input_signature=[(None, 8)])
    with pytest.raises(ValueError, match="keras.Variable"):
        archive.add_variable_collection("extra", [np.ones(2)])
    with pytest.raises(ValueError, match="list/tuple/set"):
        archive.add_variable_collection("extra", model.variables[0])
    # A model that is not built has no known input shapes.
    with pytest.raises(ValueError, match="not been built"):
        cornu.Sequential([layers.Dense(2)]).export(os.fspath(tmp_path / "unbuilt"), verbose=False)
    # A signature that contradicts the model.
    with pytest.raises(ValueError, match="axis 1 differs"):
        model.export(os.fspath(tmp_path / "wrong"), input_signature=[cornu.InputSpec(shape=(None, 3), dtype="float32")],
                     verbose=False)
    assert not (tmp_path / "unbuilt").exists() and not (tmp_path / "wrong").exists()


@tf_only
def test_a_model_that_fails_to_trace_names_the_endpoint_and_writes_nothing(tmp_path):
    def broken(x):
        raise ValueError("this layer cannot run in a graph")

    model = build_mlp(seed=0)
    archive = cornu.export.ExportArchive()
    with pytest.raises(ValueError, match="Tracing the endpoint 'bad' with TensorFlow failed: .*cannot run"):
        archive.add_endpoint("bad", broken, input_signature=[cornu.InputSpec(shape=(None, 8), dtype="float32")])
    archive.track_and_add_endpoint("serve", model, None)
    archive.write_out(os.fspath(tmp_path / "ok"), verbose=False)
    assert not hasattr(_tf().saved_model.load(os.fspath(tmp_path / "ok")), "bad")


@pytest.mark.skipif(ON_TF, reason="the refusal on other backends")
def test_other_backends_refuse_the_saved_model_format_with_a_way_out(tmp_path):
    with pytest.raises(ValueError, match=r"needs the TensorFlow backend.*CORNU_BACKEND=tensorflow.*onnx"):
        cornu.export.ExportArchive(format="saved_model")
    with pytest.raises(ValueError, match=r"needs the TensorFlow backend"):
        build_mlp().export(os.fspath(tmp_path / "m"), format="tf_saved_model", verbose=False)
    assert not (tmp_path / "m").exists()


@tf_only
def test_a_folder_that_does_not_reload_as_the_model_is_not_written(tmp_path, monkeypatch):
    tf = _tf()
    model = build_mlp(seed=0)
    real_load = tf.saved_model.load

    class Wrong:
        def __init__(self, path):
            self._inner = real_load(path)

        def serve(self, x):
            return self._inner.serve(x) + 1.0

    monkeypatch.setattr(tf.saved_model, "load", Wrong)
    path = tmp_path / "m"
    with pytest.raises(ValueError, match=r"endpoint 'serve' reloaded .* does not compute what the model computes"):
        model.export(os.fspath(path), verbose=False)
    assert os.listdir(tmp_path) == []


@tf_only
def test_a_tracked_lookup_table_serves_with_the_model(tmp_path):
    tf = _tf()
    model = cornu.Sequential([cornu.Input((2,)), layers.Dense(1, name="head")])
    table = tf.lookup.StaticHashTable(
        tf.lookup.KeyValueTensorInitializer(tf.constant(["a", "b"]), tf.constant([1.0, 2.0])), default_value=0.0)
    archive = cornu.export.ExportArchive()
    model_fn = archive.track_and_add_endpoint("model_fn", model, [tf.TensorSpec(shape=(None, 2), dtype=tf.float32)])
    archive.track(table)

    @tf.function(input_signature=[tf.TensorSpec(shape=(None, 2), dtype=tf.string)])
    def serve(words):
        return model_fn(table.lookup(words))

    archive.add_endpoint("serve", serve)
    path = os.fspath(tmp_path / "table")
    archive.write_out(path, verbose=False)
    reloaded = tf.saved_model.load(path)
    words = tf.constant([["a", "b"], ["b", "zz"]])
    want = model.predict(np.array([[1.0, 2.0], [2.0, 0.0]], "float32"), verbose=0)
    np.testing.assert_allclose(reloaded.serve(words).numpy(), want, atol=ATOL, rtol=0)
