"""Guide: working with RNNs. SimpleRNN/LSTM/GRU outputs and states, return_sequences,
return_state, initial_state, Bidirectional, stacking, a custom cell in keras.layers.RNN,
nested-structure cells, and stateful RNNs with reset_states."""
import numpy as np

import keras
from keras import layers, ops

keras.utils.set_random_seed(14)
rng = np.random.default_rng(14)
batch, steps, features = 4, 5, 3
x = rng.normal(size=(batch, steps, features)).astype("float32")

# Output shapes of the built-in layers.
assert tuple(layers.SimpleRNN(6)(x).shape) == (batch, 6)
assert tuple(layers.GRU(6, return_sequences=True)(x).shape) == (batch, steps, 6)
outputs, state_h, state_c = layers.LSTM(6, return_state=True)(x)
assert tuple(outputs.shape) == tuple(state_h.shape) == tuple(state_c.shape) == (batch, 6)
np.testing.assert_allclose(ops.convert_to_numpy(outputs), ops.convert_to_numpy(state_h))

# A SimpleRNN is h_t = tanh(x_t W + h_{t-1} U + b): check against NumPy.
simple = layers.SimpleRNN(2, return_sequences=True)
sequence_out = ops.convert_to_numpy(simple(x))
kernel, recurrent_kernel, bias = (w.numpy() for w in simple.weights)
h = np.zeros((batch, 2), "float32")
for t in range(steps):
    h = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias)
    np.testing.assert_allclose(sequence_out[:, t], h, rtol=1e-5, atol=1e-5)

# go_backwards, initial_state, and an encoder-decoder that passes states along.
backwards = layers.SimpleRNN(2, go_backwards=True)
backwards.build(x.shape)
backwards.set_weights([kernel, recurrent_kernel, bias])
np.testing.assert_allclose(
    ops.convert_to_numpy(backwards(x)), ops.convert_to_numpy(simple(x[:, ::-1]))[:, -1], rtol=1e-5, atol=1e-5
)

encoder_input = keras.Input(shape=(None,), dtype="int32")
encoder_embedded = layers.Embedding(20, 4)(encoder_input)
_, state_h, state_c = layers.LSTM(8, return_state=True, name="encoder")(encoder_embedded)
decoder_input = keras.Input(shape=(None,), dtype="int32")
decoder_embedded = layers.Embedding(20, 4)(decoder_input)
decoded = layers.LSTM(8, name="decoder")(decoder_embedded, initial_state=[state_h, state_c])
seq2seq = keras.Model([encoder_input, decoder_input], layers.Dense(5)(decoded))
source = rng.integers(0, 20, size=(6, 7)).astype("int32")
target = rng.integers(0, 20, size=(6, 4)).astype("int32")
assert seq2seq.predict([source, target], verbose=0).shape == (6, 5)

# Bidirectional and stacked recurrent layers, trained on a toy task.
model = keras.Sequential(
    [
        keras.Input((steps, features)),
        layers.Bidirectional(layers.LSTM(4, return_sequences=True)),
        layers.Bidirectional(layers.GRU(4)),
        layers.Dense(1),
    ]
)
assert model.layers[0].output.shape == (None, steps, 8)
assert model.output_shape == (None, 1)
train_x = rng.normal(size=(64, steps, features)).astype("float32")
train_y = train_x[:, :, 0].sum(axis=1, keepdims=True)
model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
losses = model.fit(train_x, train_y, batch_size=16, epochs=3, verbose=0).history["loss"]
assert losses[-1] < losses[0], losses


class MinimalCell(layers.Layer):
    """A cell for keras.layers.RNN: state_size, and call(inputs, states) -> (output, new_states)."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform", name="kernel")
        self.recurrent = self.add_weight(shape=(self.units, self.units), initializer="orthogonal", name="recurrent")

    def call(self, inputs, states):
        previous = states[0]
        output = ops.matmul(inputs, self.kernel) + ops.matmul(previous, self.recurrent)
        return output, [output]


cell = MinimalCell(3)
rnn = layers.RNN(cell, return_sequences=True)
custom_out = ops.convert_to_numpy(rnn(x))
state = np.zeros((batch, 3), "float32")
for t in range(steps):
    state = x[:, t] @ cell.kernel.numpy() + state @ cell.recurrent.numpy()
    np.testing.assert_allclose(custom_out[:, t], state, rtol=1e-4, atol=1e-4)


class PairCell(layers.Layer):
    """A cell with two states of different sizes."""

    def __init__(self, unit_1, unit_2, **kwargs):
        super().__init__(**kwargs)
        self.state_size = [unit_1, unit_2]
        self.output_size = unit_1 + unit_2

    def build(self, input_shape):
        self.kernel_1 = self.add_weight(shape=(input_shape[-1], self.state_size[0]), name="k1")
        self.kernel_2 = self.add_weight(shape=(input_shape[-1], self.state_size[1]), name="k2")

    def call(self, inputs, states):
        first = states[0] + ops.matmul(inputs, self.kernel_1)
        second = states[1] + ops.matmul(inputs, self.kernel_2)
        return ops.concatenate([first, second], axis=-1), [first, second]


pair_out, pair_state_1, pair_state_2 = layers.RNN(PairCell(2, 3), return_state=True)(x)
assert tuple(pair_out.shape) == (batch, 5)
assert tuple(pair_state_1.shape) == (batch, 2) and tuple(pair_state_2.shape) == (batch, 3)

# Stacked cells in one RNN layer.
stacked = layers.RNN([layers.GRUCell(4), layers.LSTMCell(2)])
assert tuple(stacked(x).shape) == (batch, 2)

# Stateful: feeding a sequence in two halves equals feeding it whole; reset_states restarts.
stateful_input = keras.Input(batch_shape=(batch, None, features))
stateful_layer = layers.GRU(3, stateful=True)
stateful_model = keras.Model(stateful_input, stateful_layer(stateful_input))
whole = layers.GRU(3)
whole.build(x.shape)
stateful_model(x[:, :2])  # the state now holds step 2
whole.set_weights(stateful_layer.get_weights())
stateful_layer.reset_states()
stateful_model(x[:, :2])
second_half = ops.convert_to_numpy(stateful_model(x[:, 2:]))
np.testing.assert_allclose(second_half, ops.convert_to_numpy(whole(x)), rtol=1e-5, atol=1e-5)
stateful_layer.reset_states()
fresh = ops.convert_to_numpy(stateful_model(x[:, 2:]))
np.testing.assert_allclose(fresh, ops.convert_to_numpy(whole(x[:, 2:])), rtol=1e-5, atol=1e-5)
print("working_with_rnns: ok")
