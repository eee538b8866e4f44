"""Keras masks (from Masking and Embedding(mask_zero=True)) reach the attention layers in functional
models, side by side with the real Keras; the output masks match too."""

import numpy as np
import pytest

import cornu

from tests.helpers.attention_compare import assert_outputs_match, random_array
from tests.helpers.layer_compare import mask_of, to_numpy


def _tokens(seed, shape=(3, 6), pad_from=(6, 4, 2)):
    """Token ids in [1, 9] with zero padding at the end of each row (row i is padded from pad_from[i])."""
    tokens = np.random.default_rng(seed).integers(1, 10, size=shape).astype("int32")
    for row, start in enumerate(pad_from):
        tokens[row, start:] = 0
    return tokens


def _same_weights(model, ref_model, seed=11):
    rng = np.random.default_rng(seed)
    ref_model.set_weights([(rng.normal(size=tuple(w.shape)) * 0.5).astype("float32") for w in ref_model.weights])
    assert [w.path for w in model.weights] == [w.path for w in ref_model.weights]
    model.set_weights(ref_model.get_weights())


def _self_attention_model(lib, layer_factory, call_kwargs):
    tokens = lib.Input((6,), dtype="int32")
    x = lib.layers.Embedding(10, 8, mask_zero=True, embeddings_initializer="zeros")(tokens)
    outputs = layer_factory(lib)(x, x, **call_kwargs)
    return lib.Model(tokens, outputs)


SELF_ATTENTION = [
    ("mha", lambda lib: lib.layers.MultiHeadAttention(2, 4, kernel_initializer="zeros"), {}),
    ("mha-scores", lambda lib: lib.layers.MultiHeadAttention(2, 4, kernel_initializer="zeros"),
     dict(return_attention_scores=True)),
    ("mha-causal", lambda lib: lib.layers.MultiHeadAttention(2, 4, kernel_initializer="zeros"),
     dict(use_causal_mask=True)),
    ("gqa", lambda lib: lib.layers.GroupQueryAttention(4, 4, 2, kernel_initializer="zeros"), {}),
    ("gqa-scores", lambda lib: lib.layers.GroupQueryAttention(4, 4, 2, kernel_initializer="zeros"),
     dict(return_attention_scores=True)),
]


@pytest.mark.parametrize("case", SELF_ATTENTION, ids=[c[0] for c in SELF_ATTENTION])
def test_embedding_mask_reaches_self_attention(keras_ref, case):
    _, factory, call_kwargs = case
    model = _self_attention_model(cornu, factory, call_kwargs)
    ref_model = _self_attention_model(keras_ref, factory, call_kwargs)
    _same_weights(model, ref_model)
    tokens = _tokens(0)
    expected = ref_model(tokens)
    out = model(tokens)
    assert_outputs_match(out, expected)
    predicted = model.predict(tokens, verbose=0)
    assert_outputs_match(_first(predicted), _first(expected))
    # The mask matters: the same layer on the same values without a Keras mask gives other numbers.
    layer = model.layers[-1]
    unmasked = factory(cornu)
    unmasked.build((3, 6, 8), (3, 6, 8))
    unmasked.set_weights(layer.get_weights())
    plain = cornu.ops.convert_to_tensor(to_numpy(_first(model.layers[-2](tokens))).copy())
    assert mask_of(plain) is None
    assert not np.allclose(to_numpy(_first(unmasked(plain, plain, **call_kwargs))), to_numpy(_first(out)), atol=1e-4)


def _first(outputs):
    return outputs[0] if isinstance(outputs, (tuple, list)) else outputs


def _masked_pair_model(lib, layer_names, scores):
    query_in, value_in = lib.Input((5, 4)), lib.Input((6, 4))
    query = lib.layers.Masking(0.0)(query_in)
    value = lib.layers.Masking(0.0)(value_in)
    outputs = []
    for name in layer_names:
        mha = lib.layers.MultiHeadAttention(2, 3, kernel_initializer="zeros", name=name)
        result = mha(query, value, return_attention_scores=scores[name])
        outputs.extend(result if isinstance(result, tuple) else [result])
    return lib.Model([query_in, value_in], outputs)


def test_masking_layer_masks_query_and_value_separately(keras_ref):
    """Two attention layers read the same masked tensors. Keras 3.15.1 strips the Keras masks off its
    inputs inside MultiHeadAttention.call, so in one Keras model the second layer to run loses them;
    cornu leaves the inputs alone, so each layer matches a Keras model holding only that layer."""
    scores = {"explicit": True, "fused": False}
    model = _masked_pair_model(cornu, ["explicit", "fused"], scores)
    query, value = random_array((2, 5, 4), 0), random_array((2, 6, 4), 1)
    query[0, 3:] = 0.0
    value[0, 4:] = 0.0
    value[1, :2] = 0.0
    expected = []
    for name in ("explicit", "fused"):
        ref_model = _masked_pair_model(keras_ref, [name], scores)
        rng = np.random.default_rng(len(name))
        ref_layer = ref_model.get_layer(name)
        ref_layer.set_weights([(rng.normal(size=tuple(w.shape)) * 0.5).astype("float32") for w in ref_layer.weights])
        model.get_layer(name).set_weights(ref_layer.get_weights())
        result = ref_model([query, value])
        expected.extend(result if isinstance(result, list) else [result])
    out = model([query, value])
    assert_outputs_match(out, expected)
    attention = to_numpy(out[1])
    np.testing.assert_array_equal(attention[0, :, :3, 4:], 0.0)  # masked values get no weight
    np.testing.assert_array_equal(attention[1, :, :, :2], 0.0)


@pytest.mark.parametrize("class_name", ["MultiHeadAttention", "GroupQueryAttention"])
def test_output_mask_is_the_query_mask(keras_ref, class_name):
    args = (2, 3) if class_name == "MultiHeadAttention" else (3, 2, 1)
    tokens = _tokens(2)
    embedding = cornu.layers.Embedding(10, 4, mask_zero=True)
    ref_embedding = keras_ref.layers.Embedding(10, 4, mask_zero=True)
    x, ref_x = embedding(tokens), ref_embedding(tokens)
    out = getattr(cornu.layers, class_name)(*args)(x, x)
    ref_out = getattr(keras_ref.layers, class_name)(*args)(ref_x, ref_x)
    np.testing.assert_array_equal(to_numpy(mask_of(out)), np.asarray(ref_out._keras_mask))
    np.testing.assert_array_equal(to_numpy(mask_of(out)), tokens != 0)
    # Symbolic: the output of a functional graph carries the query's mask too.
    symbolic = cornu.layers.Embedding(10, 4, mask_zero=True)(cornu.Input((6,), dtype="int32"))
    assert getattr(cornu.layers.MultiHeadAttention(2, 3)(symbolic, symbolic), "_keras_mask", None) is not None


@pytest.mark.parametrize("class_name,kwargs", [
    ("Attention", {}),
    ("Attention", dict(use_scale=True)),
    ("Attention", dict(score_mode="concat")),
    ("Attention", dict(score_mode="concat", use_scale=True)),
    ("AdditiveAttention", {}),
    ("AdditiveAttention", dict(use_scale=False)),
])
def test_dot_and_additive_attention_with_embedding_masks(keras_ref, class_name, kwargs):
    def build(lib):
        query_tokens, value_tokens = lib.Input((6,), dtype="int32"), lib.Input((5,), dtype="int32")
        query = lib.layers.Embedding(10, 4, mask_zero=True)(query_tokens)
        value = lib.layers.Embedding(10, 4, mask_zero=True)(value_tokens)
        out, scores = getattr(lib.layers, class_name)(**kwargs)([query, value], return_attention_scores=True)
        return lib.Model([query_tokens, value_tokens], [out, scores])

    model, ref_model = build(cornu), build(keras_ref)
    _same_weights(model, ref_model)
    query_tokens, value_tokens = _tokens(3), _tokens(4, shape=(3, 5), pad_from=(5, 3, 1))
    expected = ref_model([query_tokens, value_tokens])
    out = model([query_tokens, value_tokens])
    assert_outputs_match(out, expected)
    np.testing.assert_array_equal(to_numpy(out[0])[1, 4:], 0.0)  # masked query positions output 0
    np.testing.assert_array_equal(to_numpy(out[1])[2, :, 1:], 0.0)  # masked values get no weight
