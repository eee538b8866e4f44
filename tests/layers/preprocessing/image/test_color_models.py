"""The colour / intensity augmentation layers inside models: no-ops in ``predict`` (AutoContrast,
deterministic, applies), random in the compiled training step (jitted on JAX), and ``.keras``
files moving both ways between cornu and the real Keras 3.15.1."""

import numpy as np
import pytest

import cornu

RNG = np.random.default_rng(21)
IMAGES = RNG.uniform(0, 255, (8, 6, 6, 3)).astype("float32")
TARGETS = RNG.normal(size=(8, 2)).astype("float32")

AUGMENTATIONS = [
    ("RandomContrast", {"factor": 0.4, "seed": 1}),
    ("RandomBrightness", {"factor": 0.2, "seed": 2}),
    ("RandomHue", {"factor": 0.3, "seed": 3}),
    ("RandomColorJitter", {"brightness_factor": 0.1, "saturation_factor": (0.4, 0.6), "seed": 4}),
    ("RandomGrayscale", {"factor": 0.5, "seed": 5}),
    ("RandomSharpness", {"factor": (0.3, 0.9), "seed": 6}),
    ("RandomColorDegeneration", {"factor": (0.0, 0.5), "seed": 7}),
    ("RandomPosterization", {"factor": (4, 8), "seed": 8}),
    ("RandomInvert", {"factor": 0.5, "seed": 9}),
    ("Solarization", {"addition_factor": 0.1, "threshold_factor": (0.5, 1.0), "seed": 10}),
    ("Equalization", {}),
    ("RandomSaturation", {"factor": (0.4, 0.6), "seed": 11}),
]


def _model(lib, with_equalization=True):
    # Keras's own Equalization cannot sit in a functional model (its output spec IS its input,
    # which Keras reports as a cycle), so the models that go to Keras leave it out.
    inputs = lib.Input((6, 6, 3))
    x = lib.layers.AutoContrast(name="auto_contrast")(inputs)
    for name, kwargs in AUGMENTATIONS:
        if name == "Equalization" and not with_equalization:
            continue
        x = getattr(lib.layers, name)(**kwargs)(x)
    x = lib.layers.Rescaling(1.0 / 255)(x)
    x = lib.layers.GlobalAveragePooling2D()(x)
    outputs = lib.layers.Dense(2, name="head")(x)
    return lib.Model(inputs, outputs)


def _head_only(model, images):
    """What the model computes when only AutoContrast touches the images."""
    stretched = cornu.layers.AutoContrast()(images)
    pooled = (stretched / 255.0).mean(axis=(1, 2))
    kernel, bias = (np.asarray(cornu.ops.convert_to_numpy(w)) for w in model.get_layer("head").weights)
    return pooled @ kernel + bias


def test_predict_leaves_images_to_auto_contrast():
    model = _model(cornu)
    np.testing.assert_allclose(model.predict(IMAGES, verbose=0), _head_only(model, IMAGES), rtol=1e-4, atol=1e-5)


@pytest.mark.requires_trainable_backend
def test_fit_draws_new_augmentations_every_step():
    model = _model(cornu)
    model.compile(optimizer="sgd", loss="mse")
    states = {layer.name: np.asarray(cornu.ops.convert_to_numpy(layer.seed_generator.state.value)).copy()
              for layer in model.layers if hasattr(layer, "seed_generator")}
    history = model.fit(IMAGES, TARGETS, batch_size=4, epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    for layer in model.layers:
        if layer.name in states:
            after = np.asarray(cornu.ops.convert_to_numpy(layer.seed_generator.state.value))
            assert after[1] > states[layer.name][1], layer.name  # advanced in the (jitted) train step
    np.testing.assert_allclose(model.predict(IMAGES, verbose=0), _head_only(model, IMAGES), rtol=1e-4, atol=1e-5)


def _configs(model):
    return [{k: v for k, v in layer.get_config().items() if k != "name"} for layer in model.layers]


def _normalized(configs):
    import json

    return json.loads(json.dumps(configs))


def test_keras_file_from_cornu_loads_in_keras(keras_ref, tmp_path):
    model = _model(cornu, with_equalization=False)
    path = str(tmp_path / "color.keras")
    model.save(path)
    loaded = keras_ref.saving.load_model(path)
    assert [type(layer).__name__ for layer in loaded.layers] == [type(layer).__name__ for layer in model.layers]
    assert _normalized(_configs(loaded)) == _normalized(_configs(model))
    np.testing.assert_allclose(np.asarray(loaded.predict(IMAGES, verbose=0)), model.predict(IMAGES, verbose=0),
                               rtol=1e-4, atol=1e-5)


def _keras_saved_model(keras_ref, tmp_path):
    model = _model(keras_ref, with_equalization=False)
    path = str(tmp_path / "color.keras")
    model.save(path)
    return model, path


def test_keras_file_from_keras_loads_in_cornu(keras_ref, tmp_path):
    model, path = _keras_saved_model(keras_ref, tmp_path)
    loaded = cornu.saving.load_model(path)
    assert [type(layer).__name__ for layer in loaded.layers] == [type(layer).__name__ for layer in model.layers]
    assert _normalized(_configs(loaded)) == _normalized(_configs(model))
    for k_weight, weight in zip(model.weights, loaded.weights):
        np.testing.assert_array_equal(np.asarray(cornu.ops.convert_to_numpy(weight)), np.asarray(k_weight))
    again = str(tmp_path / "again.keras")
    loaded.save(again)
    np.testing.assert_allclose(np.asarray(keras_ref.saving.load_model(again).predict(IMAGES, verbose=0)),
                               np.asarray(model.predict(IMAGES, verbose=0)), rtol=1e-4, atol=1e-5)


def test_keras_file_from_keras_predicts_like_keras_in_cornu(keras_ref, tmp_path):
    inputs = keras_ref.Input((6, 6, 3))
    outputs = keras_ref.layers.RandomInvert(seed=1)(keras_ref.layers.RandomContrast(0.5, seed=2)(inputs))
    model = keras_ref.Model(inputs, outputs)
    path = str(tmp_path / "small.keras")
    model.save(path)
    loaded = cornu.saving.load_model(path)
    np.testing.assert_allclose(loaded.predict(IMAGES, verbose=0), np.asarray(model.predict(IMAGES, verbose=0)),
                               rtol=1e-4, atol=1e-5)
