"""MultiHeadAttention side by side with the real Keras: outputs, scores, weights and symbolic shapes."""

import json

import numpy as np
import pytest

import cornu

from tests.helpers.attention_compare import assert_outputs_match, give_same_random_weights, paired_layers, random_array, run_side_by_side

QUERY = (2, 5, 6)
VALUE = (2, 4, 6)
KEY = (2, 4, 3)
GRID = (2, 3, 4, 6)  # 4-D inputs: (batch, rows, cols, features)


def _attention_mask(seed=3):
    mask = np.random.default_rng(seed).integers(0, 2, size=(QUERY[0], QUERY[1], VALUE[1])).astype(bool)
    mask[:, :, 0] = True  # every query position sees at least one key
    return mask


# (id, constructor kwargs, input shapes, call kwargs)
CASES = [
    ("self", dict(num_heads=2, key_dim=3), (QUERY, QUERY), {}),
    ("self-scores", dict(num_heads=2, key_dim=3), (QUERY, QUERY), dict(return_attention_scores=True)),
    ("cross", dict(num_heads=3, key_dim=2), (QUERY, VALUE), {}),
    ("cross-scores", dict(num_heads=3, key_dim=2), (QUERY, VALUE), dict(return_attention_scores=True)),
    ("cross-key", dict(num_heads=2, key_dim=4), (QUERY, VALUE, KEY), {}),
    ("attention-mask", dict(num_heads=2, key_dim=3), (QUERY, VALUE), dict(attention_mask=_attention_mask())),
    ("attention-mask-scores", dict(num_heads=2, key_dim=3), (QUERY, VALUE),
     dict(attention_mask=_attention_mask(), return_attention_scores=True)),
    ("attention-mask-2d", dict(num_heads=2, key_dim=3), (QUERY, VALUE), dict(attention_mask=_attention_mask()[0])),
    ("attention-mask-per-head-scores", dict(num_heads=2, key_dim=3), (QUERY, VALUE),
     dict(attention_mask=np.stack([_attention_mask(), _attention_mask(4)], axis=1), return_attention_scores=True)),
    ("causal", dict(num_heads=2, key_dim=3), (QUERY, QUERY), dict(use_causal_mask=True)),
    ("causal-scores", dict(num_heads=2, key_dim=3), (QUERY, QUERY),
     dict(use_causal_mask=True, return_attention_scores=True)),
    ("causal-and-mask", dict(num_heads=2, key_dim=3), (QUERY, VALUE),
     dict(use_causal_mask=True, attention_mask=_attention_mask())),
    ("output-shape-int", dict(num_heads=2, key_dim=3, output_shape=7), (QUERY, VALUE), {}),
    ("output-shape-tuple", dict(num_heads=2, key_dim=3, output_shape=(2, 3)), (QUERY, VALUE, KEY), {}),
    ("no-bias", dict(num_heads=2, key_dim=3, use_bias=False), (QUERY, VALUE), {}),
    ("gate-sliding-window", dict(num_heads=2, key_dim=3, use_gate=True, sliding_window=2), (QUERY, QUERY), {}),
    ("dropout-inference", dict(num_heads=2, key_dim=3, dropout=0.3, seed=1), (QUERY, VALUE), {}),
    ("axes-1-2", dict(num_heads=2, key_dim=3, attention_axes=(1, 2)), (GRID, GRID), {}),
    ("axes-1-2-scores", dict(num_heads=2, key_dim=3, attention_axes=(1, 2)), (GRID, GRID),
     dict(return_attention_scores=True)),
    ("axes-default-4d", dict(num_heads=2, key_dim=3), (GRID, GRID), dict(return_attention_scores=True)),
    ("axis-2", dict(num_heads=2, key_dim=3, attention_axes=2), (GRID, GRID), dict(return_attention_scores=True)),
    ("axis-minus-3", dict(num_heads=1, key_dim=3, attention_axes=[-3]), (GRID, GRID), {}),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_outputs_and_weights_match_keras(keras_ref, case):
    _, kwargs, shapes, call_kwargs = case
    layer, ref = paired_layers(keras_ref, "MultiHeadAttention", **kwargs)
    args = [random_array(shape, seed=i) for i, shape in enumerate(shapes)]
    out, _ = run_side_by_side(layer, ref, args, call_kwargs)
    assert len(layer.weights) == len(ref.weights)
    assert [w.name for w in layer.weights] == [w.name for w in ref.weights]

    # A fresh layer called on symbolic inputs (unknown batch) gives the eager shapes.
    fresh = cornu.layers.MultiHeadAttention(**kwargs)
    symbolic_kwargs = {k: v for k, v in call_kwargs.items() if k != "attention_mask"}
    if "attention_mask" in call_kwargs:
        symbolic_kwargs["attention_mask"] = cornu.KerasTensor(call_kwargs["attention_mask"].shape, dtype="bool")
    symbolic = fresh(*[cornu.KerasTensor((None,) + shape[1:]) for shape in shapes], **symbolic_kwargs)
    eager = out if isinstance(out, tuple) else (out,)
    symbolic = symbolic if isinstance(symbolic, tuple) else (symbolic,)
    assert [tuple(s.shape) for s in symbolic] == [(None,) + tuple(e.shape[1:]) for e in eager]
    assert tuple(layer.compute_output_shape(*shapes)) == tuple(ref.compute_output_shape(*shapes))


def test_value_dim_different_from_key_dim(keras_ref):
    """Real Keras 3.15.1 on JAX fails on the fused path when value_dim != key_dim (jax.nn.dot_product_attention
    wants equal head sizes); cornu's fused path handles it and agrees with Keras's explicit path."""
    kwargs = dict(num_heads=2, key_dim=3, value_dim=5, output_shape=4)
    layer, ref = paired_layers(keras_ref, "MultiHeadAttention", **kwargs)
    query, value, key = random_array(QUERY, 0), random_array(VALUE, 1), random_array(KEY, 2)
    run_side_by_side(layer, ref, [query, value, key], dict(return_attention_scores=True))
    expected, _ = ref(query, value, key, return_attention_scores=True)
    assert_outputs_match(layer(query, value, key), expected)
    assert [tuple(w.shape) for w in layer.weights] == [(6, 2, 3), (2, 3), (3, 2, 3), (2, 3), (6, 2, 5), (2, 5),
                                                      (2, 5, 4), (4,)]


def test_build_from_shapes_like_keras(keras_ref):
    layer, ref = paired_layers(keras_ref, "MultiHeadAttention", num_heads=2, key_dim=3)
    layer.build(QUERY, VALUE, KEY)
    ref.build(QUERY, VALUE, KEY)
    give_same_random_weights(layer, ref)
    args = [random_array(QUERY, 0), random_array(VALUE, 1), random_array(KEY, 2)]
    assert_outputs_match(layer(*args), ref(*args))
    assert layer.get_build_config() == {"shapes_dict": {"query_shape": list(QUERY), "value_shape": list(VALUE),
                                                        "key_shape": list(KEY)}}
    assert json.loads(json.dumps(layer.get_build_config())) == json.loads(json.dumps(ref.get_build_config()))


def test_keyword_call_and_numpy_key(keras_ref):
    layer, ref = paired_layers(keras_ref, "MultiHeadAttention", num_heads=2, key_dim=3)
    query, value, key = random_array(QUERY, 0), random_array(VALUE, 1), random_array(KEY, 2)
    ref(query=query, value=value, key=key)
    layer(query=query, value=value, key=key)
    give_same_random_weights(layer, ref)
    assert_outputs_match(layer(query=query, value=value, key=key), ref(query=query, value=value, key=key))


@pytest.mark.requires_trainable_backend
def test_dropout_is_active_only_in_training():
    layer = cornu.layers.MultiHeadAttention(num_heads=2, key_dim=3, dropout=0.5, seed=3)
    x = random_array(QUERY, 0)
    inference = cornu.ops.convert_to_numpy(layer(x, x))
    np.testing.assert_allclose(cornu.ops.convert_to_numpy(layer(x, x, training=False)), inference)
    _, scores = layer(x, x, training=True, return_attention_scores=True)
    trained = cornu.ops.convert_to_numpy(layer(x, x, training=True))
    assert np.all(np.isfinite(trained)) and not np.allclose(trained, inference)
    # The returned scores are the softmax before dropout: rows still sum to 1.
    np.testing.assert_allclose(cornu.ops.convert_to_numpy(scores).sum(-1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("call_kwargs,fused", [
    ({}, True),
    (dict(use_causal_mask=True), True),
    (dict(attention_mask=np.ones((2, 5, 5), bool)), True),
    (dict(return_attention_scores=True), False),
])
@pytest.mark.parametrize("class_name", ["MultiHeadAttention", "GroupQueryAttention"])
def test_fused_kernel_is_used_where_keras_uses_it(monkeypatch, class_name, call_kwargs, fused):
    calls = []
    original = cornu.ops.dot_product_attention

    def counting(*args, **kwargs):
        calls.append(kwargs.get("is_causal"))
        return original(*args, **kwargs)

    monkeypatch.setattr(cornu.ops, "dot_product_attention", counting)
    args = (2, 3) if class_name == "MultiHeadAttention" else (3, 2, 1)
    x = random_array(QUERY, 0)
    getattr(cornu.layers, class_name)(*args)(x, x, **call_kwargs)
    assert len(calls) == (1 if fused else 0)
    if fused and call_kwargs.get("use_causal_mask"):
        assert calls == [True]  # a causal mask alone is not materialized: the kernel gets is_causal
    calls.clear()
    getattr(cornu.layers, class_name)(*args, dropout=0.2)(x, x)  # dropout: the explicit path, as in Keras
    assert calls == []


def test_explicit_path_for_multi_axis_attention(monkeypatch):
    monkeypatch.setattr(cornu.ops, "dot_product_attention", lambda *a, **k: pytest.fail("fused kernel on 4-D"))
    x = random_array(GRID, 0)
    assert tuple(cornu.layers.MultiHeadAttention(2, 3)(x, x).shape) == GRID


def test_mixed_precision_matches_keras(keras_ref):
    layer, ref = paired_layers(keras_ref, "MultiHeadAttention", num_heads=2, key_dim=3, dtype="mixed_float16")
    query, value = random_array(QUERY, 0), random_array(VALUE, 1)
    ref(query, value)
    layer(query, value)
    give_same_random_weights(layer, ref)
    out = layer(query, value, use_causal_mask=False)
    assert cornu.backend.standardize_dtype(out.dtype) == "float16"
    assert all(w.dtype == "float32" for w in layer.weights)
    np.testing.assert_allclose(cornu.ops.convert_to_numpy(out).astype("float32"),
                               np.asarray(ref(query, value)).astype("float32"), atol=2e-2, rtol=2e-2)
