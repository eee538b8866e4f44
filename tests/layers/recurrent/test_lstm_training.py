"""Recurrent layers learn inside ``fit``: a small generated task on every trainable backend."""

import numpy as np
import pytest

import cornu


def _running_sign_task(n, seed):
    """Label 1 when the sum of a 6-step noisy sequence's first feature is positive."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6, 2)).astype("float32")
    y = (x[:, :, 0].sum(axis=1) > 0).astype("float32")[:, None]
    return x, y


@pytest.mark.requires_trainable_backend
@pytest.mark.parametrize("layer_fn", [
    lambda: cornu.layers.LSTM(8),
    lambda: cornu.layers.GRU(8),
], ids=["lstm", "gru"])
def test_recurrent_model_learns_in_fit(layer_fn):
    cornu.utils.set_random_seed(0)
    x, y = _running_sign_task(256, seed=0)
    model = cornu.Sequential([cornu.Input((6, 2)), layer_fn(), cornu.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=cornu.optimizers.Adam(0.03), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=6, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.6 * losses[0], losses
    x_test, y_test = _running_sign_task(128, seed=1)
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy > 0.85, accuracy


@pytest.mark.requires_trainable_backend
def test_masked_lstm_with_dropout_trains():
    cornu.utils.set_random_seed(1)
    x, y = _running_sign_task(128, seed=2)
    x[::3, 4:] = 0.0
    model = cornu.Sequential([
        cornu.Input((6, 2)),
        cornu.layers.Masking(0.0),
        cornu.layers.LSTM(8, dropout=0.1, recurrent_dropout=0.1, return_sequences=True),
        cornu.layers.LSTM(4),
        cornu.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=cornu.optimizers.Adam(0.03), loss="binary_crossentropy")
    history = model.fit(x, y, batch_size=32, epochs=4, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
