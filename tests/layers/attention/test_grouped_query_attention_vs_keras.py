"""GroupQueryAttention side by side with the real Keras: outputs, scores, weights and symbolic shapes."""

import numpy as np
import pytest

import cornu

from tests.helpers.attention_compare import paired_layers, random_array, run_side_by_side

QUERY = (2, 5, 8)
VALUE = (2, 4, 8)
KEY = (2, 4, 3)


def _attention_mask():
    mask = np.random.default_rng(4).integers(0, 2, size=(QUERY[0], QUERY[1], VALUE[1])).astype(bool)
    mask[:, :, -1] = True
    return mask


CASES = [
    ("self", dict(head_dim=3, num_query_heads=4, num_key_value_heads=2), (QUERY, QUERY), {}),
    ("cross-scores", dict(head_dim=3, num_query_heads=4, num_key_value_heads=2), (QUERY, VALUE),
     dict(return_attention_scores=True)),
    ("cross-key", dict(head_dim=3, num_query_heads=4, num_key_value_heads=2), (QUERY, VALUE, KEY), {}),
    ("multi-query", dict(head_dim=3, num_query_heads=4, num_key_value_heads=1), (QUERY, VALUE), {}),
    ("attention-mask", dict(head_dim=3, num_query_heads=4, num_key_value_heads=2), (QUERY, VALUE),
     dict(attention_mask=_attention_mask())),
    ("attention-mask-scores", dict(head_dim=3, num_query_heads=4, num_key_value_heads=2), (QUERY, VALUE),
     dict(attention_mask=_attention_mask(), return_attention_scores=True)),
    ("causal", dict(head_dim=3, num_query_heads=4, num_key_value_heads=2), (QUERY, QUERY),
     dict(use_causal_mask=True)),
    ("causal-scores", dict(head_dim=3, num_query_heads=4, num_key_value_heads=2), (QUERY, QUERY),
     dict(use_causal_mask=True, return_attention_scores=True)),
    ("no-bias-gate-window", dict(head_dim=3, num_query_heads=4, num_key_value_heads=2, use_bias=False, use_gate=True,
                                 sliding_window=2), (QUERY, QUERY), dict(use_causal_mask=True)),
    ("dropout-inference", dict(head_dim=3, num_query_heads=4, num_key_value_heads=2, dropout=0.4, seed=2),
     (QUERY, VALUE), {}),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_outputs_and_weights_match_keras(keras_ref, case):
    _, kwargs, shapes, call_kwargs = case
    layer, ref = paired_layers(keras_ref, "GroupQueryAttention", **kwargs)
    args = [random_array(shape, seed=i) for i, shape in enumerate(shapes)]
    out, _ = run_side_by_side(layer, ref, args, call_kwargs)
    key_value_heads = kwargs["num_key_value_heads"]
    key_kernel = dict(zip([w.path for w in layer.weights], layer.weights))[f"{layer.name}/key/kernel"]
    assert tuple(key_kernel.shape) == (shapes[-1][-1], key_value_heads, kwargs["head_dim"])

    fresh = cornu.layers.GroupQueryAttention(**kwargs)
    symbolic_kwargs = dict(call_kwargs)
    if "attention_mask" in call_kwargs:
        symbolic_kwargs["attention_mask"] = cornu.KerasTensor((None, QUERY[1], VALUE[1]), dtype="bool")
    symbolic = fresh(*[cornu.KerasTensor((None,) + shape[1:]) for shape in shapes], **symbolic_kwargs)
    eager = out if isinstance(out, tuple) else (out,)
    symbolic = symbolic if isinstance(symbolic, tuple) else (symbolic,)
    assert [tuple(s.shape) for s in symbolic] == [(None,) + tuple(e.shape[1:]) for e in eager]


def test_grouped_heads_equal_multi_head_attention_with_repeated_key_value_weights():
    """A reference from first principles: GQA equals MHA whose key/value projections repeat each group's weights."""
    gqa = cornu.layers.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2)
    mha = cornu.layers.MultiHeadAttention(num_heads=4, key_dim=3)
    query, value = random_array(QUERY, 0), random_array(VALUE, 1)
    gqa.build(QUERY, VALUE)
    mha.build(QUERY, VALUE)
    rng = np.random.default_rng(0)
    gqa.set_weights([(rng.normal(size=tuple(w.shape)) * 0.5).astype("float32") for w in gqa.weights])
    weights = dict(zip([w.path.split("/", 1)[1] for w in gqa.weights], gqa.get_weights()))
    repeat = {"key/kernel": 1, "key/bias": 0, "value/kernel": 1, "value/bias": 0}
    mha.set_weights([np.repeat(weights[name], 2, axis=repeat[name]) if name in repeat else weights[name]
                     for name in [w.path.split("/", 1)[1] for w in mha.weights]])
    for kwargs in ({}, dict(use_causal_mask=True), dict(attention_mask=_attention_mask())):
        np.testing.assert_allclose(cornu.ops.convert_to_numpy(gqa(query, value, **kwargs)),
                                   cornu.ops.convert_to_numpy(mha(query, value, **kwargs)), atol=1e-5, rtol=1e-5)
