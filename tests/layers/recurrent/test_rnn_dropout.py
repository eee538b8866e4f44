"""Dropout in recurrent cells: one mask per sequence (the same at every step), a new one per call,
none at inference; on JAX the seeded masks are Keras's own."""

import numpy as np
import pytest

import cornu
from cornu import backend

from tests.helpers.layer_compare import to_numpy
from tests.helpers.rnn_compare import assert_outputs_close, paired_layers, sequences


def _mask_revealing_rnn(**kwargs):
    """A linear SimpleRNN whose output at each step is just the dropped-out input (ones -> the mask)."""
    layer = cornu.layers.SimpleRNN(6, activation=None, use_bias=False, kernel_initializer="identity",
                                   recurrent_initializer="zeros", return_sequences=True, **kwargs)
    layer.build((None, 5, 6))
    return layer


@pytest.mark.requires_trainable_backend
def test_input_dropout_mask_is_the_same_at_every_step_and_new_for_each_call():
    layer = _mask_revealing_rnn(dropout=0.5, seed=3)
    x = np.ones((4, 5, 6), "float32")
    first = to_numpy(layer(x, training=True))
    assert set(np.unique(first)) <= {0.0, 2.0} and 0.0 in first and 2.0 in first
    np.testing.assert_array_equal(first, np.repeat(first[:, :1], 5, axis=1))
    second = to_numpy(layer(x, training=True))
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(to_numpy(layer(x, training=False)), x)
    assert layer.cell._dropout_mask is None  # cleared after each call


@pytest.mark.requires_trainable_backend
def test_recurrent_dropout_masks_the_state_with_one_mask_per_sequence():
    layer = cornu.layers.SimpleRNN(4, activation=None, use_bias=False, kernel_initializer="zeros",
                                   recurrent_initializer="identity", recurrent_dropout=0.5, seed=2,
                                   return_sequences=True)
    state = np.ones((3, 4), "float32")
    outputs = to_numpy(layer(np.zeros((3, 4, 2), "float32"), initial_state=[state], training=True))
    mask = outputs[:, 0]
    assert set(np.unique(mask)) <= {0.0, 2.0}
    for t in range(1, 4):
        np.testing.assert_allclose(outputs[:, t], outputs[:, t - 1] * mask)


@pytest.mark.requires_trainable_backend
def test_stacked_cells_each_get_their_own_masks():
    cells = [cornu.layers.SimpleRNNCell(6, activation=None, use_bias=False, kernel_initializer="identity",
                                        recurrent_initializer="zeros", dropout=0.5, seed=s) for s in (1, 2)]
    layer = cornu.layers.RNN(cells, return_sequences=True)
    out = to_numpy(layer(np.ones((4, 3, 6), "float32"), training=True))
    assert set(np.unique(out)) <= {0.0, 2.0, 4.0}
    np.testing.assert_array_equal(out, np.repeat(out[:, :1], 3, axis=1))


@pytest.mark.skipif(backend.backend() != "jax", reason="seeded draws equal Keras's only on the same backend")
@pytest.mark.parametrize("name,kwargs", [
    ("SimpleRNN", {"dropout": 0.3, "recurrent_dropout": 0.4}),
    ("LSTM", {"dropout": 0.3}),
    ("LSTM", {"dropout": 0.3, "recurrent_dropout": 0.4}),
    ("GRU", {"dropout": 0.3, "recurrent_dropout": 0.4}),
    ("GRU", {"dropout": 0.3, "reset_after": False}),
])
def test_seeded_training_outputs_equal_keras(keras_ref, name, kwargs):
    x = sequences((3, 4, 5))
    ours, theirs = paired_layers(keras_ref, name, (None, 4, 5), units=3, seed=11, return_sequences=True, **kwargs)
    assert_outputs_close(ours(x, training=True), theirs(x, training=True))
