"""CutMix, MixUp, RandomErasing, RandomGaussianBlur and CLAHE next to the real Keras 3.15.1:
both layers' ``transform_images``/``transform_labels`` on the SAME transformation dict (drawn by
Keras), CLAHE's outputs on fixed inputs, transformation keys/shapes and configs."""

import json

import numpy as np
import optree
import pytest

import cornu
from cornu import layers

pytestmark = pytest.mark.filterwarnings("ignore:Explicitly requested dtype int64")

RNG = np.random.default_rng(3)
IMAGES = RNG.uniform(0, 255, (4, 9, 10, 3)).astype("float32")
LABELS = np.eye(4, dtype="float32")[[0, 1, 2, 3]]


def _np(x):
    return np.asarray(cornu.ops.convert_to_numpy(x))


def _to_cornu(transformation):
    return optree.tree_map(lambda v: cornu.ops.convert_to_tensor(np.asarray(v)), transformation)


def _to_numpy_tree(transformation):
    return optree.tree_map(lambda v: np.asarray(cornu.ops.convert_to_numpy(v)), transformation)


def _json(config):
    return json.loads(json.dumps({k: v for k, v in config.items() if k != "name"}))


def _pair(keras_ref, name, **kwargs):
    return getattr(keras_ref.layers, name)(**kwargs), getattr(layers, name)(**kwargs)


RANDOM_CASES = [
    ("CutMix", {"factor": 1.0, "seed": 3}, True),
    ("CutMix", {"factor": (0.2, 0.6), "seed": 4}, True),
    ("MixUp", {"alpha": 0.2, "seed": 5}, True),
    ("MixUp", {"alpha": 0.9, "seed": 6}, True),
    ("RandomErasing", {"seed": 7}, False),
    ("RandomErasing", {"factor": 0.5, "scale": (0.1, 0.5), "fill_value": 17.0, "seed": 8}, False),
    ("RandomErasing", {"fill_value": 0.25, "value_range": (0, 1), "seed": 9}, False),
    ("RandomGaussianBlur", {"seed": 10}, False),
    ("RandomGaussianBlur", {"factor": (0.3, 0.9), "kernel_size": 5, "sigma": (0.2, 0.9), "seed": 11}, False),
]


@pytest.mark.parametrize("name,kwargs,mixes_labels", RANDOM_CASES)
def test_same_transformation_same_output(keras_ref, name, kwargs, mixes_labels):
    k_layer, layer = _pair(keras_ref, name, **kwargs)
    for trial in range(2):
        k_t = k_layer.get_random_transformation({"images": IMAGES, "labels": LABELS}, training=True)
        k_images = np.asarray(k_layer.transform_images(IMAGES, k_t))
        k_labels = np.asarray(k_layer.transform_labels(LABELS, k_t))
        t = _to_cornu(_to_numpy_tree(k_t))
        images = _np(layer.transform_images(cornu.ops.convert_to_tensor(IMAGES), t))
        labels = _np(layer.transform_labels(cornu.ops.convert_to_tensor(LABELS), t))
        np.testing.assert_allclose(images, k_images, rtol=1e-5, atol=1e-3)
        np.testing.assert_allclose(labels, k_labels, rtol=1e-6, atol=1e-6)
        if mixes_labels:
            assert not np.allclose(labels, LABELS) or trial == 1  # the labels really moved at least once
        else:
            np.testing.assert_array_equal(labels, LABELS)


@pytest.mark.parametrize("name,kwargs,mixes_labels", RANDOM_CASES)
def test_transformation_has_keras_keys_and_shapes(keras_ref, name, kwargs, mixes_labels):
    k_layer, layer = _pair(keras_ref, name, **kwargs)
    k_t = _to_numpy_tree(k_layer.get_random_transformation(IMAGES, training=True))
    t = _to_numpy_tree(layer.get_random_transformation(cornu.ops.convert_to_tensor(IMAGES), training=True))
    assert sorted(t) == sorted(k_t)
    for key in k_t:
        assert t[key].shape == k_t[key].shape, key
        assert t[key].dtype.kind == k_t[key].dtype.kind, key
    assert layer.get_random_transformation(IMAGES, training=False) is None


@pytest.mark.parametrize("name,kwargs,mixes_labels", RANDOM_CASES)
def test_config_equals_keras(keras_ref, name, kwargs, mixes_labels):
    k_layer, layer = _pair(keras_ref, name, **kwargs)
    assert _json(layer.get_config()) == _json(k_layer.get_config())
    again = type(layer).from_config(layer.get_config())
    assert _json(again.get_config()) == _json(layer.get_config())
    k_again = type(k_layer).from_config(layer.get_config())
    assert _json(k_again.get_config()) == _json(k_layer.get_config())


CLAHE_CASES = [
    ({}, (2, 16, 16, 3)),
    ({"tile_grid_size": (3, 2), "clip_limit": 2.0}, (2, 13, 11, 3)),
    ({"tile_grid_size": (2, 2), "clip_limit": 0.0}, (1, 12, 9, 1)),
    ({"tile_grid_size": (2, 3), "value_range": (0, 1)}, (2, 10, 12, 3)),
    ({"tile_grid_size": (2, 2), "data_format": "channels_first"}, (2, 3, 10, 7)),
]


@pytest.mark.parametrize("kwargs,shape", CLAHE_CASES)
def test_clahe_matches_keras(keras_ref, kwargs, shape):
    name = "ContrastLimitedAdaptiveHistogramEqualization"
    k_layer, layer = _pair(keras_ref, name, **kwargs)
    high = kwargs.get("value_range", (0, 255))[1]
    x = (RNG.beta(2.0, 5.0, shape) * high).astype("float32")  # a skewed histogram to equalize
    expected = np.asarray(k_layer(x))
    np.testing.assert_allclose(_np(layer(x)), expected, rtol=1e-4, atol=1e-3 * high)
    np.testing.assert_allclose(_np(layer(cornu.ops.convert_to_tensor(x))), expected, rtol=1e-4, atol=1e-3 * high)
    np.testing.assert_allclose(_np(layer(x[0])), np.asarray(k_layer(x[0])), rtol=1e-4, atol=1e-3 * high)
    assert _json(layer.get_config()) == _json(k_layer.get_config())


def test_clahe_keeps_integer_images_integer(keras_ref):
    x = RNG.integers(0, 120, (1, 16, 16, 3)).astype("int32")
    k_out = np.asarray(keras_ref.layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2))(x))
    out = _np(layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2))(x))
    assert out.dtype == k_out.dtype == np.int32
    assert np.abs(out - k_out).max() <= 1  # float32 rounding at an integer boundary at most
    assert out.max() > x.max()  # the contrast was stretched


@pytest.mark.parametrize("name,kwargs", [
    ("RandomErasing", {"factor": 1.5}),
    ("RandomErasing", {"scale": (0.2, 0.3, 0.4)}),
    ("RandomErasing", {"fill_value": "zero"}),
    ("RandomGaussianBlur", {"kernel_size": 4}),
    ("RandomGaussianBlur", {"sigma": 2.0}),
    ("CutMix", {"factor": -0.5}),
])
def test_invalid_arguments_raise_like_keras(keras_ref, name, kwargs):
    with pytest.raises(ValueError):
        getattr(layers, name)(**kwargs)
    if name != "RandomErasing" or "fill_value" not in kwargs:  # Keras checks fill_value at call time
        with pytest.raises(ValueError):
            getattr(keras_ref.layers, name)(**kwargs)
