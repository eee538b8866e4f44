"""The layers of this folder inside a Functional model, side by side with Keras."""

import json

import numpy as np
import pytest

import cornu
from cornu.serialization.keras_objects import deserialize_keras_object, serialize_keras_object

from tests.helpers.layer_compare import assert_close, mask_of, to_numpy


def _build(lib):
    """The same graph in cornu or Keras: masks flow from Embedding through the merges."""
    L = lib.layers
    tokens = lib.Input((5,), dtype="int32", name="tokens")
    feats = lib.Input((5, 4), name="feats")
    embedded = L.LayerNormalization(name="ln")(L.Embedding(10, 4, mask_zero=True, name="emb")(tokens))
    projected = L.Dense(4, name="proj")(feats)
    summed = L.Add(name="add")([embedded, projected])
    joined = L.BatchNormalization(name="bn")(L.Concatenate(name="cat")([summed, projected]))
    halved = L.Lambda(lambda t: t * 0.5, name="half")(joined)
    scores = L.Flatten(name="flat_scores")(L.Dot(axes=(2, 2), name="dot")([halved, joined]))
    peak = L.Maximum(name="max")([L.Subtract(name="sub")([summed, projected]),
                                  L.Multiply(name="mul")([summed, projected])])
    head = L.Dense(1, name="head")(L.Flatten(name="flat")(L.Average(name="avg")([peak, projected])))
    return lib.Model([tokens, feats], [head, scores])


def _copy_by_name(keras_model, model):
    for ref_layer in keras_model.layers:
        model.get_layer(ref_layer.name).set_weights(ref_layer.get_weights())


def _data(seed=0):
    rng = np.random.default_rng(seed)
    tokens = rng.integers(1, 10, (6, 5)).astype("int32")
    tokens[:, 3:] = 0
    tokens[0, 3] = 4
    return tokens, rng.normal(size=(6, 5, 4)).astype("float32")


@pytest.fixture
def models(keras_ref):
    ref = _build(keras_ref)
    model = _build(cornu)
    _copy_by_name(ref, model)
    return model, ref


def _assert_outputs_close(outputs, expected):
    assert len(outputs) == len(expected)
    for ours, theirs in zip(outputs, expected):
        assert_close(ours, np.asarray(theirs), atol=1e-5, rtol=1e-5)


def test_structure_matches_keras(models):
    model, ref = models
    assert [layer.name for layer in model.layers] == [layer.name for layer in ref.layers]
    assert [w.name for w in model.weights] == [w.name for w in ref.weights]
    assert [tuple(t.shape) for t in model.outputs] == [tuple(t.shape) for t in ref.outputs]
    assert tuple(model.get_layer("cat").output.shape) == (None, 5, 8)
    assert model.get_layer("ln").output._keras_mask.shape == (None, 5)
    assert getattr(model.get_layer("add").output, "_keras_mask", None) is None  # "proj" has no mask


def test_inference_matches_keras(models):
    model, ref = models
    x = list(_data())
    _assert_outputs_close(model(x), ref(x))
    _assert_outputs_close(model.predict(x, verbose=0), ref.predict(x, verbose=0))


def test_masks_flow_through_the_model(keras_ref):
    tokens = cornu.Input((5,), dtype="int32")
    embedded = cornu.layers.Embedding(10, 3, mask_zero=True)(tokens)
    merged = cornu.layers.Add()([embedded, cornu.layers.LayerNormalization()(embedded)])
    model = cornu.Model(tokens, cornu.layers.BatchNormalization()(merged))
    x, _ = _data()
    np.testing.assert_array_equal(to_numpy(mask_of(model(x))), x != 0)


@pytest.mark.requires_trainable_backend
def test_training_call_matches_keras_and_updates_moving_stats(models):
    model, ref = models
    x = list(_data())
    _assert_outputs_close(model(x, training=True), ref(x, training=True))
    for ours, theirs in zip(model.get_layer("bn").non_trainable_weights, ref.get_layer("bn").non_trainable_weights):
        assert_close(ours.numpy(), np.asarray(theirs.numpy()))


@pytest.mark.requires_trainable_backend
def test_fit_matches_keras(models):
    model, ref = models
    x = list(_data())
    rng = np.random.default_rng(1)
    y = [rng.normal(size=(6, 1)).astype("float32"), rng.normal(size=(6, 25)).astype("float32")]
    model.compile(optimizer="sgd", loss="mse")
    ref.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, batch_size=3, epochs=2, shuffle=False, verbose=0)
    ref_history = ref.fit(x, y, batch_size=3, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], ref_history.history["loss"], rtol=1e-5)
    for ours, theirs in zip(model.weights, ref.weights):
        assert ours.name == theirs.name
        assert_close(ours.numpy(), np.asarray(theirs.numpy()), atol=1e-5, rtol=1e-5)


def test_config_round_trip_needs_safe_mode_off_for_the_lambda(models):
    model, _ = models
    config = json.loads(json.dumps(serialize_keras_object(model)))
    with pytest.raises(ValueError, match="safe_mode=False"):
        deserialize_keras_object(config)
    clone = deserialize_keras_object(config, safe_mode=False)
    clone.set_weights(model.get_weights())
    x = list(_data())
    _assert_outputs_close(clone(x), [to_numpy(o) for o in model(x)])


def test_keras_config_loads_in_cornu(models, keras_ref):
    model, ref = models
    config = json.loads(json.dumps(keras_ref.saving.serialize_keras_object(ref)))
    clone = deserialize_keras_object(config, safe_mode=False)
    _copy_by_name(ref, clone)
    x = list(_data())
    _assert_outputs_close(clone(x), ref(x))


def test_cornu_config_loads_in_keras(models, keras_ref):
    model, _ = models
    config = json.loads(json.dumps(serialize_keras_object(model)))
    ref = keras_ref.saving.deserialize_keras_object(config, safe_mode=False)
    for layer in model.layers:
        ref.get_layer(layer.name).set_weights(layer.get_weights())
    x = list(_data())
    _assert_outputs_close(model(x), ref(x))
