"""Initial states, stateful layers, stacked and custom cells, side by side with the real Keras."""

import numpy as np
import pytest

import cornu
from cornu import ops

from tests.helpers.layer_compare import assert_same_config, to_numpy
from tests.helpers.rnn_compare import assert_outputs_close, paired_layers, random_weights, sequences


@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU"])
def test_eager_initial_state_matches_keras(keras_ref, name):
    x = sequences((2, 4, 3))
    n_states = 2 if name == "LSTM" else 1
    states = [sequences((2, 5), seed=20 + i) for i in range(n_states)]
    ours, theirs = paired_layers(keras_ref, name, (None, 4, 3), units=5, return_state=True)
    assert_outputs_close(ours(x, initial_state=states), theirs(x, initial_state=states))


def test_functional_initial_state_as_keras_tensors_matches_keras(keras_ref):
    x = sequences((2, 4, 3))
    h, c = sequences((2, 5), seed=7), sequences((2, 5), seed=8)

    def build(lib, layer):
        inputs, h_in, c_in = lib.Input((4, 3)), lib.Input((5,)), lib.Input((5,))
        return lib.Model([inputs, h_in, c_in], layer(inputs, initial_state=[h_in, c_in]))

    ours, theirs = paired_layers(keras_ref, "LSTM", (None, 4, 3), units=5, return_sequences=True)
    our_model, their_model = build(cornu, ours), build(keras_ref, theirs)
    assert_outputs_close(our_model([x, h, c]), their_model([x, h, c]))
    # The initial state is a graph input: a different one changes the output.
    other = our_model([x, h * 0, c * 0])
    assert np.abs(to_numpy(other) - to_numpy(our_model([x, h, c]))).max() > 1e-3


def test_encoder_decoder_passes_states_like_keras(keras_ref):
    source, target = sequences((2, 5, 3)), sequences((2, 4, 2), seed=9)

    def build(lib, encoder, decoder):
        enc_in, dec_in = lib.Input((5, 3)), lib.Input((4, 2))
        _, h, c = encoder(enc_in)
        return lib.Model([enc_in, dec_in], decoder(dec_in, initial_state=[h, c]))

    enc, enc_k = paired_layers(keras_ref, "LSTM", (None, 5, 3), units=4, return_state=True)
    dec, dec_k = paired_layers(keras_ref, "LSTM", (None, 4, 2), units=4, return_sequences=True, weight_seed=5)
    assert_outputs_close(build(cornu, enc, dec)([source, target]), build(keras_ref, enc_k, dec_k)([source, target]))


@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU"])
def test_stateful_layer_carries_states_across_calls_then_resets(keras_ref, name):
    first, second = sequences((2, 3, 4), seed=1), sequences((2, 3, 4), seed=2)
    ours, theirs = paired_layers(keras_ref, name, (2, 3, 4), units=3, stateful=True)
    fresh_output = theirs(first)
    assert_outputs_close(ours(first), fresh_output)
    assert_outputs_close(ours(second), theirs(second))
    carried = ours(first)
    assert_outputs_close(carried, theirs(first))
    assert np.abs(to_numpy(carried) - np.asarray(fresh_output)).max() > 1e-4
    ours.reset_states()
    theirs.reset_states()
    assert_outputs_close(ours(first), fresh_output)
    # State variables are not weights, as in Keras.
    assert len(ours.weights) == len(theirs.weights)
    assert [v.path for v in ours.states] == [ours.name + "/rnn_state"] * len(ours.states)


def test_stateful_rnn_needs_a_fixed_batch_size():
    with pytest.raises(ValueError, match="fixed batch size"):
        cornu.layers.LSTM(3, stateful=True).build((None, 4, 2))
    layer = cornu.layers.LSTM(3, stateful=True)
    layer(sequences((2, 4, 2)))
    with pytest.raises(ValueError, match=r"batch size .*\(2\)"):
        layer(sequences((3, 4, 2)))


def test_stateful_layer_in_a_sequential_with_fixed_batch_size():
    model = cornu.Sequential([cornu.Input((3, 2), batch_size=2), cornu.layers.GRU(4, stateful=True)])
    x = sequences((2, 3, 2))
    a = to_numpy(model(x))
    b = to_numpy(model(x))
    assert np.abs(a - b).max() > 1e-4
    model.layers[0].reset_states()
    np.testing.assert_allclose(to_numpy(model(x)), a, atol=1e-6)


def test_stateful_model_predicts_and_fits_with_a_fixed_batch_size():
    """Shape inference (run on stand-in batch sizes) must not touch the state variables."""
    x = sequences((8, 3, 2))
    model = cornu.Sequential([cornu.Input((3, 2), batch_size=4), cornu.layers.LSTM(3, stateful=True),
                              cornu.layers.Dense(1)])
    assert model.predict(x, batch_size=4, verbose=0).shape == (8, 1)
    if cornu.backend.backend() != "numpy":
        model.compile(optimizer="adam", loss="mse")
        history = model.fit(x, np.ones((8, 1), "float32"), batch_size=4, epochs=2, shuffle=False, verbose=0)
        assert np.isfinite(history.history["loss"]).all()


def _stacked_pair(keras_ref):
    ours = cornu.layers.RNN(cornu.layers.StackedRNNCells([
        cornu.layers.LSTMCell(3, kernel_initializer="zeros", recurrent_initializer="zeros"),
        cornu.layers.GRUCell(2, kernel_initializer="zeros", recurrent_initializer="zeros"),
        cornu.layers.SimpleRNNCell(4, kernel_initializer="zeros", recurrent_initializer="zeros"),
    ]), return_sequences=True, return_state=True)
    theirs = keras_ref.layers.RNN(keras_ref.layers.StackedRNNCells([
        keras_ref.layers.LSTMCell(3, kernel_initializer="zeros", recurrent_initializer="zeros"),
        keras_ref.layers.GRUCell(2, kernel_initializer="zeros", recurrent_initializer="zeros"),
        keras_ref.layers.SimpleRNNCell(4, kernel_initializer="zeros", recurrent_initializer="zeros"),
    ]), return_sequences=True, return_state=True)
    theirs.build((None, 5, 3))
    ours.build((None, 5, 3))
    weights = random_weights(theirs)
    theirs.set_weights(weights)
    ours.set_weights(weights)
    return ours, theirs


def _flat(outputs):
    import optree

    return optree.tree_leaves(list(outputs))


def test_stacked_rnn_cells_match_keras(keras_ref):
    ours, theirs = _stacked_pair(keras_ref)
    x = sequences((2, 5, 3))
    mask = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 1]], dtype=bool)
    assert_outputs_close(_flat(ours(x)), _flat(theirs(x)))
    assert_outputs_close(_flat(ours(x, mask=mask)), _flat(theirs(x, mask=mask)))
    assert [w.path.split("/", 1)[1] for w in ours.weights] == [w.path.split("/", 1)[1] for w in theirs.weights]
    assert_same_config(ours, theirs)


def test_list_of_cells_is_stacked():
    layer = cornu.layers.RNN([cornu.layers.SimpleRNNCell(3), cornu.layers.SimpleRNNCell(5)])
    assert isinstance(layer.cell, cornu.layers.StackedRNNCells)
    assert tuple(layer(sequences((2, 4, 2))).shape) == (2, 5)


class MinimalCell(cornu.layers.Layer):
    """The custom cell of Keras's RNN docs: output = x @ kernel + h @ recurrent_kernel."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="zeros", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="zeros",
                                                name="recurrent_kernel")

    def call(self, inputs, states):
        output = ops.matmul(inputs, self.kernel) + ops.matmul(states[0], self.recurrent_kernel)
        return output, [output]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def _keras_minimal_cell(keras_ref):
    class KerasMinimalCell(keras_ref.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="zeros", name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="zeros",
                                                    name="recurrent_kernel")

        def call(self, inputs, states):
            output = keras_ref.ops.matmul(inputs, self.kernel) + keras_ref.ops.matmul(states[0], self.recurrent_kernel)
            return output, [output]

    return KerasMinimalCell


@pytest.mark.parametrize("options", [
    {"return_sequences": True},
    {"go_backwards": True, "return_state": True},
    {"unroll": True, "return_sequences": True},
], ids=["sequences", "backwards_state", "unroll"])
def test_custom_cell_in_rnn_matches_keras(keras_ref, options):
    x = sequences((2, 5, 3))
    mask = np.array([[1, 1, 1, 1, 0], [1, 1, 1, 1, 1]], dtype=bool)
    ours = cornu.layers.RNN(MinimalCell(4), **options)
    theirs = keras_ref.layers.RNN(_keras_minimal_cell(keras_ref)(4), **options)
    theirs.build((None, 5, 3))
    ours.build((None, 5, 3))
    weights = random_weights(theirs)
    theirs.set_weights(weights)
    ours.set_weights(weights)
    assert_outputs_close(ours(x), theirs(x))
    assert_outputs_close(ours(x, mask=mask), theirs(x, mask=mask))
    prefix = ours.name + "/minimal_cell/"
    assert [w.path for w in ours.weights] == [prefix + "kernel", prefix + "recurrent_kernel"]


def test_custom_cell_whose_output_is_not_its_state():
    """A cell with a 2-unit output and a 3-unit state: masked steps repeat the previous output (zeros first)."""

    class ProjectedCell(cornu.layers.Layer):
        state_size = 3
        output_size = 2

        def call(self, inputs, states):
            h = states[0] + ops.sum(inputs, axis=-1, keepdims=True)
            return h[:, :2] * 2.0, [h]

    x = np.ones((1, 4, 2), "float32")
    mask = np.array([[0, 1, 0, 1]], dtype=bool)
    layer = cornu.layers.RNN(ProjectedCell(), return_sequences=True, return_state=True)
    outputs, state = layer(x, mask=mask)
    np.testing.assert_allclose(to_numpy(outputs)[0, :, 0], [0.0, 4.0, 4.0, 8.0])
    np.testing.assert_allclose(to_numpy(state)[0], [4.0, 4.0, 4.0])
    symbolic, _ = layer(cornu.Input((4, 2)))
    assert tuple(symbolic.shape) == (None, 4, 2)
