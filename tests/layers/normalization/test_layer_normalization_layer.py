import warnings

import numpy as np
import pytest

import cornu
from cornu import layers, ops

from tests.helpers.layer_compare import (assert_close, assert_same_config, assert_same_weights_layout,
                                         comparable_config, copy_weights, mask_of, randomize_keras_weights, to_numpy)


def _pair(keras_ref, input_shape, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rms_scaling's deprecation warning
        layer = layers.LayerNormalization(**kwargs)
        ref = keras_ref.layers.LayerNormalization(**kwargs)
    ref.build(input_shape)
    layer.build(input_shape)
    randomize_keras_weights(ref)
    copy_weights(ref, layer)
    return layer, ref


@pytest.mark.parametrize("input_shape, kwargs", [
    ((3, 5), {}),
    ((2, 3, 4), {"axis": (1, 2), "epsilon": 1e-5}),
    ((2, 3, 4), {"axis": 1}),
    ((2, 3, 4, 2), {"axis": [-1, -3]}),
    ((2, 6), {"center": False}),
    ((2, 6), {"scale": False, "center": False}),
    ((2, 6), {"rms_scaling": True}),
])
def test_outputs_match_keras(keras_ref, input_shape, kwargs):
    layer, ref = _pair(keras_ref, input_shape, **kwargs)
    assert_same_weights_layout(layer, ref)
    x = np.random.normal(loc=1.0, scale=2.0, size=input_shape).astype("float32")
    assert_close(layer(x), ref(x))


def test_mixed_precision(keras_ref):
    layer, ref = _pair(keras_ref, (4, 8), dtype="mixed_float16")
    x = np.random.normal(size=(4, 8)).astype("float16")
    out = layer(x)
    assert str(to_numpy(out).dtype) == "float16"
    assert all(w.dtype == "float32" for w in layer.weights)
    assert_close(out, ref(x), atol=2e-3, rtol=2e-3)


def test_float16_inputs_under_float32_policy(keras_ref):
    layer, ref = _pair(keras_ref, (2, 8))
    x = np.random.normal(size=(2, 8)).astype("float16")
    out = layer(x)
    assert str(to_numpy(out).dtype) == "float32"
    assert_close(out, ref(x), atol=1e-6)


def test_mask_passes_through():
    layer = layers.LayerNormalization()
    x = ops.convert_to_tensor(np.random.rand(2, 3, 4).astype("float32"))
    mask = ops.convert_to_tensor(np.array([[True, False, True], [True, True, False]]))
    cornu.backend.set_keras_mask(x, mask)
    np.testing.assert_array_equal(to_numpy(mask_of(layer(x))), to_numpy(mask))


@pytest.mark.parametrize("kwargs", [
    {},
    {"axis": (1, 2), "epsilon": 0.01, "center": False, "beta_initializer": "ones", "gamma_initializer": "zeros",
     "beta_regularizer": "l2", "gamma_regularizer": "l2", "beta_constraint": "non_neg",
     "gamma_constraint": "max_norm"},
])
def test_config_matches_keras_before_and_after_build(keras_ref, kwargs):
    layer = layers.LayerNormalization(**kwargs)
    ref = keras_ref.layers.LayerNormalization(**kwargs)
    assert_same_config(layer, ref)
    clone = layers.LayerNormalization.from_config(layer.get_config())
    assert comparable_config(clone) == comparable_config(layer)
    layer.build((2, 3, 4))
    ref.build((2, 3, 4))
    assert_same_config(layer, ref)  # Keras turns `axis` into a sorted list when building
    clone = layers.LayerNormalization.from_config(layer.get_config())
    clone.build((2, 3, 4))
    assert comparable_config(clone) == comparable_config(layer)


def test_symbolic_shape():
    layer = layers.LayerNormalization(axis=(1, 2))
    assert layer(cornu.KerasTensor((None, 3, 4))).shape == (None, 3, 4)
    assert layer(np.ones((2, 3, 4), "float32")).shape == (2, 3, 4)
    assert [tuple(w.shape) for w in layer.weights] == [(3, 4), (3, 4)]


def test_bad_arguments():
    with pytest.raises(TypeError, match="axis"):
        layers.LayerNormalization(axis="last")
    with pytest.raises(ValueError, match="out of bounds"):
        layers.LayerNormalization(axis=2).build((2, 3))
    with pytest.raises(ValueError, match="out of bounds"):
        layers.LayerNormalization(axis=-3).compute_output_shape((2, 3))
    with pytest.raises(ValueError, match="known sizes"):
        layers.LayerNormalization().build((2, None))
    with pytest.warns(UserWarning, match="deprecated"):
        layers.LayerNormalization(rms_scaling=True)
