"""AugMix and RandAugment next to the real Keras 3.15.1: the same transformation (drawn by Keras,
nested dicts of the sub-layers' transformations) gives the same images, plus configs, draws,
host data, inference no-op, a jitted model and ``.keras`` files."""

import json

import numpy as np
import optree
import pytest

import cornu
from cornu import layers
from cornu.backend.namespaces import compute_on_numpy

RNG = np.random.default_rng(8)
IMAGES = RNG.uniform(0, 255, (2, 12, 12, 3)).astype("float32")


def _np(x):
    return np.asarray(cornu.ops.convert_to_numpy(x))


def _to_cornu(tree):
    return optree.tree_map(lambda v: cornu.ops.convert_to_tensor(np.asarray(v)) if hasattr(v, "shape") else v,
                           tree, none_is_leaf=True)


def _json(layer):
    return json.loads(json.dumps({k: v for k, v in layer.get_config().items() if k != "name"}))


CASES = [
    ("AugMix", {"num_chains": 2, "chain_depth": 1, "seed": 1}),
    ("AugMix", {"num_chains": 2, "chain_depth": 2, "factor": 0.5, "alpha": 0.5, "all_ops": False, "seed": 2}),
    ("RandAugment", {"seed": 3}),
    ("RandAugment", {"num_ops": 3, "factor": (0.2, 0.7), "value_range": (0, 1), "seed": 4}),
]


@pytest.mark.parametrize("name,kwargs", CASES)
def test_same_transformation_same_images_and_config(keras_ref, name, kwargs):
    k_layer, layer = getattr(keras_ref.layers, name)(**kwargs), getattr(layers, name)(**kwargs)
    assert _json(layer) == _json(k_layer)
    high = kwargs.get("value_range", (0, 255))[1]
    images = IMAGES * (high / 255.0)
    k_layer.build(images.shape)
    k_t = k_layer.get_random_transformation(images, training=True)  # Keras runs eagerly on JAX
    expected = np.asarray(k_layer.transform_images(images, k_t))
    with compute_on_numpy():  # the same code as on the backend; eager op-by-op JAX is slow
        t = optree.tree_map(lambda v: np.asarray(v) if hasattr(v, "shape") else v, k_t, none_is_leaf=True)
        np.testing.assert_allclose(_np(layer.transform_images(images, t)), expected, rtol=1e-4, atol=2e-3 * high)


def test_transformations_have_keras_structure(keras_ref):
    with compute_on_numpy():
        augmix = layers.AugMix(seed=5).get_random_transformation(IMAGES)
        rand = layers.RandAugment(seed=5).get_random_transformation(IMAGES)
    assert sorted(augmix) == ["chain_mixing_weights", "chain_transforms", "weight_sample"]
    weights = _np(augmix["chain_mixing_weights"])
    assert weights.shape == (3,) and np.all(weights >= 0) and abs(weights.sum() - 1) < 1e-5
    assert 0 <= float(_np(augmix["weight_sample"])) <= 1
    assert len(augmix["chain_transforms"]) == 3 and all(len(chain) <= 3 for chain in augmix["chain_transforms"])
    assert sorted(rand) == ["layer_idxes", "transforms"]
    assert list(rand["transforms"]) == layers.RandAugment._AUGMENT_LAYERS
    assert layers.RandAugment._AUGMENT_LAYERS == keras_ref.layers.RandAugment._AUGMENT_LAYERS
    chosen = _np(rand["layer_idxes"])
    assert chosen.shape == (2,) and np.all((chosen >= 0) & (chosen < 11))


@pytest.mark.parametrize("name", ["AugMix", "RandAugment"])
def test_host_data_in_numpy_out_and_no_op_at_inference(name):
    layer = getattr(layers, name)(seed=6)
    out = layer(IMAGES)
    assert isinstance(out, np.ndarray) and out.shape == IMAGES.shape
    assert out.min() >= 0 and out.max() <= 255
    np.testing.assert_array_equal(layer(IMAGES, training=False), IMAGES)


def _model(lib, augmentation):
    inputs = lib.Input((12, 12, 3))
    x = lib.layers.GlobalAveragePooling2D(name="pool")(augmentation(inputs))
    return lib.Model(inputs, lib.layers.Dense(2, name="out")(x))


@pytest.mark.requires_trainable_backend
def test_in_a_model_fit_and_predict():
    model = _model(cornu, layers.RandAugment(num_ops=1, seed=7))
    inputs = cornu.Input((12, 12, 3))
    plain = cornu.Model(inputs, model.get_layer("out")(model.get_layer("pool")(inputs)))
    np.testing.assert_allclose(model.predict(IMAGES, verbose=0), plain.predict(IMAGES, verbose=0), rtol=1e-5, atol=1e-5)
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(IMAGES / 255.0, np.ones((2, 2), "float32"), batch_size=2, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_cornu_file_loads_in_keras(keras_ref, tmp_path):
    for name in ("AugMix", "RandAugment"):
        model = _model(cornu, getattr(layers, name)(factor=0.4, seed=8))
        model.save(tmp_path / f"{name}.keras")
        back = keras_ref.saving.load_model(str(tmp_path / f"{name}.keras"))
        assert _json(back.layers[1]) == _json(model.layers[1])
        np.testing.assert_allclose(back.predict(IMAGES, verbose=0), model.predict(IMAGES, verbose=0), rtol=1e-4,
                                   atol=1e-4)
        keras_model = _model(keras_ref, getattr(keras_ref.layers, name)(factor=0.4, seed=8))
        keras_model.save(str(tmp_path / f"k{name}.keras"))
        loaded = cornu.saving.load_model(tmp_path / f"k{name}.keras")
        assert type(loaded.layers[1]) is getattr(layers, name)
        assert _json(loaded.layers[1]) == _json(keras_model.layers[1])
