"""Convolution weights beyond the forward pass: regularization losses, LoRA, saving, models."""

import numpy as np
import pytest

import cornu
from cornu.layers import convolutional as conv
from cornu.layers import pooling

from tests.helpers.layer_compare import (assert_close, assert_same_config, assert_same_weights_layout, copy_weights,
                                         randomize_keras_weights, to_numpy)


def _pair(keras_ref, class_name, *args, **kwargs):
    return getattr(conv, class_name)(*args, **kwargs), getattr(keras_ref.layers, class_name)(*args, **kwargs)


@pytest.mark.parametrize("class_name, args, kwargs", [
    ("Conv2D", (4, 3), dict(kernel_regularizer="l2", bias_regularizer="l2", activity_regularizer="l2",
                            kernel_initializer="zeros")),
    ("SeparableConv1D", (3, 2), dict(depthwise_regularizer="l2", pointwise_regularizer="l2",
                                     depthwise_initializer="zeros", pointwise_initializer="zeros")),
    ("DepthwiseConv2D", (2,), dict(depthwise_regularizer="l2", bias_regularizer="l2", depthwise_initializer="zeros")),
    ("Conv2DTranspose", (3, 2), dict(kernel_regularizer="l2", activity_regularizer="l2", kernel_initializer="zeros")),
])
def test_regularization_losses_match_keras(keras_ref, class_name, args, kwargs):
    layer, ref = _pair(keras_ref, class_name, *args, **kwargs)
    shape = (2, 5, 3) if class_name.endswith("1D") else (2, 5, 5, 3)
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    ref.build(shape)
    randomize_keras_weights(ref)
    layer.build(shape)
    copy_weights(ref, layer)
    ref(x)
    layer(x)
    ours = sorted(float(to_numpy(v)) for v in layer.losses)
    theirs = sorted(float(np.asarray(v)) for v in ref.losses)
    assert len(ours) == len(theirs) > 0
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_lora_matches_keras(keras_ref, data_format):
    layer, ref = _pair(keras_ref, "Conv2D", 4, 3, lora_rank=2, lora_alpha=3, data_format=data_format)
    shape = (2, 5, 6, 3) if data_format == "channels_last" else (2, 3, 5, 6)
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    ref.build(shape)
    layer.build(shape)
    ours = {w.name: w for w in layer.weights}
    theirs = {w.name: w for w in ref.weights}
    assert {n: (tuple(w.shape), w.trainable) for n, w in ours.items()} == {
        n: (tuple(w.shape), w.trainable) for n, w in theirs.items()}
    randomize_keras_weights(ref, seed=5)
    for name, w in theirs.items():
        ours[name].assign(np.asarray(w.numpy()))
    assert_close(layer(x), np.asarray(ref(x)), atol=1e-4)
    assert_same_config(layer, ref)
    assert layer.lora_enabled and not layer._kernel.trainable
    # Saved like Keras: the merged kernel, then the bias.
    ours, theirs = {}, {}
    layer.save_own_variables(ours)
    ref.save_own_variables(theirs)
    assert sorted(ours) == sorted(theirs) == ["0", "1"]
    for key in ours:
        np.testing.assert_allclose(ours[key], np.asarray(theirs[key]), rtol=1e-5, atol=1e-5)
    restored = conv.Conv2D(4, 3, lora_rank=2, lora_alpha=3, data_format=data_format)
    restored.build(shape)
    restored.load_own_variables(ours)
    assert_close(restored(x), np.asarray(ref(x)), atol=1e-4)


def test_lora_weight_order_matches_keras(keras_ref):
    layer, ref = _pair(keras_ref, "Conv1D", 4, 3, lora_rank=2)
    layer.build((None, 6, 3))
    ref.build((None, 6, 3))
    assert_same_weights_layout(layer, ref)


def test_enable_lora_after_build_and_its_errors():
    layer = conv.Conv1D(4, 3)
    with pytest.raises(ValueError, match="built"):
        layer.enable_lora(2)
    layer.build((None, 6, 3))
    before = to_numpy(layer(np.ones((1, 6, 3), "float32")))
    layer.enable_lora(2)
    # lora_kernel_b starts at zero: the output does not move.
    np.testing.assert_allclose(to_numpy(layer(np.ones((1, 6, 3), "float32"))), before, rtol=1e-6)
    assert [w.name for w in layer.trainable_weights] == ["bias", "lora_kernel_a", "lora_kernel_b"]
    with pytest.raises(ValueError, match="already enabled"):
        layer.enable_lora(2)
    with pytest.raises(ValueError, match="constraint"):
        constrained = conv.Conv1D(4, 3, kernel_constraint="max_norm")
        constrained.build((None, 6, 3))
        constrained.enable_lora(2)


def _small_cnn():
    return cornu.Sequential([
        cornu.Input((8, 8, 1)),
        conv.Conv2D(4, 3, padding="same", activation="relu"),
        pooling.MaxPooling2D(),
        conv.SeparableConv2D(4, 3, padding="same"),
        conv.Conv2DTranspose(2, 2, strides=2),
        conv.DepthwiseConv2D(3, depth_multiplier=2),
        pooling.GlobalAveragePooling2D(),
    ])


def test_model_saved_by_cornu_loads_in_keras_with_the_same_predictions(keras_ref, tmp_path):
    cornu.utils.set_random_seed(3)
    model = _small_cnn()
    x = np.random.default_rng(1).normal(size=(3, 8, 8, 1)).astype("float32")
    expected = to_numpy(model.predict(x, verbose=0))
    path = str(tmp_path / "cnn.keras")
    model.save(path)
    restored = keras_ref.saving.load_model(path)
    np.testing.assert_allclose(np.asarray(restored.predict(x, verbose=0)), expected, rtol=1e-5, atol=1e-5)
    reloaded = cornu.saving.load_model(path)
    assert_close(reloaded.predict(x, verbose=0), expected)
    assert [type(layer).__name__ for layer in reloaded.layers] == [type(layer).__name__ for layer in model.layers]
