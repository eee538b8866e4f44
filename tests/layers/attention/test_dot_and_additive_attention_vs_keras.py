"""Attention (Luong) and AdditiveAttention (Bahdanau) side by side with the real Keras."""

import numpy as np
import pytest

import cornu

from tests.helpers.attention_compare import assert_outputs_match, paired_layers, random_array

QUERY = (2, 4, 3)
VALUE = (2, 5, 3)
KEY = (2, 5, 3)


def _masks():
    query_mask = np.array([[1, 1, 1, 0], [1, 1, 0, 0]], bool)
    value_mask = np.array([[1, 1, 1, 1, 0], [1, 0, 1, 0, 1]], bool)
    return [query_mask, value_mask]


LAYERS = [
    ("Attention", {}),
    ("Attention", dict(use_scale=True)),
    ("Attention", dict(score_mode="concat")),
    ("Attention", dict(score_mode="concat", use_scale=True)),
    ("AdditiveAttention", {}),
    ("AdditiveAttention", dict(use_scale=False)),
]
CALLS = [
    ("plain", False, {}),
    ("key", True, {}),
    ("masks", False, dict(mask=_masks())),
    ("masks-scores", True, dict(mask=_masks(), return_attention_scores=True)),
    ("causal-scores", False, dict(use_causal_mask=True, return_attention_scores=True)),
    ("causal-masks", False, dict(use_causal_mask=True, mask=_masks())),
    ("dropout-inference", False, dict(training=False)),
]


@pytest.mark.parametrize("call", CALLS, ids=[c[0] for c in CALLS])
@pytest.mark.parametrize("layer_case", LAYERS, ids=[f"{n}-{'-'.join(k) or 'default'}" for n, k in LAYERS])
def test_outputs_and_weights_match_keras(keras_ref, layer_case, call):
    name, kwargs = layer_case
    _, with_key, call_kwargs = call
    if call[0] == "dropout-inference":
        kwargs = dict(kwargs, dropout=0.5, seed=1)
    layer, ref = paired_layers(keras_ref, name, **kwargs)
    inputs = [random_array(QUERY, 0), random_array(VALUE, 1)] + ([random_array(KEY, 2)] if with_key else [])
    ref(inputs, **call_kwargs)
    layer(inputs, **call_kwargs)
    if ref.weights:
        # Positive scales keep the scores in a range where float32 rounding stays far below the tolerance.
        rng = np.random.default_rng(5)
        ref.set_weights([rng.uniform(0.5, 1.5, size=tuple(w.shape)).astype("float32") for w in ref.weights])
        layer.set_weights([np.asarray(w) for w in ref.get_weights()])
    assert [w.name for w in layer.weights] == [w.name for w in ref.weights]
    assert [w.path for w in layer.weights] == [w.path for w in ref.weights]
    expected = ref(inputs, **call_kwargs)
    out = layer(inputs, **call_kwargs)
    assert_outputs_match(out, expected)

    symbolic = getattr(cornu.layers, name)(**kwargs)(
        [cornu.KerasTensor((None,) + x.shape[1:]) for x in inputs],
        **{k: v for k, v in call_kwargs.items() if k not in ("mask", "training")})
    eager = out if isinstance(out, tuple) else (out,)
    symbolic = symbolic if isinstance(symbolic, tuple) else (symbolic,)
    assert [tuple(s.shape) for s in symbolic] == [(None,) + tuple(e.shape[1:]) for e in eager]


def test_query_mask_becomes_the_output_mask(keras_ref):
    layer, ref = paired_layers(keras_ref, "Attention")
    inputs = [random_array(QUERY, 0), random_array(VALUE, 1)]
    masks = _masks()
    np.testing.assert_array_equal(cornu.ops.convert_to_numpy(layer.compute_mask(inputs, masks)),
                                  np.asarray(ref.compute_mask(inputs, masks)))
    assert layer.compute_mask(inputs, None) is None
    assert tuple(layer.compute_output_shape([QUERY, (2, 5, 7)])) == tuple(ref.compute_output_shape([QUERY, (2, 5, 7)]))


def test_scores_match_a_numpy_reference():
    query, value = random_array(QUERY, 0), random_array(VALUE, 1)
    _, value_mask = _masks()
    out, scores = cornu.layers.Attention()([query, value], mask=[None, value_mask], return_attention_scores=True)
    logits = np.einsum("btd,bsd->bts", query, value) - 1e9 * (~value_mask[:, None, :])
    weights = np.exp(logits - logits.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    np.testing.assert_allclose(cornu.ops.convert_to_numpy(scores), weights, atol=1e-6)
    np.testing.assert_allclose(cornu.ops.convert_to_numpy(out), weights @ value, atol=1e-5)


@pytest.mark.requires_trainable_backend
def test_dropout_applies_in_training_only():
    layer = cornu.layers.Attention(dropout=0.5, seed=3)
    inputs = [random_array(QUERY, 0), random_array(VALUE, 1)]
    inference = cornu.ops.convert_to_numpy(layer(inputs))
    trained = cornu.ops.convert_to_numpy(layer(inputs, training=True))
    assert not np.allclose(inference, trained)
