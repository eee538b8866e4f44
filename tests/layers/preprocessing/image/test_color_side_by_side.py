"""The colour / intensity augmentation layers next to the real Keras 3.15.1: both layers'
``transform_images`` on the SAME transformation (drawn by Keras), the deterministic layers on
fixed inputs, transformation keys/shapes/dtypes, configs both ways, and (on JAX, where seeded
draws are Keras's) whole seeded calls."""

import json

import numpy as np
import optree
import pytest

import cornu
from cornu import layers
from cornu.backend import config as backend_config
from cornu.backend import namespaces

RNG = np.random.default_rng(5)
IMAGES_255 = RNG.uniform(0, 255, (4, 7, 6, 3)).astype("float32")
IMAGES_1 = IMAGES_255 / 255.0

# (layer name, kwargs, images scale); every case must change its images.
RANDOM_CASES = [
    ("RandomContrast", {"factor": 0.5}, 255),
    ("RandomContrast", {"factor": (0.2, 0.8), "value_range": (0, 1)}, 1),
    ("RandomBrightness", {"factor": 0.4}, 255),
    ("RandomBrightness", {"factor": (-0.3, 0.1), "value_range": (1, 0)}, 1),
    ("RandomGrayscale", {"factor": 0.6}, 255),
    ("RandomGrayscale", {"factor": 0.6, "data_format": "channels_first"}, 255),
    ("RandomHue", {"factor": 0.8}, 255),
    ("RandomHue", {"factor": (0.3, 0.9), "value_range": (0, 1), "data_format": "channels_first"}, 1),
    ("RandomSaturation", {"factor": (0.1, 0.9)}, 255),
    ("RandomSaturation", {"factor": 0.7, "value_range": (0, 1)}, 1),
    ("RandomSaturation", {"factor": (0.2, 0.95), "data_format": "channels_first"}, 255),
    ("RandomSharpness", {"factor": (0.0, 1.0)}, 255),
    ("RandomSharpness", {"factor": 0.9, "value_range": (0, 1), "data_format": "channels_first"}, 1),
    ("RandomColorDegeneration", {"factor": (0.1, 0.9)}, 255),
    ("RandomColorDegeneration", {"factor": 0.5, "value_range": (0, 1), "data_format": "channels_first"}, 1),
    ("RandomPosterization", {"factor": (1, 8)}, 255),
    ("RandomPosterization", {"factor": 4, "value_range": (0, 1)}, 1),
    ("RandomPosterization", {"factor": (3, 3)}, 255),
    ("RandomInvert", {"factor": 0.8}, 255),
    ("RandomInvert", {"value_range": (0, 1)}, 1),
    ("Solarization", {"addition_factor": 0.3, "threshold_factor": 0.6}, 255),
    ("Solarization", {"addition_factor": (0.1, 0.2), "threshold_factor": (0.4, 0.9), "value_range": (0, 1)}, 1),
]


def _np(x):
    return np.asarray(cornu.ops.convert_to_numpy(x))


def _numpy_tree(transformation):
    return optree.tree_map(lambda v: np.asarray(v), transformation)


def _json(config):
    return json.loads(json.dumps({k: v for k, v in config.items() if k != "name"}))


def _images(scale, data_format="channels_last"):
    images = IMAGES_255 if scale == 255 else IMAGES_1
    return np.ascontiguousarray(np.moveaxis(images, -1, 1)) if data_format == "channels_first" else images


def _pair(keras_ref, name, kwargs):
    return getattr(keras_ref.layers, name)(**kwargs), getattr(layers, name)(**kwargs)


@pytest.mark.parametrize("name,kwargs,scale", RANDOM_CASES)
def test_same_transformation_same_output(keras_ref, name, kwargs, scale):
    k_layer, layer = _pair(keras_ref, name, kwargs)
    images = _images(scale, kwargs.get("data_format", "channels_last"))
    changed = False
    # Keras draws unseeded: a layer that leaves an image alone with some probability (RandomInvert
    # inverts with probability `factor`) needs a few draws before one of them changes the batch.
    for draw in range(8):
        if draw >= 2 and changed:
            break
        k_t = _numpy_tree(k_layer.get_random_transformation(images, training=True))
        expected = np.asarray(k_layer.transform_images(keras_ref.ops.convert_to_tensor(images), k_t))
        t = optree.tree_map(cornu.ops.convert_to_tensor, k_t)
        out = _np(layer.transform_images(cornu.ops.convert_to_tensor(images), t))
        np.testing.assert_allclose(out, expected, rtol=1e-5, atol=2e-4 * scale)
        # On host data (inside a data pipeline) the same math runs on NumPy.
        with namespaces.compute_on_numpy():
            host = layer.transform_images(images, k_t)
        assert isinstance(host, np.ndarray)
        np.testing.assert_allclose(host, expected, rtol=1e-5, atol=2e-4 * scale)
        changed = changed or not np.allclose(out, images)
    assert changed


@pytest.mark.parametrize("name,kwargs,scale", RANDOM_CASES)
def test_transformation_has_keras_keys_shapes_and_dtypes(keras_ref, name, kwargs, scale):
    k_layer, layer = _pair(keras_ref, name, kwargs)
    images = _images(scale, kwargs.get("data_format", "channels_last"))
    for data in (images, cornu.ops.convert_to_tensor(images), images[0]):
        k_t = _numpy_tree(k_layer.get_random_transformation(_np(data), training=True))
        t = optree.tree_map(lambda v: np.asarray(_np(v)), layer.get_random_transformation(data, training=True))
        assert optree.tree_structure(t) == optree.tree_structure(k_t)
        for k_leaf, leaf in zip(optree.tree_leaves(k_t), optree.tree_leaves(t)):
            assert leaf.shape == k_leaf.shape
            assert leaf.dtype == k_leaf.dtype


@pytest.mark.parametrize("name,kwargs,scale", RANDOM_CASES)
def test_config_matches_keras_both_ways(keras_ref, name, kwargs, scale):
    k_layer, layer = _pair(keras_ref, name, dict(kwargs, seed=7) if name != "RandomGrayscale" else kwargs)
    assert _json(layer.get_config()) == _json(k_layer.get_config())
    from_keras = getattr(layers, name).from_config(_json(k_layer.get_config()))
    assert _json(from_keras.get_config()) == _json(k_layer.get_config())
    to_keras = getattr(keras_ref.layers, name).from_config(_json(layer.get_config()))
    assert _json(to_keras.get_config()) == _json(layer.get_config())


JITTER_KWARGS = {"brightness_factor": 0.2, "contrast_factor": (0.1, 0.5), "saturation_factor": (0.3, 0.8),
                 "hue_factor": 0.3, "seed": 9}


def test_color_jitter_config_matches_keras(keras_ref):
    for kwargs in (JITTER_KWARGS, {"value_range": (0, 1), "hue_factor": 0.1}, {}):
        k_layer, layer = _pair(keras_ref, "RandomColorJitter", kwargs)
        assert _json(layer.get_config()) == _json(k_layer.get_config())
        clone = layers.RandomColorJitter.from_config(_json(k_layer.get_config()))
        assert _json(clone.get_config()) == _json(k_layer.get_config())


DETERMINISTIC_CASES = [
    ("AutoContrast", {}, 255),
    ("AutoContrast", {"value_range": (0, 1)}, 1),
    ("Equalization", {}, 255),
    ("Equalization", {"value_range": (0, 1)}, 1),
    ("Equalization", {"bins": 32}, 255),
    ("Equalization", {"data_format": "channels_first"}, 255),
    ("Solarization", {}, 255),
    ("Solarization", {"value_range": (0, 1)}, 1),
]


def _fixed_images(scale, data_format):
    # Low-contrast images (so the stretch / equalization does something) with a constant channel.
    images = 40.0 + 0.5 * _images(255, "channels_last")
    images[1, ..., 2] = 90.0
    images = images * (scale / 255.0)
    return np.ascontiguousarray(np.moveaxis(images, -1, 1)) if data_format == "channels_first" else images


def _assert_levels_close(out, expected, scale):
    """Equal to float rounding, except that Equalization may round an exact tie (k + 0.5 levels)
    the other way: XLA's float32 division lands just below the tie where NumPy/torch hit it."""
    off = np.abs(out - expected) > 2e-4 * scale
    assert off.mean() < 0.02, f"{off.sum()} values differ"
    np.testing.assert_allclose(out[off], expected[off], atol=scale / 255.0 + 1e-6)


@pytest.mark.parametrize("name,kwargs,scale", DETERMINISTIC_CASES)
def test_deterministic_layers_match_keras(keras_ref, name, kwargs, scale):
    k_layer, layer = _pair(keras_ref, name, kwargs)
    images = _fixed_images(scale, kwargs.get("data_format", "channels_last")).astype("float32")
    expected = np.asarray(k_layer(images, training=True))
    assert not np.allclose(expected, images)
    _assert_levels_close(_np(layer(cornu.ops.convert_to_tensor(images), training=True)), expected, scale)
    host = layer(images, training=True)
    assert isinstance(host, np.ndarray) and host.dtype == np.float32
    _assert_levels_close(host, expected, scale)
    _assert_levels_close(layer(images[0], training=True), np.asarray(k_layer(images[0], training=True)), scale)
    assert _json(layer.get_config()) == _json(k_layer.get_config())


def test_deterministic_layers_on_uint8_match_keras(keras_ref):
    images = _fixed_images(255, "channels_last").astype("uint8")
    for name in ("AutoContrast", "Equalization", "Solarization"):
        k_layer, layer = _pair(keras_ref, name, {})
        expected = np.asarray(k_layer(images, training=True))
        _assert_levels_close(layer(images, training=True), expected, 255)


@pytest.mark.skipif(backend_config.backend() != "jax", reason="seeded draws equal Keras's only on JAX")
@pytest.mark.parametrize("name,kwargs", [(n, k) for n, k, s in RANDOM_CASES if s == 255] +
                         [("RandomColorJitter", JITTER_KWARGS)])
def test_seeded_calls_equal_keras_on_jax(keras_ref, name, kwargs):
    kwargs = dict(kwargs, seed=11)
    k_layer, layer = _pair(keras_ref, name, kwargs)
    images = _images(255, kwargs.get("data_format", "channels_last"))
    for _ in range(2):
        expected = np.asarray(k_layer(keras_ref.ops.convert_to_tensor(images)))
        np.testing.assert_allclose(_np(layer(cornu.ops.convert_to_tensor(images))), expected, rtol=1e-5, atol=0.05)
