"""Text layers in models: .keras files both ways with Keras, the CVE-2025-12058 guard, string inputs."""

import json
import os
import zipfile

import numpy as np
import pytest

import cornu
from cornu import backend

TEXTS = np.array([["good movie great"], ["bad awful movie"], ["great fun film"], ["awful bad bad"]])
LABELS = np.array([1, 0, 1, 0], dtype="float32")


def _np(x):
    return np.asarray(backend.convert_to_numpy(x) if backend.is_tensor(x) else x)


def _text_model(keras, output_mode="int", **kwargs):
    vectorizer = keras.layers.TextVectorization(max_tokens=20, output_mode=output_mode, **kwargs)
    vectorizer.adapt(TEXTS)
    inputs = keras.Input(shape=(1,), dtype="string")
    x = vectorizer(inputs)
    if output_mode == "int":
        x = keras.layers.Embedding(20, 4)(x)
        x = keras.layers.GlobalAveragePooling1D()(x)
    outputs = keras.layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs)


def _keras_predict(model, texts):
    """Real Keras on JAX cannot feed strings through a Functional call: run its layers in turn."""
    x = texts
    for layer in model.layers[1:]:
        x = layer(x)
    return np.asarray(x)


@pytest.mark.parametrize("output_mode,kwargs", [("int", {"output_sequence_length": 5}), ("tf_idf", {})])
def test_saved_by_cornu_loads_in_keras(keras_ref, tmp_path, output_mode, kwargs):
    model = _text_model(cornu, output_mode, **kwargs)
    path = str(tmp_path / "m.keras")
    model.save(path)
    names = zipfile.ZipFile(path).namelist()
    assert "assets/layers/text_vectorization/vocabulary.txt" in names
    assert "assets/layers/text_vectorization/_lookup_layer/vocabulary.txt" in names
    loaded = keras_ref.saving.load_model(path)
    np.testing.assert_allclose(_keras_predict(loaded, TEXTS), _np(model(TEXTS)), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("output_mode,kwargs", [("int", {"output_sequence_length": 5}), ("tf_idf", {})])
def test_saved_by_keras_loads_in_cornu(keras_ref, tmp_path, output_mode, kwargs):
    model = _text_model(keras_ref, output_mode, **kwargs)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = cornu.saving.load_model(path)
    assert loaded.layers[1].get_vocabulary() == [str(t) for t in model.layers[1].get_vocabulary()]
    np.testing.assert_allclose(_np(loaded.predict(TEXTS, verbose=0)), _keras_predict(model, TEXTS), rtol=1e-5,
                               atol=1e-6)


def test_string_lookup_model_round_trip(keras_ref, tmp_path):
    lookup = cornu.layers.StringLookup(output_mode="count")
    lookup.adapt(np.array([["x", "y"], ["y", "z"]]))
    model = cornu.Sequential([cornu.Input(shape=(2,), dtype="string"), lookup])
    path = str(tmp_path / "s.keras")
    model.save(path)
    data = np.array([["y", "q"]])
    expected = _np(model(data))
    np.testing.assert_array_equal(np.asarray(keras_ref.saving.load_model(path).layers[0](data)), expected)
    np.testing.assert_array_equal(_np(cornu.saving.load_model(path)(data)), expected)


def _craft_archive(source, target, layer_index, vocabulary):
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.namelist():
            data = zin.read(item)
            if item == "config.json":
                config = json.loads(data)
                config["config"]["layers"][layer_index]["config"]["vocabulary"] = vocabulary
                data = json.dumps(config).encode()
            zout.writestr(item, data)


@pytest.mark.skipif(not os.path.exists("/etc/passwd"), reason="needs a local file to point at")
@pytest.mark.parametrize("layer", ["TextVectorization", "StringLookup"])
def test_config_naming_a_local_file_is_refused(tmp_path, layer):
    """Keras CVE-2025-12058: a model file must not make the layer read a local path or URL."""
    if layer == "TextVectorization":
        model = _text_model(cornu, output_sequence_length=5)
    else:
        lookup = cornu.layers.StringLookup(vocabulary=["a"])
        model = cornu.Sequential([cornu.Input(shape=(1,), dtype="string"), lookup])
        model = cornu.Model(model.inputs, model.outputs)
    source, crafted = str(tmp_path / "ok.keras"), str(tmp_path / "crafted.keras")
    model.save(source)
    _craft_archive(source, crafted, 1, "/etc/passwd")
    for safe_mode in (True, False):
        with pytest.raises(ValueError, match="cannot name a file for `vocabulary`"):
            cornu.saving.load_model(crafted, safe_mode=safe_mode)


def test_model_on_raw_strings_predicts_and_reloads(tmp_path):
    model = _text_model(cornu, output_sequence_length=5)
    direct = _np(model(np.array([["a b"]])))
    assert direct.shape == (1, 1)
    predicted = _np(model.predict(TEXTS, verbose=0))
    np.testing.assert_allclose(predicted, _np(model(TEXTS)), rtol=1e-6)
    path = str(tmp_path / "m.keras")
    model.save(path)
    np.testing.assert_allclose(_np(cornu.saving.load_model(path).predict(TEXTS, verbose=0)), predicted, rtol=1e-6)


@pytest.mark.requires_trainable_backend
def test_end_to_end_training_on_raw_strings(tmp_path):
    cornu.utils.set_random_seed(0)
    model = _text_model(cornu, output_sequence_length=5)
    model.compile(optimizer=cornu.optimizers.Adam(0.05), loss="binary_crossentropy")
    history = model.fit(TEXTS, LABELS, epochs=8, batch_size=2, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < losses[0]
    assert np.isfinite(model.evaluate(TEXTS, LABELS, verbose=0))
    path = str(tmp_path / "trained.keras")
    model.save(path)
    loaded = cornu.saving.load_model(path)
    np.testing.assert_allclose(_np(loaded.predict(TEXTS, verbose=0)), _np(model.predict(TEXTS, verbose=0)),
                               rtol=1e-5, atol=1e-6)
