"""``ReversibleEmbedding``: lookups and reverse projections (tied or not, soft-capped) against
NumPy and Keras, masks, symbolic shapes, and ``.keras`` files both ways."""

import numpy as np
import pytest

import cornu
from cornu import layers

IDS = np.array([[1, 2, 0, 5]], "int32")
HIDDEN = np.random.default_rng(2).normal(size=(1, 4, 6)).astype("float32")


def _np(x):
    return np.asarray(cornu.ops.convert_to_numpy(x))


@pytest.mark.parametrize("tie_weights", [True, False])
@pytest.mark.parametrize("cap", [None, 2.0])
def test_reverse_projection_matches_numpy(tie_weights, cap):
    layer = layers.ReversibleEmbedding(10, 6, tie_weights=tie_weights, logit_soft_cap=cap)
    layer(IDS)
    table = layer.embeddings
    kernel = _np(table.value).T if tie_weights else _np(layer.reverse_embeddings.value)
    expected = HIDDEN @ kernel
    if cap is not None:
        expected = cap * np.tanh(expected / cap)
    np.testing.assert_allclose(_np(layer(HIDDEN, reverse=True)), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(layer(IDS)), _np(table.value)[IDS], rtol=1e-6)
    assert len(layer.trainable_weights) == (1 if tie_weights else 2)


def test_mask_on_lookup_only():
    layer = layers.ReversibleEmbedding(10, 6, mask_zero=True)
    mask = cornu.backend.get_keras_mask(layer(IDS))
    np.testing.assert_array_equal(_np(mask), IDS != 0)
    assert cornu.backend.get_keras_mask(layer(HIDDEN, reverse=True)) is None


def test_symbolic_shapes_in_a_language_model_head():
    tokens = cornu.Input((7,), dtype="int32")
    embed = layers.ReversibleEmbedding(50, 8, name="embed")
    hidden = layers.Dense(8)(embed(tokens))
    logits = embed(hidden, reverse=True)
    assert logits.shape == (None, 7, 50)
    model = cornu.Model(tokens, logits)
    assert _np(model(np.zeros((2, 7), "int32"))).shape == (2, 7, 50)


@pytest.mark.parametrize("tie_weights", [True, False])
def test_matches_keras_and_files_move_both_ways(keras_ref, tmp_path, tie_weights):
    def build(lib):
        tokens = lib.Input((4,), dtype="int32")
        embed = lib.layers.ReversibleEmbedding(10, 6, tie_weights=tie_weights, logit_soft_cap=3.0, name="embed")
        return lib.Model(tokens, embed(lib.layers.Dense(6, name="mix")(embed(tokens)), reverse=True))

    keras_model, model = build(keras_ref), build(cornu)
    assert [w.path for w in model.weights] == [w.path for w in keras_model.weights]
    assert model.get_layer("embed").get_config() == keras_model.get_layer("embed").get_config()
    model.set_weights(keras_model.get_weights())
    np.testing.assert_allclose(_np(model(IDS)), np.asarray(keras_model(IDS)), rtol=1e-5, atol=1e-6)

    keras_model.save(str(tmp_path / "k.keras"))
    loaded = cornu.saving.load_model(tmp_path / "k.keras")
    np.testing.assert_allclose(_np(loaded(IDS)), np.asarray(keras_model(IDS)), rtol=1e-5, atol=1e-6)
    model.save(tmp_path / "c.keras")
    back = keras_ref.saving.load_model(str(tmp_path / "c.keras"))
    np.testing.assert_allclose(np.asarray(back(IDS)), _np(model(IDS)), rtol=1e-5, atol=1e-6)
