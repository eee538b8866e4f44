"""``keras.layers.Pipeline``: layers applied in order to images or dicts, ``training`` passed along,
NumPy kept on host data, inside models, and configs/``.keras`` files next to the real Keras."""

import json

import numpy as np
import pytest

import cornu
from cornu import layers

pytestmark = pytest.mark.filterwarnings("ignore:Explicitly requested dtype int64")

RNG = np.random.default_rng(21)
IMAGES = RNG.uniform(0, 255, (4, 10, 10, 3)).astype("float32")
LABELS = np.eye(4, dtype="float32")


def _np(x):
    return np.asarray(cornu.ops.convert_to_numpy(x))


def _json(config):
    return json.loads(json.dumps(config))


def _random_layers():
    return [layers.MixUp(seed=1), layers.RandomErasing(fill_value=0.0, seed=2), layers.CutMix(seed=3)]


def test_applies_the_layers_in_order_on_a_dict():
    out = layers.Pipeline(_random_layers())({"images": IMAGES, "labels": LABELS})
    expected = {"images": IMAGES, "labels": LABELS}
    for layer in _random_layers():  # fresh layers with the same seeds draw the same numbers
        expected = layer(expected)
    assert all(isinstance(v, np.ndarray) for v in out.values())  # host data stays NumPy
    for key in ("images", "labels"):
        np.testing.assert_allclose(out[key], expected[key], rtol=1e-6)
    assert not np.allclose(out["labels"], LABELS)
    np.testing.assert_allclose(out["labels"].sum(axis=1), 1.0, atol=1e-5)


def test_training_false_reaches_every_layer_and_layers_property():
    pipeline = layers.Pipeline(_random_layers())
    assert pipeline.layers[1].name.startswith("random_erasing") and len(pipeline.layers) == 3
    np.testing.assert_array_equal(pipeline(IMAGES, training=False), IMAGES)
    assert not np.array_equal(pipeline(IMAGES), IMAGES)  # Keras's default: training=True


def _deterministic(lib):
    return lib.layers.Pipeline([lib.layers.Rescaling(1 / 255.0), lib.layers.CenterCrop(6, 8),
                                lib.layers.Rescaling(2.0, offset=-1.0)], name="prep")


def test_matches_keras_on_deterministic_layers_and_configs(keras_ref):
    ours, theirs = _deterministic(cornu), _deterministic(keras_ref)
    np.testing.assert_allclose(_np(ours(IMAGES)), np.asarray(theirs(IMAGES)), rtol=1e-6, atol=1e-6)
    # Keras adds each called sub-layer's "build_config" (its input shape); the rest must be equal.
    strip = lambda config: {**config, "layers": [{k: v for k, v in c.items() if k != "build_config"}  # noqa: E731
                                                 for c in config["layers"]]}
    assert _json(strip(ours.get_config())) == _json(strip(theirs.get_config()))
    from_keras = layers.Pipeline.from_config(theirs.get_config())
    np.testing.assert_allclose(_np(from_keras(IMAGES)), np.asarray(theirs(IMAGES)), rtol=1e-6, atol=1e-6)
    to_keras = keras_ref.layers.Pipeline.from_config(_json(ours.get_config()))
    np.testing.assert_allclose(np.asarray(to_keras(IMAGES)), _np(ours(IMAGES)), rtol=1e-6, atol=1e-6)
    mixed = layers.Pipeline(_random_layers())
    assert _json(layers.Pipeline.from_config(mixed.get_config()).get_config()) == _json(mixed.get_config())
    with pytest.raises(ValueError, match="layers"):
        layers.Pipeline.from_config({"name": "p"})


def _model(lib, pipeline):
    inputs = lib.Input((10, 10, 3))
    x = lib.layers.GlobalAveragePooling2D(name="pool")(pipeline(inputs))
    return lib.Model(inputs, lib.layers.Dense(4, name="out")(x))


def test_in_a_model_predict_skips_the_random_layers_and_fit_trains():
    model = _model(cornu, layers.Pipeline([layers.RandomErasing(seed=1), layers.RandomGaussianBlur(seed=2)]))
    inputs = cornu.Input((10, 10, 3))
    plain = cornu.Model(inputs, model.get_layer("out")(model.get_layer("pool")(inputs)))
    np.testing.assert_allclose(model.predict(IMAGES, verbose=0), plain.predict(IMAGES, verbose=0), rtol=1e-5, atol=1e-5)
    if cornu.backend.backend() == "numpy":
        return
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    history = model.fit(IMAGES / 255.0, LABELS, batch_size=2, epochs=1, verbose=0)  # jitted on JAX
    assert np.all(np.isfinite(history.history["loss"]))


def test_keras_file_both_ways(keras_ref, tmp_path):
    model = _model(cornu, _deterministic(cornu))
    model.save(tmp_path / "cornu.keras")
    back = keras_ref.saving.load_model(str(tmp_path / "cornu.keras"))
    assert type(back.get_layer("prep")).__name__ == "Pipeline"
    np.testing.assert_allclose(back.predict(IMAGES, verbose=0), model.predict(IMAGES, verbose=0), rtol=1e-5, atol=1e-5)

    keras_model = _model(keras_ref, _deterministic(keras_ref))
    keras_model.save(str(tmp_path / "keras.keras"))
    loaded = cornu.saving.load_model(tmp_path / "keras.keras")
    assert isinstance(loaded.get_layer("prep"), layers.Pipeline)
    names = [type(layer).__name__ for layer in loaded.get_layer("prep").layers]
    assert names == ["Rescaling", "CenterCrop", "Rescaling"]
    np.testing.assert_allclose(loaded.predict(IMAGES, verbose=0), keras_model.predict(IMAGES, verbose=0), rtol=1e-5,
                               atol=1e-5)
