"""Configs and ``.keras`` files of recurrent layers: round trips in cornu, and both ways with the real Keras."""

import numpy as np
import pytest

import cornu
from cornu import ops

from tests.helpers.layer_compare import comparable_config, to_numpy
from tests.helpers.rnn_compare import random_weights, sequences

CONFIGURED = [
    ("SimpleRNN", dict(units=3, activation="relu", dropout=0.2, return_sequences=True,
                       kernel_regularizer="l2")),
    ("LSTM", dict(units=3, recurrent_activation="hard_sigmoid", unit_forget_bias=False, recurrent_dropout=0.1,
                  seed=4, go_backwards=True, stateful=False, bias_constraint="non_neg", unroll=True)),
    ("GRU", dict(units=3, reset_after=False, use_bias=False, return_state=True, recurrent_regularizer="l2")),
    ("SimpleRNNCell", dict(units=3, seed=1)),
    ("LSTMCell", dict(units=3, dropout=0.5)),
    ("GRUCell", dict(units=3, reset_after=False)),
]


@pytest.mark.parametrize("name,kwargs", CONFIGURED, ids=[c[0] for c in CONFIGURED])
def test_config_round_trip_and_keras_exchange(keras_ref, name, kwargs):
    ours = getattr(cornu.layers, name)(**kwargs)
    theirs = getattr(keras_ref.layers, name)(**kwargs)
    assert comparable_config(ours) == comparable_config(theirs)
    rebuilt = type(ours).from_config(ours.get_config())
    assert comparable_config(rebuilt) == comparable_config(ours)
    from_keras = type(ours).from_config(theirs.get_config())
    assert comparable_config(from_keras) == comparable_config(theirs)
    to_keras = type(theirs).from_config(ours.get_config())
    assert comparable_config(to_keras) == comparable_config(ours)


def test_simple_rnn_keeps_and_applies_its_activity_regularizer():
    """Keras's SimpleRNN drops ``activity_regularizer`` (never passes it on); cornu applies and saves it."""
    layer = cornu.layers.SimpleRNN(2, activity_regularizer=cornu.regularizers.L1(0.5), kernel_initializer="ones")
    output = layer(np.ones((2, 3, 1), "float32"))
    assert len(layer.losses) == 1
    np.testing.assert_allclose(to_numpy(layer.losses[0]), 0.5 * np.abs(to_numpy(output)).sum() / 2, rtol=1e-5)
    rebuilt = cornu.layers.SimpleRNN.from_config(layer.get_config())
    assert isinstance(rebuilt.activity_regularizer, cornu.regularizers.L1)


def test_rnn_with_stacked_cells_config_round_trip(keras_ref):
    ours = cornu.layers.RNN([cornu.layers.LSTMCell(3), cornu.layers.GRUCell(2)], return_sequences=True,
                            zero_output_for_mask=True)
    theirs = keras_ref.layers.RNN([keras_ref.layers.LSTMCell(3), keras_ref.layers.GRUCell(2)],
                                  return_sequences=True, zero_output_for_mask=True)
    assert comparable_config(ours) == comparable_config(theirs)
    rebuilt = cornu.layers.deserialize(cornu.layers.serialize(ours))
    assert isinstance(rebuilt.cell, cornu.layers.StackedRNNCells)
    assert [type(c).__name__ for c in rebuilt.cell.cells] == ["LSTMCell", "GRUCell"]
    assert comparable_config(rebuilt) == comparable_config(ours)
    x = sequences((2, 4, 3))
    ours.build((None, 4, 3))
    rebuilt.build((None, 4, 3))
    rebuilt.set_weights(ours.get_weights())
    np.testing.assert_allclose(to_numpy(rebuilt(x)), to_numpy(ours(x)), atol=1e-6)


@cornu.saving.register_keras_serializable(package="cornu_rnn_tests")
class AccumulatorCell(cornu.layers.Layer):
    """Adds each step's projected input to its state."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")

    def call(self, inputs, states):
        h = states[0] + ops.matmul(inputs, self.kernel)
        return h, [h]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_rnn_with_a_registered_custom_cell_round_trips():
    layer = cornu.layers.RNN(AccumulatorCell(2), return_sequences=True)
    x = sequences((2, 3, 4))
    expected = to_numpy(layer(x))
    rebuilt = cornu.layers.deserialize(cornu.layers.serialize(layer))
    assert isinstance(rebuilt.cell, AccumulatorCell) and rebuilt.cell.units == 2
    rebuilt(x)
    rebuilt.set_weights(layer.get_weights())
    np.testing.assert_allclose(to_numpy(rebuilt(x)), expected, atol=1e-6)


def _sequential(lib, name, **kwargs):
    return lib.Sequential([
        lib.Input((5, 4)),
        getattr(lib.layers, name)(3, kernel_initializer="zeros", recurrent_initializer="zeros", **kwargs),
        lib.layers.Dense(2, kernel_initializer="zeros"),
    ])


@pytest.mark.parametrize("name,kwargs", [("LSTM", {}), ("GRU", {"reset_after": False}), ("SimpleRNN", {})])
def test_keras_file_round_trip_and_exchange_with_keras(keras_ref, tmp_path, name, kwargs):
    x = sequences((2, 5, 4))
    theirs = _sequential(keras_ref, name, **kwargs)
    theirs.set_weights(random_weights(theirs, seed=3))
    expected = np.asarray(theirs(x))
    ours = _sequential(cornu, name, **kwargs)
    ours.set_weights([np.asarray(w) for w in theirs.get_weights()])
    np.testing.assert_allclose(to_numpy(ours(x)), expected, atol=1e-5)

    ours.save(tmp_path / "ours.keras")
    reloaded = cornu.saving.load_model(tmp_path / "ours.keras")
    np.testing.assert_allclose(to_numpy(reloaded(x)), expected, atol=1e-5)
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]
    np.testing.assert_allclose(np.asarray(keras_ref.saving.load_model(tmp_path / "ours.keras")(x)), expected, atol=1e-5)

    theirs.save(tmp_path / "theirs.keras")
    np.testing.assert_allclose(to_numpy(cornu.saving.load_model(tmp_path / "theirs.keras")(x)), expected, atol=1e-5)
