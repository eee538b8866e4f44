"""Guide: understanding masking and padding. pad_sequences, Embedding(mask_zero=True),
the Masking layer, masks flowing through Functional and Sequential models into RNNs,
and custom layers that create, propagate or consume a mask."""
import numpy as np

import keras
from keras import layers, ops

keras.utils.set_random_seed(13)

raw = [[7, 2, 9], [3, 4, 5, 6, 1], [8]]
padded = keras.utils.pad_sequences(raw, padding="post")
np.testing.assert_array_equal(padded, [[7, 2, 9, 0, 0], [3, 4, 5, 6, 1], [8, 0, 0, 0, 0]])
pre = keras.utils.pad_sequences(raw, maxlen=4, truncating="post")
np.testing.assert_array_equal(pre, [[0, 7, 2, 9], [3, 4, 5, 6], [0, 0, 0, 8]])

embedding = layers.Embedding(input_dim=10, output_dim=4, mask_zero=True)
embedded = embedding(padded)
mask = ops.convert_to_numpy(embedding.compute_mask(padded))
np.testing.assert_array_equal(mask, padded != 0)
mask_from_tensor = getattr(embedded, "_keras_mask", None)
if mask_from_tensor is not None:
    np.testing.assert_array_equal(ops.convert_to_numpy(mask_from_tensor), padded != 0)

# The Masking layer masks time steps whose features all equal mask_value.
features = np.random.default_rng(0).random((3, 5, 2)).astype("float32")
features[padded == 0] = 0.0
masking = layers.Masking(mask_value=0.0)
np.testing.assert_array_equal(ops.convert_to_numpy(masking.compute_mask(features)), padded != 0)

# An LSTM skips masked steps: a padded sequence gives the same state as the unpadded one.
lstm = layers.LSTM(3)
masked_out = ops.convert_to_numpy(lstm(masking(features)))
for i, sequence in enumerate(raw):
    alone = features[i:i + 1, :len(sequence)]
    np.testing.assert_allclose(ops.convert_to_numpy(lstm(alone)), masked_out[i:i + 1], rtol=1e-5, atol=1e-6)

# Masks propagate through a Sequential model ...
sequential = keras.Sequential(
    [keras.Input((None,), dtype="int32"), layers.Embedding(10, 4, mask_zero=True), layers.LSTM(3), layers.Dense(1)]
)
# ... and a Functional model.
inputs = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(10, 4, mask_zero=True)(inputs)
outputs = layers.GRU(3)(x)
functional = keras.Model(inputs, outputs)
for model in (sequential, functional):
    long = model.predict(keras.utils.pad_sequences([[1, 2, 3]], maxlen=6, padding="post"), verbose=0)
    short = model.predict(np.array([[1, 2, 3]], "int32"), verbose=0)
    np.testing.assert_allclose(long, short, rtol=1e-5, atol=1e-6)

# Training with masked sequences.
rng = np.random.default_rng(1)
lengths = rng.integers(1, 7, size=48)
sequences = [list(rng.integers(1, 10, size=n)) for n in lengths]
x_train = keras.utils.pad_sequences(sequences, maxlen=6, padding="post")
y_train = (lengths > 3).astype("float32")[:, None]
sequential.compile(optimizer=keras.optimizers.Adam(0.02), loss=keras.losses.BinaryCrossentropy(from_logits=True))
before = sequential.evaluate(x_train, y_train, verbose=0)
sequential.fit(x_train, y_train, batch_size=16, epochs=3, verbose=0)
assert sequential.evaluate(x_train, y_train, verbose=0) < before


class TemporalSplit(layers.Layer):
    """Splits on the time axis and splits the mask the same way."""

    def call(self, inputs):
        return ops.split(inputs, 2, axis=1)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        return ops.split(mask, 2, axis=1)


class NonZeroMask(layers.Layer):
    """Creates a mask from its inputs (like Embedding(mask_zero=True) does)."""

    def call(self, inputs):
        return ops.cast(inputs, "float32")[..., None]

    def compute_mask(self, inputs, mask=None):
        return ops.not_equal(inputs, 0)


class ScaleBy2(layers.Layer):
    """Does not touch the time axis, so it lets the mask pass."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return inputs * 2.0


class MaskedSoftmax(layers.Layer):
    """Consumes the mask: a softmax over the valid time steps only."""

    def call(self, inputs, mask=None):
        scores = ops.squeeze(inputs, -1)
        if mask is not None:
            scores = ops.where(mask, scores, -1e9)
        return ops.softmax(scores, axis=-1)


tokens = np.array([[1, 2, 0, 0], [3, 0, 0, 0]], "int32")
x = NonZeroMask()(tokens)
first, second = TemporalSplit()(x)
assert tuple(first.shape) == (2, 2, 1)
split_masks = TemporalSplit().compute_mask(x, ops.not_equal(tokens, 0))
np.testing.assert_array_equal(ops.convert_to_numpy(split_masks[1]), [[False, False], [False, False]])

token_input = keras.Input(shape=(4,), dtype="int32")
attention = MaskedSoftmax()(ScaleBy2()(NonZeroMask()(token_input)))
attention_model = keras.Model(token_input, attention)
weights = attention_model.predict(tokens, verbose=0)
np.testing.assert_allclose(weights.sum(axis=-1), [1.0, 1.0], rtol=1e-5)
np.testing.assert_allclose(weights[1], [1.0, 0.0, 0.0, 0.0], atol=1e-6)
expected = np.exp([2.0, 4.0]) / np.exp([2.0, 4.0]).sum()
np.testing.assert_allclose(weights[0, :2], expected, rtol=1e-5)
assert np.all(weights[0, 2:] < 1e-6)
print("masking_and_padding: ok")
