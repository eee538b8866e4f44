"""Masked sequences side by side with the real Keras: right and left padding, empty rows, initial states,
masks from ``Masking`` and ``Embedding(mask_zero=True)``, and the masks the layers pass on."""

import numpy as np
import pytest

import cornu
from cornu import backend

from tests.helpers.layer_compare import to_numpy
from tests.helpers.rnn_compare import assert_outputs_close, paired_layers, sequences

MASKS = {
    "right_padded": [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 0, 0, 0]],
    "left_padded": [[1, 1, 1, 1, 1], [0, 0, 1, 1, 1], [0, 0, 0, 0, 1]],
    "empty_row": [[1, 1, 0, 0, 0], [0, 0, 0, 0, 0], [1, 0, 1, 0, 1]],
}
LAYERS = [("SimpleRNN", {}), ("LSTM", {}), ("GRU", {}), ("GRU", {"reset_after": False})]


@pytest.mark.parametrize("mask_name", list(MASKS))
@pytest.mark.parametrize("layer_case", LAYERS, ids=lambda c: c[0] + "".join(f"-{k}={v}" for k, v in c[1].items()))
@pytest.mark.parametrize("options", [
    {"return_sequences": True, "return_state": True},
    {"go_backwards": True, "return_sequences": True},
    {"zero_output_for_mask": True, "return_sequences": True, "return_state": True},
], ids=["sequences+state", "backwards", "zero_output"])
def test_masked_outputs_match_keras(keras_ref, layer_case, mask_name, options):
    name, kwargs = layer_case
    x = sequences((3, 5, 4))
    mask = np.array(MASKS[mask_name], dtype=bool)
    ours, theirs = paired_layers(keras_ref, name, (None, 5, 4), units=3, **kwargs, **options)
    assert_outputs_close(ours(x, mask=mask), theirs(x, mask=mask))


@pytest.mark.parametrize("mask_name", list(MASKS))
@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_masked_outputs_with_initial_state_match_keras(keras_ref, name, mask_name):
    x = sequences((3, 5, 4))
    mask = np.array(MASKS[mask_name], dtype=bool)
    n_states = 2 if name == "LSTM" else 1
    states = [sequences((3, 3), seed=10 + i) for i in range(n_states)]
    ours, theirs = paired_layers(keras_ref, name, (None, 5, 4), units=3, return_sequences=True, return_state=True)
    assert_outputs_close(ours(x, initial_state=states, mask=mask), theirs(x, initial_state=states, mask=mask))


@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU"])
def test_masking_layer_mask_reaches_the_rnn_in_a_functional_model(keras_ref, name):
    x = sequences((3, 5, 4))
    x[1, 3:] = 0.0
    x[2, :2] = 0.0

    def build(lib, layer):
        inputs = lib.Input((5, 4))
        return lib.Model(inputs, layer(lib.layers.Masking(0.0)(inputs)))

    ours, theirs = paired_layers(keras_ref, name, (None, 5, 4), units=3, return_sequences=True)
    assert_outputs_close(build(cornu, ours)(x), build(keras_ref, theirs)(x))


def test_embedding_mask_zero_feeds_an_lstm_like_keras(keras_ref):
    tokens = np.array([[3, 1, 4, 0, 0], [2, 0, 0, 0, 0], [5, 9, 2, 6, 5]], dtype="int32")
    embedding = np.random.default_rng(3).normal(size=(10, 4)).astype("float32")

    def build(lib, lstm):
        inputs = lib.Input((5,), dtype="int32")
        embedded = lib.layers.Embedding(10, 4, mask_zero=True, embeddings_initializer=lib.initializers.Constant(
            embedding))(inputs)
        return lib.Model(inputs, lstm(embedded))

    ours, theirs = paired_layers(keras_ref, "LSTM", (None, 5, 4), units=3, return_sequences=True)
    our_model, their_model = build(cornu, ours), build(keras_ref, theirs)
    assert_outputs_close(our_model(tokens), their_model(tokens))
    # The mask travels on: a masked step of a returned sequence stays masked for the next layer.
    np.testing.assert_array_equal(to_numpy(ours.compute_mask(None, tokens != 0)), tokens != 0)


def test_output_masks_follow_keras():
    x = sequences((2, 4, 3))
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1]], dtype=bool)
    sequences_layer = cornu.layers.GRU(2, return_sequences=True, return_state=True)
    output, state = sequences_layer(x, mask=mask)
    np.testing.assert_array_equal(to_numpy(backend.get_keras_mask(output)), mask)
    assert backend.get_keras_mask(state) is None
    last_layer = cornu.layers.GRU(2)
    assert backend.get_keras_mask(last_layer(x, mask=mask)) is None
    assert sequences_layer.compute_mask(x, mask)[1:] == [None]


def test_output_masks_in_the_functional_api():
    inputs = cornu.Input((4, 3))
    masked = cornu.layers.Masking()(inputs)
    output, h, c = cornu.layers.LSTM(2, return_sequences=True, return_state=True)(masked)
    assert output._keras_mask is not None and tuple(output._keras_mask.shape) == (None, 4)
    assert getattr(h, "_keras_mask", None) is None and getattr(c, "_keras_mask", None) is None
    last = cornu.layers.LSTM(2)(masked)
    assert getattr(last, "_keras_mask", None) is None
