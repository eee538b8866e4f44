"""``keras.layers.TFSMLayer``: a SavedModel written by ``model.export`` / ``ExportArchive`` reloaded
as a layer, alone and inside a new cornu model (TensorFlow backend); elsewhere the constructor
explains that it needs TensorFlow."""

import inspect
import json
import os

import numpy as np
import pytest

import cornu
from cornu import layers

from tests.helpers.export_models import build_mlp
from tests.helpers.requirements import fixture_path

ON_TF = cornu.backend.backend() == "tensorflow"
tf_only = pytest.mark.skipif(not ON_TF, reason="TFSMLayer reloads SavedModels on the TensorFlow backend only")

ATOL = 1e-6


def _x(batch=3, features=8, seed=0):
    return np.random.default_rng(seed).normal(size=(batch, features)).astype("float32")


@pytest.fixture
def exported(tmp_path):
    model = build_mlp(seed=7)
    path = os.fspath(tmp_path / "mlp")
    model.export(path, verbose=False)
    return model, path


def test_constructor_signature_matches_keras():
    with open(fixture_path("keras3_api_signatures.json")) as f:
        reference = json.load(f)["layers"]["TFSMLayer"]["sig"]
    ours = [[p.name, p.kind.name, None if p.default is inspect.Parameter.empty else repr(p.default)]
            for p in inspect.signature(layers.TFSMLayer.__init__).parameters.values()]
    assert ours == reference


@pytest.mark.skipif(ON_TF, reason="the refusal on other backends")
def test_other_backends_explain_that_it_needs_tensorflow(tmp_path):
    with pytest.raises(NotImplementedError, match=r"only works with the TensorFlow backend.*CORNU_BACKEND=tensorflow"):
        layers.TFSMLayer(os.fspath(tmp_path / "anything"))


@tf_only
def test_round_trip_gives_the_model_outputs_and_its_weights(exported):
    model, path = exported
    layer = layers.TFSMLayer(path)
    x = _x()
    np.testing.assert_allclose(np.asarray(layer(x)), model.predict(x, verbose=0), atol=ATOL, rtol=0)
    assert len(layer.weights) == len(model.weights)
    assert len(layer.trainable_weights) == len(model.trainable_weights)
    assert len(layer.non_trainable_weights) == len(model.non_trainable_weights)
    assert all(isinstance(w, cornu.Variable) for w in layer.weights)
    # The weights are the variables the reloaded function reads: changing one changes the output.
    layer.weights[0].assign(np.zeros(tuple(layer.weights[0].shape), "float32"))
    assert not np.allclose(np.asarray(layer(x)), model.predict(x, verbose=0), atol=1e-3)


@tf_only
def test_serving_default_endpoint_returns_the_signature_dict(exported):
    model, path = exported
    layer = layers.TFSMLayer(path, call_endpoint="serving_default")
    x = _x()
    outputs = layer(x)
    assert list(outputs) == ["output_0"]
    np.testing.assert_allclose(np.asarray(outputs["output_0"]), model.predict(x, verbose=0), atol=ATOL, rtol=0)


@tf_only
def test_inside_a_new_model_it_predicts_and_trains(exported):
    import tensorflow as tf

    model, path = exported
    reloaded = layers.TFSMLayer(path, name="reloaded")
    inputs = cornu.Input((8,))
    head = layers.Dense(1, name="head")
    outer = cornu.Model(inputs, head(reloaded(inputs)))
    x = _x(batch=5, seed=1)
    want = np.asarray(head(model.predict(x, verbose=0)))
    np.testing.assert_allclose(outer.predict(x, verbose=0), want, atol=1e-5, rtol=0)
    # Gradients reach the reloaded variables: one SGD step moves them.
    before = [w.numpy().copy() for w in reloaded.trainable_weights]
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(outer(x, training=True)))
    grads = tape.gradient(loss, [w.value for w in reloaded.trainable_weights])
    assert all(g is not None for g in grads)
    for weight, grad in zip(reloaded.trainable_weights, grads):
        weight.assign(weight.value - 0.1 * grad)
    assert any(not np.allclose(b, w.numpy()) for b, w in zip(before, reloaded.trainable_weights))
    outer.compile(optimizer="sgd", loss="mse")
    history = outer.fit(x, np.ones((5, 1), "float32"), epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


@tf_only
def test_training_endpoint_runs_when_training(tmp_path):
    import tensorflow as tf

    cornu.utils.set_random_seed(1337)
    model = cornu.Sequential([cornu.Input((10,)), layers.Dense(10), layers.Dropout(0.99999)])
    archive = cornu.export.ExportArchive()
    archive.track(model)
    spec = [tf.TensorSpec(shape=(None, 10), dtype=tf.float32)]
    archive.add_endpoint("call_inference", lambda x: model(x, training=False), input_signature=spec)
    archive.add_endpoint("call_training", lambda x: model(x, training=True), input_signature=spec)
    path = os.fspath(tmp_path / "dropout")
    archive.write_out(path, verbose=False)
    layer = layers.TFSMLayer(path, call_endpoint="call_inference", call_training_endpoint="call_training")
    x = _x(batch=1, features=10)
    assert np.abs(np.asarray(layer(x, training=True))).max() < 1e-3  # nearly everything dropped
    np.testing.assert_allclose(np.asarray(layer(x, training=False)), np.asarray(model(x, training=False)),
                               atol=ATOL, rtol=0)


@tf_only
def test_config_needs_unsafe_mode_and_a_model_file_needs_custom_objects(exported, tmp_path):
    model, path = exported
    layer = layers.TFSMLayer(path)
    config = layer.get_config()
    assert {k: config[k] for k in ("filepath", "call_endpoint", "call_training_endpoint")} == {
        "filepath": path, "call_endpoint": "serve", "call_training_endpoint": None}
    with pytest.raises(ValueError, match="arbitrary code execution"):
        layers.TFSMLayer.from_config(config)
    again = layers.TFSMLayer.from_config(config, safe_mode=False)
    x = _x()
    np.testing.assert_allclose(np.asarray(again(x)), model.predict(x, verbose=0), atol=ATOL, rtol=0)

    wrapper = cornu.Sequential([cornu.Input((8,)), layer])
    keras_file = os.fspath(tmp_path / "wrapper.keras")
    wrapper.save(keras_file)
    # A config never loads a SavedModel by name, in safe or unsafe mode.
    with pytest.raises(TypeError, match="Could not locate class"):
        cornu.saving.load_model(keras_file, safe_mode=False)
    with pytest.raises(ValueError, match="arbitrary code execution"):
        cornu.saving.load_model(keras_file, custom_objects={"TFSMLayer": layers.TFSMLayer})
    loaded = cornu.saving.load_model(keras_file, custom_objects={"TFSMLayer": layers.TFSMLayer}, safe_mode=False)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), wrapper.predict(x, verbose=0), atol=ATOL, rtol=0)


@tf_only
def test_unknown_endpoints_list_the_available_ones(exported):
    _, path = exported
    with pytest.raises(ValueError, match=r"The endpoint 'wrong'.*\['serve', 'serving_default'\]"):
        layers.TFSMLayer(path, call_endpoint="wrong")
    with pytest.raises(ValueError, match=r"The endpoint 'wrong'.*call_training_endpoint='wrong'"):
        layers.TFSMLayer(path, call_endpoint="serve", call_training_endpoint="wrong")


_KERAS_SIDE = """
import sys
import numpy as np
import keras

ours, theirs, folder = sys.argv[1], sys.argv[2], sys.argv[3]
x = np.load(folder + "/x.npy")
# Keras reloads cornu's SavedModel.
np.save(folder + "/keras_on_ours.npy", np.asarray(keras.layers.TFSMLayer(ours)(x)))
# Keras writes its own, for cornu to reload.
keras.utils.set_random_seed(3)
model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(5, activation="tanh"), keras.layers.Dense(2)])
model.export(theirs, verbose=False)
np.save(folder + "/keras_predictions.npy", model.predict(x, verbose=0))
"""


@tf_only
def test_savedmodels_move_between_keras_and_cornu(exported, tmp_path):
    import subprocess
    import sys

    model, ours = exported
    theirs = os.fspath(tmp_path / "from_keras")
    x = _x(batch=4, seed=9)
    np.save(tmp_path / "x.npy", x)
    env = dict(os.environ, KERAS_BACKEND="tensorflow")
    env.pop("CORNU_BACKEND", None)
    done = subprocess.run([sys.executable, "-c", _KERAS_SIDE, ours, theirs, os.fspath(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    np.testing.assert_allclose(np.load(tmp_path / "keras_on_ours.npy"), model.predict(x, verbose=0),
                               atol=ATOL, rtol=0)
    reloaded = layers.TFSMLayer(theirs)
    np.testing.assert_allclose(np.asarray(reloaded(x)), np.load(tmp_path / "keras_predictions.npy"),
                               atol=ATOL, rtol=0)
    assert len(reloaded.trainable_weights) == 4
