"""Bad inputs and bad cells get clear errors that name the layer and show what was received."""

import re

import numpy as np
import pytest

import cornu
from cornu import ops


@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU"])
def test_two_dimensional_input_names_the_layer_the_expected_ndim_and_the_shape(name):
    layer = getattr(cornu.layers, name)(4, name="my_rnn")
    with pytest.raises(ValueError) as eager:
        layer(np.ones((2, 3), "float32"))
    message = str(eager.value)
    assert '"my_rnn"' in message and name in message
    assert "expected ndim=3" in message and "found ndim=2" in message
    assert re.search(r"Received: inputs\.shape=\(2, 3\)", message)
    with pytest.raises(ValueError, match=r"expected ndim=3.*Received: inputs\.shape=\(None, 3\)"):
        layer(cornu.Input((3,)))


def test_generic_rnn_needs_a_time_axis():
    layer = cornu.layers.RNN(cornu.layers.SimpleRNNCell(2))
    with pytest.raises(ValueError, match=r"ndim>=3.*Received: inputs\.shape=\(4, 5\)"):
        layer(np.ones((4, 5), "float32"))


def test_unroll_needs_a_known_number_of_steps():
    with pytest.raises(ValueError, match="cannot unroll a sequence of unknown length"):
        cornu.layers.LSTM(2, unroll=True)(cornu.Input((None, 3)))


def test_invalid_cells_and_units_are_refused():
    with pytest.raises(ValueError, match="must have a `call"):
        cornu.layers.RNN(object())

    class NoStateSize:
        def call(self, inputs, states):
            return inputs, states

    with pytest.raises(ValueError, match="state_size"):
        cornu.layers.RNN(NoStateSize())
    for bad in (0, -3, 2.5):
        with pytest.raises(ValueError, match=r"Received: units="):
            cornu.layers.LSTM(bad)


def test_a_cell_returning_the_wrong_number_of_states_is_reported():
    class ForgetfulCell(cornu.layers.Layer):
        state_size = [2, 2]

        def call(self, inputs, states):
            return states[0], [states[0]]

    with pytest.raises(ValueError, match="returned 1 state tensors, but it was given 2"):
        cornu.layers.RNN(ForgetfulCell())(np.ones((1, 3, 2), "float32"))


def test_wrong_number_of_initial_states_is_reported():
    layer = cornu.layers.LSTM(2)
    with pytest.raises(ValueError, match=r"has 2 state\(s\).*`initial_state` has 1.*Received: initial_state shapes"):
        layer(np.ones((1, 3, 2), "float32"), initial_state=[ops.zeros((1, 2))])
