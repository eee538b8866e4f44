import numpy as np
import pytest

import cornu
from cornu import layers

from tests.helpers.layer_compare import (assert_close, assert_same_config, assert_same_weights_layout,
                                         comparable_config, copy_weights, randomize_keras_weights, to_numpy)

POSITIVE = ("gamma", "moving_variance", "moving_stddev", "renorm_stddev")


def _pair(keras_ref, input_shape, **kwargs):
    layer = layers.BatchNormalization(**kwargs)
    ref = keras_ref.layers.BatchNormalization(**kwargs)
    ref.build(input_shape)
    layer.build(input_shape)
    randomize_keras_weights(ref, positive=POSITIVE)
    copy_weights(ref, layer)
    return layer, ref


def _moving_stats(layer):
    return [to_numpy(w.value) if hasattr(w, "value") else np.asarray(w) for w in layer.non_trainable_weights]


def _assert_same_moving_stats(layer, ref, atol=1e-5):
    for ours, theirs in zip(layer.non_trainable_weights, ref.non_trainable_weights):
        assert ours.name == theirs.name
        assert_close(ours.numpy(), np.asarray(theirs.numpy()), atol=atol)


@pytest.mark.parametrize("input_shape, kwargs", [
    ((6, 3), {}),
    ((4, 3, 5), {"axis": 1, "momentum": 0.9, "epsilon": 1e-2}),
    ((2, 3, 3, 4), {"center": False}),
    ((5, 4), {"scale": False, "center": False}),
])
def test_inference_matches_keras(keras_ref, input_shape, kwargs):
    layer, ref = _pair(keras_ref, input_shape, **kwargs)
    assert_same_weights_layout(layer, ref)
    x = np.random.normal(size=input_shape).astype("float32")
    assert_close(layer(x), ref(x))
    assert_close(layer(x, training=False), ref(x, training=False))


@pytest.mark.requires_trainable_backend
@pytest.mark.parametrize("input_shape, kwargs", [
    ((6, 3), {}),
    ((4, 3, 5), {"axis": 1, "momentum": 0.9}),
    ((2, 3, 3, 4), {"center": False, "epsilon": 1e-2}),
])
def test_training_matches_keras_and_updates_moving_stats(keras_ref, input_shape, kwargs):
    layer, ref = _pair(keras_ref, input_shape, **kwargs)
    x = np.random.normal(loc=2.0, size=input_shape).astype("float32")
    for _ in range(2):
        assert_close(layer(x, training=True), ref(x, training=True))
    _assert_same_moving_stats(layer, ref)
    assert_close(layer(x, training=False), ref(x, training=False))


@pytest.mark.requires_trainable_backend
def test_training_with_mask_matches_keras(keras_ref):
    layer, ref = _pair(keras_ref, (3, 4, 2))
    x = np.random.normal(size=(3, 4, 2)).astype("float32")
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1], [1, 0, 0, 0]], dtype=bool)
    assert_close(layer(x, training=True, mask=mask), ref(x, training=True, mask=mask))
    _assert_same_moving_stats(layer, ref)
    with pytest.raises(ValueError, match="one dimension less"):
        layer(x, training=True, mask=np.ones((3, 4, 2), bool))


@pytest.mark.requires_trainable_backend
def test_stateless_call_returns_updated_moving_stats_without_mutating(keras_ref):
    layer, ref = _pair(keras_ref, (5, 3))
    x = np.random.normal(size=(5, 3)).astype("float32")
    before = [w.numpy().copy() for w in layer.non_trainable_weights]
    outputs, new_stats = layer.stateless_call(
        [v.value for v in layer.trainable_variables], [v.value for v in layer.non_trainable_variables], x,
        training=True)
    ref_outputs, ref_stats = ref.stateless_call(
        [v.value for v in ref.trainable_variables], [v.value for v in ref.non_trainable_variables], x,
        training=True)
    assert_close(outputs, ref_outputs)
    for ours, theirs in zip(new_stats, ref_stats):
        assert_close(ours, np.asarray(theirs))
    for w, value in zip(layer.non_trainable_weights, before):
        np.testing.assert_array_equal(w.numpy(), value)


@pytest.mark.requires_trainable_backend
def test_frozen_layer_runs_in_inference_mode(keras_ref):
    layer, ref = _pair(keras_ref, (4, 3))
    layer.trainable = False
    ref.trainable = False
    x = np.random.normal(size=(4, 3)).astype("float32")
    before = [w.numpy().copy() for w in layer.non_trainable_weights]
    assert_close(layer(x, training=True), ref(x, training=True))
    assert_close(layer(x, training=True), to_numpy(layer(x, training=False)))
    for w, value in zip(layer.non_trainable_weights, before):
        np.testing.assert_array_equal(w.numpy(), value)


@pytest.mark.requires_trainable_backend
def test_renorm_matches_keras(keras_ref):
    kwargs = {"renorm": True, "renorm_clipping": {"rmax": 1.5, "rmin": 0.5, "dmax": 0.3}, "renorm_momentum": 0.8}
    layer, ref = _pair(keras_ref, (6, 3), **kwargs)
    assert_same_weights_layout(layer, ref)
    x = np.random.normal(loc=1.0, size=(6, 3)).astype("float32")
    for _ in range(2):
        assert_close(layer(x, training=True), ref(x, training=True))
    _assert_same_moving_stats(layer, ref)
    assert_close(layer(x), ref(x))


def test_renorm_initial_stddev_is_sqrt_of_variance_initializer(keras_ref):
    layer = layers.BatchNormalization(renorm=True, moving_variance_initializer=cornu.initializers.Constant(4.0))
    layer.build((2, 3))
    np.testing.assert_allclose(layer.moving_stddev.numpy(), [2.0, 2.0, 2.0])
    np.testing.assert_allclose(layer.renorm_stddev.numpy(), [2.0, 2.0, 2.0])


@pytest.mark.parametrize("training", [False, True])
def test_mixed_precision(keras_ref, training):
    if training and cornu.backend.backend() == "numpy":
        pytest.skip("the numpy backend is inference-only")
    layer, ref = _pair(keras_ref, (6, 3), dtype="mixed_float16")
    x = np.random.normal(size=(6, 3)).astype("float16")
    out = layer(x, training=training)
    assert str(to_numpy(out).dtype) == "float16"
    assert all(w.dtype == "float32" for w in layer.weights)
    assert_close(out, ref(x, training=training), atol=2e-3, rtol=2e-3)
    _assert_same_moving_stats(layer, ref, atol=1e-4)


@pytest.mark.parametrize("kwargs", [
    {},
    {"axis": 1, "momentum": 0.9, "epsilon": 0.01, "center": False, "beta_initializer": "ones",
     "gamma_initializer": "he_normal", "moving_mean_initializer": "ones", "moving_variance_initializer": "zeros",
     "beta_regularizer": "l2", "gamma_regularizer": "l2", "beta_constraint": "non_neg",
     "gamma_constraint": "unit_norm"},
    {"renorm": True, "renorm_clipping": {"rmax": 2.0}, "renorm_momentum": 0.5},
])
def test_config_matches_keras_and_round_trips(keras_ref, kwargs):
    layer = layers.BatchNormalization(**kwargs)
    ref = keras_ref.layers.BatchNormalization(**kwargs)
    assert_same_config(layer, ref)
    clone = layers.BatchNormalization.from_config(layer.get_config())
    assert comparable_config(clone) == comparable_config(layer)
    layer.build((2, 3, 4))
    ref.build((2, 3, 4))
    assert_same_config(layer, ref)


def test_symbolic_shape_and_input_spec():
    layer = layers.BatchNormalization(axis=1)
    assert layer(cornu.KerasTensor((None, 3, 5))).shape == (None, 3, 5)
    assert layer(np.ones((2, 3, 5), "float32")).shape == (2, 3, 5)
    with pytest.raises(ValueError, match="axis"):
        layer(np.ones((2, 4, 5), "float32"))
    with pytest.raises(ValueError, match="ndim"):
        layer(np.ones((2, 3), "float32"))


def test_bad_arguments():
    with pytest.raises(ValueError, match="synchronized"):
        layers.BatchNormalization(synchronized=True)
    with pytest.raises(TypeError, match="axis"):
        layers.BatchNormalization(axis=[1, 2])
    with pytest.raises(ValueError, match="renorm_clipping"):
        layers.BatchNormalization(renorm=True, renorm_clipping={"rmaxx": 1.0})
    with pytest.raises(ValueError, match="rmax"):
        layers.BatchNormalization(renorm=True, renorm_clipping={"rmax": 0.5, "rmin": 1.0})
    with pytest.raises(ValueError, match="dmax"):
        layers.BatchNormalization(renorm=True, renorm_clipping={"dmax": -1.0})
    with pytest.raises(ValueError, match="out of bounds"):
        layers.BatchNormalization(axis=3).build((2, 3))
    with pytest.raises(ValueError, match="known size"):
        layers.BatchNormalization().build((2, None))
