"""``layer.quantize("int8")`` / ``model.quantize("int8")`` side by side with the real Keras 3.15.1:
the same float weights give the same int8 weights, scales and outputs."""

import warnings

import numpy as np
import pytest

import cornu
from cornu import ops

RNG = np.random.RandomState(3)


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _twin_layers(keras_ref, make, input_shape, seed=0):
    """The same layer built in cornu and in Keras, with the same float weights."""
    ours, theirs = make(cornu), make(keras_ref)
    ours.build(input_shape)
    theirs.build(input_shape)
    rng = np.random.RandomState(seed)
    weights = [rng.randn(*w.shape).astype("float32") for w in theirs.get_weights()]
    theirs.set_weights(weights)
    ours.set_weights(weights)
    return ours, theirs


def _assert_same_quantized_weights(ours, theirs):
    assert [(v.path.split("/")[-1], v.dtype, tuple(v.shape), v.trainable) for v in ours.weights] == [
        (v.path.split("/")[-1], v.dtype, tuple(v.shape), v.trainable) for v in theirs.weights]
    for mine, reference in zip(ours.weights, theirs.weights):
        if mine.dtype == "int8":
            np.testing.assert_array_equal(_np(mine.value), np.asarray(reference.value))
        else:
            np.testing.assert_allclose(_np(mine.value), np.asarray(reference.value), rtol=1e-6)


LAYERS = {
    "dense": (lambda k: k.layers.Dense(5, activation="relu"), (2, 6), "float"),
    "dense_3d": (lambda k: k.layers.Dense(4, use_bias=False), (2, 3, 6), "float"),
    "einsum_2d": (lambda k: k.layers.EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c"), (3, 6), "float"),
    "einsum_seq": (lambda k: k.layers.EinsumDense("abc,cd->abd", output_shape=(None, 4), bias_axes="d"),
                   (2, 3, 6), "float"),
    "einsum_heads": (lambda k: k.layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de"),
                     (2, 3, 6), "float"),
    "einsum_merge_heads": (lambda k: k.layers.EinsumDense("abcd,cde->abe", output_shape=(None, 5), bias_axes="e"),
                           (2, 3, 2, 4), "float"),
    "embedding": (lambda k: k.layers.Embedding(12, 5), (2, 7), "int"),
}


def _inputs(shape, kind):
    if kind == "int":
        return RNG.randint(0, 12, size=shape).astype("int32")
    return RNG.randn(*shape).astype("float32")


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_quantize_matches_keras(keras_ref, name):
    make, shape, kind = LAYERS[name]
    ours, theirs = _twin_layers(keras_ref, make, shape)
    x = _inputs(shape, kind)
    float_out = _np(ours(x))
    ours.quantize("int8")
    theirs.quantize("int8")
    assert ours.dtype_policy.name == theirs.dtype_policy.name == "int8_from_float32"
    assert ours.quantization_mode == "int8"
    _assert_same_quantized_weights(ours, theirs)
    out = _np(ours(x))
    np.testing.assert_allclose(out, np.asarray(theirs(x)), rtol=1e-5, atol=1e-5)
    # And int8 is an approximation of the float layer.
    assert np.abs(out - float_out).max() < 0.05 * max(1.0, np.abs(float_out).max())


@pytest.mark.parametrize("name", ["dense", "einsum_seq"])
def test_weight_only_config_matches_keras(keras_ref, name):
    make, shape, kind = LAYERS[name]
    ours, theirs = _twin_layers(keras_ref, make, shape, seed=1)
    x = _inputs(shape, kind)
    ours.quantize(config=cornu.quantizers.Int8QuantizationConfig(activation_quantizer=None))
    theirs.quantize(config=keras_ref.quantizers.Int8QuantizationConfig(activation_quantizer=None))
    assert ours.inputs_quantizer is None
    _assert_same_quantized_weights(ours, theirs)
    np.testing.assert_allclose(_np(ours(x)), np.asarray(theirs(x)), rtol=1e-5, atol=1e-5)


def test_custom_weight_quantizer_matches_keras(keras_ref):
    make, shape, kind = LAYERS["dense"]
    ours, theirs = _twin_layers(keras_ref, make, shape, seed=2)
    x = _inputs(shape, kind)
    ours.quantize(config=cornu.quantizers.Int8QuantizationConfig(
        weight_quantizer=cornu.quantizers.AbsMaxQuantizer(axis=0, value_range=(-100, 100))))
    theirs.quantize(config=keras_ref.quantizers.Int8QuantizationConfig(
        weight_quantizer=keras_ref.quantizers.AbsMaxQuantizer(axis=0, value_range=(-100, 100))))
    _assert_same_quantized_weights(ours, theirs)
    assert np.abs(_np(ours.kernel.value)).max() == 100
    np.testing.assert_allclose(_np(ours(x)), np.asarray(theirs(x)), rtol=1e-5, atol=1e-5)


def test_einsum_with_ellipsis_matches_the_spelled_out_equation():
    # Keras 3.15.1 cannot quantize "..." equations (its layout analysis fails); cornu can.
    spelled = cornu.layers.EinsumDense("abc,cd->abd", output_shape=(None, 4), bias_axes="d")
    elided = cornu.layers.EinsumDense("...c,cd->...d", output_shape=4, bias_axes="d")
    right = cornu.layers.EinsumDense("ab...,bc->ac...", output_shape=(4, None), bias_axes="c")
    for layer in (spelled, elided):
        layer.build((None, 3, 6))
    right.build((None, 6, 3))
    weights = [RNG.randn(6, 4).astype("float32"), RNG.randn(4).astype("float32")]
    for layer in (spelled, elided):
        layer.set_weights(weights)
    right.set_weights([weights[0], weights[1].reshape(4, 1)])
    x = RNG.randn(2, 3, 6).astype("float32")
    for layer in (spelled, elided, right):
        layer.quantize("int8")
    np.testing.assert_array_equal(_np(elided.kernel.value), _np(spelled.kernel.value))
    assert tuple(spelled.kernel_scale.shape) == (1, 1, 4) and tuple(elided.kernel_scale.shape) == (1, 1, 4)
    assert tuple(right.kernel_scale.shape) == (1, 4, 1)
    np.testing.assert_allclose(_np(elided(x)), _np(spelled(x)), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(_np(right(np.swapaxes(x, 1, 2))), np.swapaxes(_np(spelled(x)), 1, 2),
                               rtol=1e-6, atol=1e-6)


def test_dense_int8_numbers_match_numpy_reference():
    layer = cornu.layers.Dense(3)
    layer.build((None, 4))
    kernel = RNG.randn(4, 3).astype("float32")
    bias = RNG.randn(3).astype("float32")
    layer.set_weights([kernel, bias])
    layer.quantize("int8")
    x = RNG.randn(5, 4).astype("float32")
    kernel_scale = 127 / (np.abs(kernel).max(axis=0) + np.float32(1e-7))
    int8_kernel = np.clip(np.round(kernel * kernel_scale), -127, 127).astype("int8")
    inputs_scale = 127 / (np.abs(x).max(axis=-1, keepdims=True) + np.float32(1e-7))
    int8_inputs = np.clip(np.round(x * inputs_scale), -127, 127).astype("int32")
    expected = (int8_inputs @ int8_kernel.astype("int32")).astype("float32") / (kernel_scale * inputs_scale) + bias
    np.testing.assert_array_equal(_np(layer.kernel.value), int8_kernel)
    np.testing.assert_allclose(_np(layer.kernel_scale.value), kernel_scale, rtol=1e-6)
    np.testing.assert_allclose(_np(layer(x)), expected, rtol=1e-5, atol=1e-6)


def _twin_models(keras_ref):
    def make(k):
        inputs = k.Input((4,), dtype="int32")
        x = k.layers.Embedding(10, 6, name="embed")(inputs)
        x = k.layers.EinsumDense("abc,cd->abd", output_shape=(4, 5), bias_axes="d", name="proj")(x)
        x = k.layers.Flatten()(x)
        outputs = k.layers.Dense(3, name="head")(x)
        return k.Model(inputs, outputs)

    ours, theirs = make(cornu), make(keras_ref)
    rng = np.random.RandomState(5)
    weights = [rng.randn(*w.shape).astype("float32") * 0.3 for w in theirs.get_weights()]
    ours.set_weights(weights)
    theirs.set_weights(weights)
    return ours, theirs


def test_model_quantize_matches_keras(keras_ref):
    ours, theirs = _twin_models(keras_ref)
    x = RNG.randint(0, 10, size=(3, 4)).astype("int32")
    ours.quantize("int8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs.quantize("int8")
    for mine, reference in zip(ours.layers, theirs.layers):
        assert mine.dtype_policy.name == reference.dtype_policy.name
        _assert_same_quantized_weights(mine, reference)
    assert ours.count_params() == theirs.count_params()
    np.testing.assert_allclose(_np(ours.predict(x, verbose=0)), np.asarray(theirs.predict(x, verbose=0)),
                               rtol=1e-5, atol=1e-5)


def test_model_quantize_filters_and_errors(keras_ref):
    ours, _ = _twin_models(keras_ref)
    ours.quantize("int8", filters="^proj$")
    assert [layer.dtype_policy.name for layer in ours.layers[1:]] == [
        "float32", "int8_from_float32", "float32", "float32"]
    ours.quantize("int8", filters=lambda layer: layer.name == "head")
    assert ours.get_layer("head").kernel.dtype == "int8"
    with pytest.raises(ValueError, match="already quantized"):
        ours.get_layer("head").quantize("int8")
    with pytest.raises(NotImplementedError, match="int4 quantization is not implemented in cornu yet"):
        ours.quantize("int4")
    with pytest.raises(ValueError, match="Invalid quantization mode"):
        ours.quantize("int3")
    with pytest.raises(ValueError, match="filters"):
        ours.quantize("int8", filters=3)
    with pytest.raises(ValueError, match="Unrecognized keyword"):
        ours.quantize("int8", bogus=1)
    layer = cornu.layers.Dense(2)
    with pytest.raises(ValueError, match="isn't yet built"):
        layer.quantize("int8")


def test_subclass_needs_type_check_false_and_model_warns():
    class MyDense(cornu.layers.Dense):
        pass

    model = cornu.Sequential([cornu.Input((3,)), MyDense(2)])
    with pytest.warns(UserWarning, match="does not have a `quantize` method"):
        model.quantize("int8")
    assert model.layers[0].quantization_mode is None
    model.quantize("int8", type_check=False)
    assert model.layers[0].kernel.dtype == "int8"


def test_setting_a_quantized_policy_quantizes_a_built_layer():
    layer = cornu.layers.Dense(2)
    layer.build((None, 3))
    layer.dtype_policy = "int8_from_float32"
    assert layer.kernel.dtype == "int8" and layer.kernel_scale.shape == (2,)


def test_layer_from_quantized_config_builds_int8_variables(keras_ref):
    theirs = keras_ref.layers.Dense(3)
    theirs.build((None, 4))
    theirs.quantize("int8")
    ours = cornu.layers.Dense.from_config(theirs.get_config())
    ours.build((None, 4))
    assert [(v.name, v.dtype, v.trainable) for v in ours.weights] == [
        (v.name, v.dtype, v.trainable) for v in theirs.weights]
    assert ours.get_config()["quantization_config"]["class_name"] == "Int8QuantizationConfig"


@pytest.mark.requires_trainable_backend
def test_training_after_quantize_matches_keras(keras_ref):
    def make(k):
        return k.Sequential([k.Input((4,)), k.layers.Dense(6, activation="tanh", name="first"),
                             k.layers.Dense(2, name="second")])

    ours, theirs = make(cornu), make(keras_ref)
    rng = np.random.RandomState(11)
    weights = [rng.randn(*w.shape).astype("float32") * 0.5 for w in theirs.get_weights()]
    ours.set_weights(weights)
    theirs.set_weights(weights)
    ours.quantize("int8", filters="second")
    theirs.quantize("int8", filters="second")
    second = ours.get_layer("second")
    assert [v.name for v in second.trainable_weights] == ["bias"]
    assert sorted(v.name for v in second.non_trainable_weights) == ["kernel", "kernel_scale"]
    x = rng.randn(8, 4).astype("float32")
    y = rng.randn(8, 2).astype("float32")
    int8_kernel = _np(second.kernel.value).copy()
    for model, k in ((ours, cornu), (theirs, keras_ref)):
        model.compile(optimizer=k.optimizers.SGD(0.1), loss="mse")
        model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
    np.testing.assert_array_equal(_np(second.kernel.value), int8_kernel)
    for mine, reference in zip(ours.weights, theirs.weights):
        np.testing.assert_allclose(_np(mine.value), np.asarray(reference.value), rtol=1e-4, atol=1e-5)
    # The first (float) layer learned through the custom gradient of the int8 layer.
    assert not np.allclose(_np(ours.get_layer("first").kernel.value), weights[0])


def test_lora_and_quantize_together_raise_a_clear_error():
    embedding = cornu.layers.Embedding(10, 4)
    embedding.build()
    embedding.enable_lora(2)
    with pytest.raises(NotImplementedError, match="LoRA is enabled is not implemented in cornu yet"):
        embedding.quantize("int8")
    quantized = cornu.layers.Embedding(10, 4)
    quantized.build()
    quantized.quantize("int8")
    with pytest.raises(NotImplementedError, match="LoRA on a quantized Embedding"):
        quantized.enable_lora(2)
