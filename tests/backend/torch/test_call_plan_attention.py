"""The call plan's MultiHeadAttention kernel (cornu/backend/torch/call_plan_attention.py) gives
the layer's own numbers and gradients, and leaves masks, dropout and other configurations to
the layer's full call."""

import collections

import numpy as np
import pytest

from cornu import backend

if backend.backend() != "torch":
    pytest.skip("the call plan is the torch backend's (CORNU_BACKEND=torch)", allow_module_level=True)

import torch  # noqa: E402

import cornu  # noqa: E402
from cornu import layers  # noqa: E402
from cornu.backend.torch import call_plan  # noqa: E402
from cornu.backend.torch.call_plan_attention import attention_kernel_for  # noqa: E402
from tests.backend.torch.test_call_plan import _compare, _numpy, _plain  # noqa: E402

RNG = np.random.default_rng(1)


@pytest.fixture
def attention_runs(monkeypatch):
    """Counts, per layer name, the calls the plan answered with the attention kernel."""
    counts = collections.Counter()
    original = call_plan.attention_kernel_for

    def counting(layer, positions, keywords):
        run = original(layer, positions, keywords)
        if run is None:
            return None

        def counted(inputs, training):
            outputs = run(inputs, training)
            if outputs is not call_plan.NOT_HANDLED:
                counts[layer.name] += 1
            return outputs

        return counted

    monkeypatch.setattr(call_plan, "attention_kernel_for", counting)
    return counts


def _floats(*shape):
    return torch.from_numpy(RNG.normal(size=shape).astype("float32"))


def _reference_attention(layer, query, value, causal=False):
    """MultiHeadAttention in NumPy from the layer's weights."""
    def project(x, dense):
        return np.einsum("btd,dhk->bthk", x, dense.kernel.numpy()) + dense.bias.numpy()

    q, k, v = project(query, layer.query_dense), project(value, layer.key_dense), project(value, layer.value_dense)
    scores = np.einsum("bthk,bshk->bhts", q, k) / np.sqrt(layer.key_dim)
    if causal:
        scores = np.where(np.tril(np.ones(scores.shape[-2:], bool)), scores, -np.inf)
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    attended = np.einsum("bhts,bshk->bthk", weights, v)
    return np.einsum("bthk,hkd->btd", attended, layer.output_dense.kernel.numpy()) + layer.output_dense.bias.numpy()


def _encoder_block(length=5, width=8, **attention_kwargs):
    inputs = cornu.Input((length, width))
    attention = layers.MultiHeadAttention(num_heads=2, key_dim=4, name="attention")
    h = layers.LayerNormalization(epsilon=1e-6)(inputs + attention(inputs, inputs, **attention_kwargs))
    return cornu.Model(inputs, layers.Dense(3)(h)), attention


@pytest.mark.parametrize("causal", [False, True])
def test_self_attention_matches_the_layer_and_numpy(causal, attention_runs):
    model, attention = _encoder_block(use_causal_mask=causal)
    x = _floats(3, 5, 8)
    _compare(model, x)
    assert attention_runs["attention"] == 1
    inner = cornu.Model(model.inputs, attention.output)
    np.testing.assert_allclose(_numpy(inner(x)), _reference_attention(attention, x.numpy(), x.numpy(), causal),
                               rtol=1e-5, atol=1e-5)


def test_cross_attention_with_key_and_keywords_matches(attention_runs):
    query, value, key = cornu.Input((4, 6)), cornu.Input((7, 5)), cornu.Input((7, 3))
    attention = layers.MultiHeadAttention(num_heads=3, key_dim=2, value_dim=5, output_shape=(6,), name="cross")
    model = cornu.Model([query, value, key], attention(query=query, value=value, key=key))
    _compare(model, [_floats(2, 4, 6), _floats(2, 7, 5), _floats(2, 7, 3)])
    assert attention_runs["cross"] == 1
    no_key = layers.MultiHeadAttention(num_heads=2, key_dim=3, name="no_key")
    model = cornu.Model([query, value], no_key(query, value, return_attention_scores=False))
    _compare(model, [_floats(2, 4, 6), _floats(2, 7, 5)])
    assert attention_runs["no_key"] == 1


def test_gradients_in_training_match():
    model, _ = _encoder_block()
    x = _floats(2, 5, 8)

    def grads():
        model.zero_grad()
        (model(x, training=True) ** 2).sum().backward()
        return [v.value.grad.clone() for v in model.trainable_variables]

    expected = _plain(grads)
    grads()
    got = grads()
    assert len(got) == len(expected) > 8
    for a, b in zip(got, expected):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)


def test_masks_scores_and_dropout_take_the_full_call(attention_runs):
    tokens = cornu.Input((6,), dtype="int32")
    h = layers.Embedding(10, 8, mask_zero=True)(tokens)  # a Keras mask reaches the attention
    masked = cornu.Model(tokens, layers.MultiHeadAttention(2, 4, name="masked")(h, h))
    x = torch.tensor([[1, 2, 0, 0, 0, 0], [3, 4, 5, 6, 7, 8]], dtype=torch.int32)
    _compare(masked, x)

    inputs, mask = cornu.Input((5, 8)), cornu.Input((5, 5), dtype="bool")
    explicit = cornu.Model([inputs, mask],
                           layers.MultiHeadAttention(2, 4, name="explicit")(inputs, inputs, attention_mask=mask))
    _compare(explicit, [_floats(2, 5, 8), torch.from_numpy(RNG.random((2, 5, 5)) > 0.3)])

    scores_layer = layers.MultiHeadAttention(2, 4, name="scores")
    out, scores = scores_layer(inputs, inputs, return_attention_scores=True)
    _compare(cornu.Model(inputs, [out, scores]), _floats(2, 5, 8))

    dropout = cornu.Model(inputs, layers.MultiHeadAttention(2, 4, dropout=0.5, name="dropout")(inputs, inputs))
    x = _floats(2, 5, 8)
    _compare(dropout, x, training=False)
    assert not np.allclose(_numpy(dropout(x, training=True)), _numpy(dropout(x, training=False)))
    assert attention_runs == {}


def test_configurations_without_a_kernel():
    x = np.ones((1, 3, 4), "float32")
    assert attention_kernel_for(layers.MultiHeadAttention(2, 2), (0, 1), {}) is None  # not built
    gated = layers.MultiHeadAttention(2, 2, use_gate=True)
    gated(x, x)
    assert attention_kernel_for(gated, (0, 1), {}) is None
    plain = layers.MultiHeadAttention(2, 2)
    plain(x, x)
    assert attention_kernel_for(plain, (0, 1), {}) is not None
    assert attention_kernel_for(plain, (0, 1), {"return_attention_scores": True}) is None
    assert attention_kernel_for(plain, (0, 1), {"query_mask": None}) is None
    plain.call = plain.call  # a `call` set on the instance runs as it is
    assert attention_kernel_for(plain, (0, 1), {}) is None
    image = layers.MultiHeadAttention(2, 2, attention_axes=(1, 2))
    image(np.ones((1, 2, 3, 4), "float32"), np.ones((1, 2, 3, 4), "float32"))
    assert attention_kernel_for(image, (0, 1), {}) is None


def test_the_kernel_follows_weight_updates():
    model, attention = _encoder_block()
    x = _floats(2, 5, 8)
    _compare(model, x)
    attention.value_dense.kernel.assign(attention.value_dense.kernel.numpy() * 2)
    _compare(model, x)
