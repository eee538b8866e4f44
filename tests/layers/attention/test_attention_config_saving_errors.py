"""Attention layers: configs equal Keras's (both ways), .keras files round trip and move between
cornu and Keras, and bad input gets a clear error."""

import json
import os

import numpy as np
import pytest

import cornu

from tests.helpers.attention_compare import assert_outputs_match, random_array
from tests.helpers.layer_compare import assert_same_config, comparable_config

CONFIG_CASES = [
    ("MultiHeadAttention", dict(num_heads=2, key_dim=3)),
    ("MultiHeadAttention", dict(num_heads=4, key_dim=8, value_dim=5, dropout=0.1, use_bias=False, output_shape=(2, 3),
                                attention_axes=(1, 2), sliding_window=3, kernel_initializer="he_normal",
                                bias_initializer="ones", kernel_regularizer="l2", bias_regularizer={"class_name": "L1L2", "config": {"l1": 0.5, "l2": 0.25}},
                                activity_regularizer="l2", kernel_constraint="max_norm", bias_constraint="non_neg",
                                use_gate=True, seed=5, name="mha", dtype="float64", trainable=False)),
    ("MultiHeadAttention", dict(num_heads=1, key_dim=2, output_shape=7, attention_axes=-2)),
    ("GroupQueryAttention", dict(head_dim=4, num_query_heads=4, num_key_value_heads=2)),
    ("GroupQueryAttention", dict(head_dim=2, num_query_heads=6, num_key_value_heads=3, dropout=0.2, use_bias=False,
                                 sliding_window=4, kernel_initializer="orthogonal", kernel_regularizer="l2",
                                 activity_regularizer="l2", bias_constraint="unit_norm", use_gate=True, seed=3)),
    ("Attention", dict()),
    ("Attention", dict(use_scale=True, score_mode="concat", dropout=0.25, seed=4)),
    ("AdditiveAttention", dict()),
    ("AdditiveAttention", dict(use_scale=False, dropout=0.5, seed=2)),
]


@pytest.mark.parametrize("case", CONFIG_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CONFIG_CASES)])
def test_config_matches_keras_and_round_trips(keras_ref, case):
    name, kwargs = case
    layer, ref = getattr(cornu.layers, name)(**kwargs), getattr(keras_ref.layers, name)(**kwargs)
    assert_same_config(layer, ref)
    clone = type(layer).from_config(layer.get_config())
    assert comparable_config(clone) == comparable_config(layer)
    # Configs cross over: Keras builds from cornu's config and cornu from Keras's.
    assert comparable_config(type(ref).from_config(json.loads(json.dumps(layer.get_config())))) == \
        comparable_config(ref)
    from_keras = cornu.layers.deserialize(json.loads(json.dumps(keras_ref.layers.serialize(ref))))
    assert type(from_keras) is type(layer)
    assert comparable_config(from_keras) == comparable_config(layer)


def test_multi_head_attention_config_after_build_matches_keras(keras_ref):
    """Keras records the resolved attention axes at build; cornu does the same, so saved configs agree."""
    layer, ref = cornu.layers.MultiHeadAttention(2, 3), keras_ref.layers.MultiHeadAttention(2, 3)
    layer.build((None, 4, 5, 6), (None, 4, 5, 6))
    ref.build((None, 4, 5, 6), (None, 4, 5, 6))
    assert_same_config(layer, ref)
    assert layer.get_config()["attention_axes"] == (1, 2)


def _encoder_model(lib):
    tokens = lib.Input((6,), dtype="int32")
    x = lib.layers.Embedding(10, 8, mask_zero=True, embeddings_initializer="zeros")(tokens)
    attended = lib.layers.MultiHeadAttention(2, 4, dropout=0.1, seed=1, kernel_initializer="zeros", name="mha")(x, x)
    x = lib.layers.Add()([x, attended])
    x = lib.layers.LayerNormalization()(x)
    pooled = lib.layers.GlobalAveragePooling1D()(x)
    return lib.Model(tokens, lib.layers.Dense(3, kernel_initializer="zeros")(pooled))


def _randomize(model, seed=5):
    rng = np.random.default_rng(seed)
    model.set_weights([(rng.normal(size=tuple(w.shape)) * 0.5).astype("float32") for w in model.weights])


def _tokens():
    tokens = np.random.default_rng(1).integers(1, 10, size=(4, 6)).astype("int32")
    tokens[1, 3:] = 0
    tokens[2, 5:] = 0
    return tokens


def test_keras_file_round_trip(tmp_path):
    model = _encoder_model(cornu)
    _randomize(model)
    tokens = _tokens()
    expected = model.predict(tokens, verbose=0)
    path = os.path.join(tmp_path, "encoder.keras")
    cornu.saving.save_model(model, path)
    loaded = cornu.saving.load_model(path)
    assert_outputs_match(loaded.predict(tokens, verbose=0), expected)
    assert [w.path for w in loaded.weights] == [w.path for w in model.weights]
    assert isinstance(loaded.get_layer("mha"), cornu.layers.MultiHeadAttention)
    assert loaded.get_layer("mha").get_build_config() == model.get_layer("mha").get_build_config()


def test_keras_files_move_between_keras_and_cornu(keras_ref, tmp_path):
    tokens = _tokens()
    ref_model = _encoder_model(keras_ref)
    _randomize(ref_model)
    expected = np.asarray(ref_model.predict(tokens, verbose=0))
    keras_path = os.path.join(tmp_path, "from_keras.keras")
    ref_model.save(keras_path)
    loaded = cornu.saving.load_model(keras_path)
    assert_outputs_match(loaded.predict(tokens, verbose=0), expected)

    model = _encoder_model(cornu)
    _randomize(model, seed=8)
    cornu_path = os.path.join(tmp_path, "from_cornu.keras")
    cornu.saving.save_model(model, cornu_path)
    in_keras = keras_ref.saving.load_model(cornu_path)
    assert_outputs_match(model.predict(tokens, verbose=0), np.asarray(in_keras.predict(tokens, verbose=0)))


@pytest.mark.parametrize("make,pattern", [
    (lambda: cornu.layers.MultiHeadAttention(0, 4), r"num_heads.*positive integer.*Received: num_heads=0"),
    (lambda: cornu.layers.MultiHeadAttention(2, 2.5), r"key_dim.*Received: key_dim=2.5"),
    (lambda: cornu.layers.MultiHeadAttention(2, 4, value_dim=-1), r"value_dim.*Received: value_dim=-1"),
    (lambda: cornu.layers.MultiHeadAttention(2, 4, output_shape="wide"), r"output_shape.*Received"),
    (lambda: cornu.layers.MultiHeadAttention(2, 4, attention_axes="rows"), r"attention_axes.*Received"),
    (lambda: cornu.layers.MultiHeadAttention(2, 4, dropout=1.5), r"dropout.*between 0 and 1.*Received: dropout=1.5"),
    (lambda: cornu.layers.MultiHeadAttention(2, 4, sliding_window=0), r"sliding_window.*Received: sliding_window=0"),
    (lambda: cornu.layers.MultiHeadAttention(2, 4, dropout=0.1, flash_attention=True), r"Dropout is not supported"),
    (lambda: cornu.layers.GroupQueryAttention(4, 6, 4), r"divisible.*Received: num_query_heads=6"),
    (lambda: cornu.layers.GroupQueryAttention(0, 4, 2), r"head_dim.*Received: head_dim=0"),
    (lambda: cornu.layers.Attention(score_mode="cosine"), r"score_mode.*Received: score_mode='cosine'"),
    (lambda: cornu.layers.AdditiveAttention(dropout=-0.1), r"dropout.*Received: dropout=-0.1"),
])
def test_bad_arguments_are_refused(make, pattern):
    with pytest.raises(ValueError, match=pattern):
        make()


def test_bad_inputs_get_clear_errors():
    query, value = random_array((2, 5, 6), 0), random_array((2, 4, 6), 1)
    with pytest.raises(ValueError, match=r"rank 3 or more.*Received: query_shape=\(2, 6\)"):
        cornu.layers.MultiHeadAttention(2, 3)(query[:, 0], value[:, 0])
    with pytest.raises(ValueError, match=r"same rank.*Received: query_shape=\(2, 5, 6\)"):
        cornu.layers.MultiHeadAttention(2, 3)(query, random_array((2, 4, 2, 6), 1))
    with pytest.raises(ValueError, match=r"except the last one.*Received: value_shape=\(2, 4, 6\) and key_shape"):
        cornu.layers.MultiHeadAttention(2, 3)(query, value, random_array((2, 3, 6), 2))
    with pytest.raises(ValueError, match=r"attention_axes.*Received: attention_axes=\(3,\)"):
        cornu.layers.MultiHeadAttention(2, 3, attention_axes=3)(random_array((2, 3, 4, 6), 0),
                                                                random_array((2, 3, 4, 6), 0))
    with pytest.raises(ValueError, match=r"attention_mask.*\(2, 5, 4\).*Received: attention_mask.shape=\(2, 4, 5\)"):
        cornu.layers.MultiHeadAttention(2, 3)(query, value, attention_mask=np.ones((2, 4, 5), bool))
    with pytest.raises(ValueError, match=r"needs both a `query` and a `value`"):
        cornu.layers.MultiHeadAttention(2, 3)(query=query)
    with pytest.raises(ValueError, match=r"3-D inputs.*Received: query_shape=\(2, 3, 5, 6\)"):
        cornu.layers.GroupQueryAttention(2, 2, 1)(random_array((2, 3, 5, 6), 0), random_array((2, 3, 5, 6), 0))
    with pytest.raises(ValueError, match=r"attention_mask.*Received: attention_mask.shape=\(2, 5, 3\)"):
        cornu.layers.GroupQueryAttention(2, 2, 1)(query, value, attention_mask=np.ones((2, 5, 3), bool))
    with pytest.raises(ValueError, match=r"list of inputs.*Received: inputs="):
        cornu.layers.Attention()(query)
    with pytest.raises(ValueError, match=r"length 2 or 3.*Received length: 4"):
        cornu.layers.Attention()([query, value, value, value])
    with pytest.raises(ValueError, match=r"same last dimension.*Received: query_shape=\(2, 5, 6\), key_shape=\(2, 4, 3\)"):
        cornu.layers.Attention()([query, value, random_array((2, 4, 3), 2)])
    with pytest.raises(ValueError, match=r"same number of positions.*Received: value_shape=\(2, 4, 6\)"):
        cornu.layers.AdditiveAttention()([query, value, random_array((2, 3, 6), 2)])


def test_flash_attention_setting_and_scores():
    assert cornu.layers.attention.is_flash_attention_enabled() is None
    layer = cornu.layers.MultiHeadAttention(2, 3, flash_attention=True)
    x = random_array((2, 5, 6), 0)
    if cornu.backend.backend() == "tensorflow":  # as Keras's TensorFlow backend
        with pytest.raises(ValueError, match="Flash attention is not supported on the TensorFlow backend"):
            layer(x, x)
    else:
        layer(x, x)  # the fused path works with flash attention asked for
    with pytest.raises(ValueError, match="Returning attention scores is not supported when flash attention"):
        layer(x, x, return_attention_scores=True)
    cornu.layers.attention.disable_flash_attention()
    try:
        assert cornu.layers.attention.is_flash_attention_enabled() is False
    finally:
        cornu.layers.attention.enable_flash_attention()
    assert cornu.layers.attention.is_flash_attention_enabled() is None
