"""SpatialDropout1D/2D/3D, GaussianDropout, GaussianNoise, AlphaDropout and
ActivityRegularization: configs as Keras's, the identity at inference, the
right noise statistics in training."""

import json

import numpy as np
import pytest

import cornu
from cornu import ops
from cornu.layers.regularization.dropout import Dropout

from tests.helpers.layer_compare import assert_close, assert_same_config, comparable_config, mask_of, to_numpy
from tests.helpers.small_layers import CLASSES

RANDOM_LAYERS = [
    ("SpatialDropout1D", {"rate": 0.5}, (2, 3, 4)),
    ("SpatialDropout2D", {"rate": 0.3, "data_format": "channels_first", "seed": 2}, (2, 3, 4, 4)),
    ("SpatialDropout3D", {"rate": 0.3, "seed": 1}, (2, 2, 2, 2, 3)),
    ("GaussianDropout", {"rate": 0.2, "seed": 4}, (2, 5)),
    ("GaussianNoise", {"stddev": 0.1}, (2, 5)),
    ("AlphaDropout", {"rate": 0.2, "noise_shape": (None, 1), "seed": 3}, (2, 5)),
]


@pytest.mark.parametrize("name, kwargs, shape", RANDOM_LAYERS + [("ActivityRegularization", {"l1": 0.1}, (2, 5))],
                         ids=lambda v: str(v))
def test_config_matches_keras_and_round_trips(keras_ref, name, kwargs, shape):
    layer = CLASSES[name](**kwargs)
    ref = getattr(keras_ref.layers, name)(**kwargs)
    assert_same_config(layer, ref)
    clone = type(layer).from_config(json.loads(json.dumps(layer.get_config())))
    assert comparable_config(clone) == comparable_config(layer)
    symbolic = layer(cornu.Input(shape=shape[1:]))
    assert tuple(symbolic.shape) == tuple(ref(keras_ref.Input(shape=shape[1:])).shape)


@pytest.mark.parametrize("name, kwargs, shape", RANDOM_LAYERS, ids=lambda v: str(v))
def test_inference_is_the_identity(name, kwargs, shape):
    layer = CLASSES[name](**kwargs)
    x = np.random.normal(size=shape).astype("float32")
    np.testing.assert_array_equal(to_numpy(layer(x)), x)
    np.testing.assert_array_equal(to_numpy(layer(x, training=False)), x)


@pytest.mark.parametrize("name, kwargs, shape", RANDOM_LAYERS, ids=lambda v: str(v))
def test_masks_pass_through(name, kwargs, shape):
    layer = CLASSES[name](**kwargs)
    x = ops.convert_to_tensor(np.random.normal(size=shape).astype("float32"))
    mask = ops.convert_to_tensor(np.random.uniform(size=shape[:2]) > 0.5)
    cornu.backend.set_keras_mask(x, mask)
    np.testing.assert_array_equal(to_numpy(mask_of(layer(x, training=True))), to_numpy(mask))


@pytest.mark.parametrize("name, kwargs, shape, channel_axis", [
    ("SpatialDropout1D", {}, (64, 5, 8), 2),
    ("SpatialDropout2D", {}, (32, 3, 3, 16), 3),
    ("SpatialDropout2D", {"data_format": "channels_first"}, (32, 16, 3, 3), 1),
    ("SpatialDropout3D", {}, (32, 2, 2, 2, 16), 4),
    ("SpatialDropout3D", {"data_format": "channels_first"}, (32, 16, 2, 2, 2), 1),
])
def test_spatial_dropout_drops_whole_channels(name, kwargs, shape, channel_axis):
    rate = 0.4
    layer = CLASSES[name](rate, seed=7, **kwargs)
    assert isinstance(layer, Dropout)
    out = to_numpy(layer(np.ones(shape, "float32"), training=True))
    np.testing.assert_allclose(np.unique(out), [0.0, 1.0 / (1.0 - rate)], rtol=1e-6)
    spatial = tuple(a for a in range(1, len(shape)) if a != channel_axis)
    per_channel = out.max(axis=spatial)
    np.testing.assert_array_equal(out.min(axis=spatial), per_channel)  # a channel drops as a whole
    dropped = np.mean(per_channel == 0)
    assert abs(dropped - rate) < 0.08, dropped
    again = to_numpy(layer(np.ones(shape, "float32"), training=True))
    assert not np.array_equal(again, out)  # the seed generator moves on


def test_spatial_dropout_signature_and_config_match_keras(keras_ref):
    layer = CLASSES["SpatialDropout1D"](0.25, seed=3, name="sd", dtype="float32")
    ref = keras_ref.layers.SpatialDropout1D(0.25, seed=3, name="sd", dtype="float32")
    assert layer.get_config() == ref.get_config() == {"rate": 0.25, "seed": 3, "name": "sd", "dtype": "float32"}
    with pytest.raises(TypeError):
        CLASSES["SpatialDropout1D"](0.25, trainable=False)  # no **kwargs, as in Keras


def test_gaussian_noise_statistics():
    layer = CLASSES["GaussianNoise"](0.3, seed=1)
    out = to_numpy(layer(np.zeros((200, 100), "float32"), training=True))
    assert abs(out.mean()) < 0.01
    assert abs(out.std() - 0.3) < 0.01


def test_gaussian_dropout_statistics():
    rate = 0.2
    layer = CLASSES["GaussianDropout"](rate, seed=1)
    out = to_numpy(layer(np.ones((200, 100), "float32"), training=True))
    assert abs(out.mean() - 1.0) < 0.02
    assert abs(out.std() - np.sqrt(rate / (1 - rate))) < 0.02


def test_gaussian_dropout_refuses_training_with_rate_one():
    layer = CLASSES["GaussianDropout"](1.0)
    with pytest.raises(ValueError, match="rate=1"):
        layer(np.ones((2, 3), "float32"), training=True)


def test_alpha_dropout_keeps_mean_and_variance():
    rate = 0.3
    layer = CLASSES["AlphaDropout"](rate, seed=1)
    x = np.random.normal(size=(200, 100)).astype("float32")
    out = to_numpy(layer(x, training=True))
    assert abs(out.mean()) < 0.03
    assert abs(out.std() - 1.0) < 0.03
    alpha_p = -1.6732632423543772 * 1.0507009873554805
    a = ((1 - rate) * (1 + rate * alpha_p**2)) ** -0.5
    b = -a * alpha_p * rate
    dropped = np.isclose(out, a * alpha_p + b, atol=1e-5)
    np.testing.assert_allclose(out[~dropped], a * x[~dropped] + b, rtol=1e-5, atol=1e-5)
    assert abs(dropped.mean() - rate) < 0.02


def test_alpha_dropout_noise_shape_shares_the_decision():
    layer = CLASSES["AlphaDropout"](0.5, noise_shape=(None, 1), seed=2)
    out = to_numpy(layer(np.zeros((64, 6), "float32"), training=True))
    # With zero inputs, a row is constant: all kept (value b) or all dropped.
    np.testing.assert_allclose(out.max(axis=1), out.min(axis=1))
    assert 0 < len(np.unique(out.round(5))) == 2


def test_activity_regularization_adds_the_keras_loss(keras_ref):
    layer = CLASSES["ActivityRegularization"](l1=0.01, l2=0.02)
    ref = keras_ref.layers.ActivityRegularization(l1=0.01, l2=0.02)
    x = np.random.normal(size=(4, 3)).astype("float32")
    np.testing.assert_array_equal(to_numpy(layer(x)), x)
    ref(x)
    assert len(layer.losses) == len(ref.losses) == 1
    assert_close(layer.losses[0], np.asarray(ref.losses[0]))
    assert "activity_regularizer" not in layer.get_config()


@pytest.mark.parametrize("name, kwargs, match", [
    ("SpatialDropout1D", {"rate": 1.5}, "rate"),
    ("SpatialDropout2D", {"rate": -0.1}, "rate"),
    ("GaussianDropout", {"rate": 1.5}, "GaussianDropout"),
    ("GaussianNoise", {"stddev": 2.0}, "GaussianNoise"),
    ("GaussianNoise", {"stddev": -0.5}, "GaussianNoise"),
    ("AlphaDropout", {"rate": -1}, "AlphaDropout"),
])
def test_bad_arguments_raise_clear_errors(name, kwargs, match):
    with pytest.raises(ValueError, match=match):
        CLASSES[name](**kwargs)


def test_spatial_dropout_checks_the_rank():
    layer = CLASSES["SpatialDropout2D"](0.5)
    with pytest.raises(ValueError, match=f"{layer.name}.*ndim=4"):
        layer(np.ones((2, 3, 4), "float32"))


@pytest.mark.skipif(cornu.backend.backend() != "jax", reason="seeded draws equal Keras's only on JAX (same PRNG)")
@pytest.mark.parametrize("name, kwargs", [
    ("GaussianNoise", {"stddev": 0.3, "seed": 5}),
    ("GaussianDropout", {"rate": 0.3, "seed": 5}),
    ("SpatialDropout1D", {"rate": 0.5, "seed": 5}),
    ("AlphaDropout", {"rate": 0.3, "noise_shape": (None, 1, 5), "seed": 5}),
])
def test_seeded_training_noise_equals_keras_on_jax(keras_ref, name, kwargs):
    layer = CLASSES[name](**kwargs)
    ref = getattr(keras_ref.layers, name)(**kwargs)
    x = np.random.normal(size=(4, 3, 5)).astype("float32")
    for _ in range(2):  # the second call checks that the seed generators advance alike
        assert_close(layer(x, training=True), np.asarray(ref(x, training=True)), atol=1e-6, rtol=1e-6)
