import numpy as np
import pytest

import cornu
from cornu import layers

from tests.helpers.layer_compare import (assert_close, assert_same_config, assert_same_weights_layout,
                                         comparable_config, copy_weights, mask_of, to_numpy)


def _pair(keras_ref, *args, **kwargs):
    return layers.Embedding(*args, **kwargs), keras_ref.layers.Embedding(*args, **kwargs)


@pytest.mark.parametrize("mask_zero", [False, True])
def test_lookup_and_mask_match_keras(keras_ref, mask_zero):
    layer, ref = _pair(keras_ref, 7, 3, mask_zero=mask_zero)
    x = np.random.randint(0, 7, size=(4, 5)).astype("int32")
    x[0, :2] = 0
    ref(x)
    layer.build()
    copy_weights(ref, layer)
    assert_same_weights_layout(layer, ref)
    out, expected = layer(x), ref(x)
    assert_close(out, expected)
    assert to_numpy(out).dtype == np.float32
    if mask_zero:
        np.testing.assert_array_equal(to_numpy(mask_of(out)), np.asarray(expected._keras_mask))
        np.testing.assert_array_equal(to_numpy(layer.compute_mask(x)), x != 0)
    else:
        assert mask_of(out) is None
        assert layer.compute_mask(x) is None


def test_float_indices_are_cast_not_autocast(keras_ref):
    layer, ref = _pair(keras_ref, 5, 2)
    x = np.array([[1.0, 4.0, 2.0]], dtype="float32")
    ref(x)
    layer.build()
    copy_weights(ref, layer)
    assert_close(layer(x), ref(x))
    assert layer.autocast is False


def test_mixed_precision_output_dtype(keras_ref):
    layer, ref = _pair(keras_ref, 6, 3, dtype="mixed_float16")
    x = np.array([[1, 2, 5]])
    ref(x)
    layer.build()
    copy_weights(ref, layer)
    out = layer(x)
    assert str(to_numpy(out).dtype) == "float16"
    assert layer.embeddings.dtype == "float32"
    assert_close(out, ref(x), atol=1e-3)


@pytest.mark.parametrize("kwargs", [
    {},
    {"mask_zero": True, "embeddings_initializer": "he_normal", "embeddings_regularizer": "l2",
     "embeddings_constraint": "non_neg", "activity_regularizer": "l2"},
    {"lora_rank": 2},
    {"lora_rank": 2, "lora_alpha": 4},
])
def test_config_matches_keras_and_round_trips(keras_ref, kwargs):
    layer, ref = _pair(keras_ref, 9, 4, **kwargs)
    assert_same_config(layer, ref)
    clone = layers.Embedding.from_config(layer.get_config())
    assert comparable_config(clone) == comparable_config(layer)


def test_weights_argument_and_symbolic_shape():
    table = np.arange(12, dtype="float32").reshape(4, 3)
    layer = layers.Embedding(4, 3, weights=table)
    np.testing.assert_array_equal(to_numpy(layer(np.array([[3, 0]]))), table[[3, 0]][None])
    symbolic = layer(cornu.KerasTensor((None, 6), dtype="int32"))
    assert symbolic.shape == (None, 6, 3)
    assert layer(np.zeros((2, 6), "int32")).shape == (2, 6, 3)
    assert layer.compute_output_shape((None, 6)) == (None, 6, 3)


def test_symbolic_mask():
    inputs = cornu.Input((5,), dtype="int32")
    out = layers.Embedding(10, 2, mask_zero=True)(inputs)
    assert out.shape == (None, 5, 2)
    assert out._keras_mask.shape == (None, 5)
    assert out._keras_mask.dtype == "bool"


def test_lora_matches_keras(keras_ref):
    layer, ref = _pair(keras_ref, 6, 4, lora_rank=2)
    x = np.random.randint(0, 6, size=(3, 2))
    ref(x)
    layer.build()
    assert_same_weights_layout(layer, ref)
    rng = np.random.default_rng(1)
    ref.set_weights([rng.normal(size=tuple(w.shape)).astype("float32") for w in ref.weights])
    copy_weights(ref, layer)
    assert_close(layer(x), ref(x))
    # Saved variables hold one table with the LoRA update merged in, as in Keras.
    store, ref_store = {}, {}
    layer.save_own_variables(store)
    ref.save_own_variables(ref_store)
    assert list(store) == list(ref_store) == ["0"]
    assert_close(store["0"], np.asarray(ref_store["0"]))


@pytest.mark.parametrize("kwargs, match", [
    ({"input_dim": 0, "output_dim": 2}, "input_dim"),
    ({"input_dim": 3, "output_dim": -1}, "output_dim"),
    ({"input_dim": 3.5, "output_dim": 2}, "input_dim"),
    ({"input_dim": True, "output_dim": 2}, "input_dim"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.Embedding(**kwargs)


def test_lora_errors():
    layer = layers.Embedding(4, 2, embeddings_constraint="non_neg")
    layer.build()
    with pytest.raises(ValueError, match="constraint"):
        layer.enable_lora(2)
    with pytest.raises(ValueError, match="build"):
        layers.Embedding(4, 2).enable_lora(2)
