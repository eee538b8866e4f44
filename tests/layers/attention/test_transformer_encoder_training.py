"""A small Transformer encoder learns an order task with fit(): attention layers train end to end."""

import numpy as np
import pytest

import cornu
from cornu import layers

VOCAB = 10
LENGTH = 8
A, B = 1, 2  # the two marker tokens; 0 is padding, 3..9 are filler


def _order_task(n, seed):
    """Sequences of 5 to 8 tokens (zero-padded to 8) holding A and B once each; label 1 when A comes before B.

    Counting tokens cannot solve it: the model has to compare positions, through attention and the
    positional embedding.
    """
    rng = np.random.default_rng(seed)
    tokens = np.zeros((n, LENGTH), "int32")
    labels = rng.integers(0, 2, size=n).astype("int32")
    for i in range(n):
        length = rng.integers(5, LENGTH + 1)
        tokens[i, :length] = rng.integers(3, VOCAB, size=length)
        first, second = rng.choice(length, size=2, replace=False)
        first, second = min(first, second), max(first, second)
        tokens[i, first], tokens[i, second] = (A, B) if labels[i] == 1 else (B, A)
    return tokens, labels


class PositionalEmbedding(layers.Layer):
    """Adds a learned vector per position; the Keras mask passes through."""

    def __init__(self, length, dim, **kwargs):
        super().__init__(**kwargs)
        self.length, self.dim = length, dim
        self.supports_masking = True

    def build(self, input_shape):
        self.positions = self.add_weight(shape=(self.length, self.dim), initializer="random_normal", name="positions")

    def call(self, inputs):
        return inputs + self.positions

    def get_config(self):
        return {**super().get_config(), "length": self.length, "dim": self.dim}


def _encoder_block(x, dim, heads, name):
    attended = layers.MultiHeadAttention(heads, dim // heads, name=f"{name}_attention")(x, x)
    x = layers.LayerNormalization(name=f"{name}_norm1")(layers.Add()([x, attended]))
    hidden = layers.Dense(2 * dim, activation="relu", name=f"{name}_ffn1")(x)
    hidden = layers.Dense(dim, name=f"{name}_ffn2")(hidden)
    return layers.LayerNormalization(name=f"{name}_norm2")(layers.Add()([x, hidden]))


def _transformer(dim=16, heads=2):
    tokens = cornu.Input((LENGTH,), dtype="int32")
    x = layers.Embedding(VOCAB, dim, mask_zero=True)(tokens)
    x = PositionalEmbedding(LENGTH, dim)(x)
    for i in range(2):
        x = _encoder_block(x, dim, heads, name=f"block{i}")
    x = layers.GlobalAveragePooling1D()(x)
    return cornu.Model(tokens, layers.Dense(2, activation="softmax")(x))


@pytest.mark.requires_trainable_backend
def test_transformer_encoder_learns_which_marker_comes_first():
    x, y = _order_task(512, seed=0)
    x_test, y_test = _order_task(256, seed=1)
    cornu.utils.set_random_seed(0)
    model = _transformer()
    assert sum(isinstance(layer, layers.MultiHeadAttention) for layer in model.layers) == 2
    model.compile(optimizer=cornu.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=12, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    # Reaches 0.99-1.0 on jax and torch for seeds 0-4; 0.95 leaves room for numeric differences.
    assert accuracy >= 0.95, f"test accuracy {accuracy:.3f} after {history.history}"
