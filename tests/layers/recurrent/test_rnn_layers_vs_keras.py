"""SimpleRNN, LSTM and GRU side by side with the real Keras: outputs, weights, configs and shapes."""

import numpy as np
import pytest

import cornu

from tests.helpers.layer_compare import assert_same_config, assert_same_weights_layout
from tests.helpers.rnn_compare import as_list, assert_outputs_close, paired_layers, sequences

LAYERS = [
    ("SimpleRNN", {}),
    ("LSTM", {}),
    ("GRU", {}),
    ("GRU", {"reset_after": False}),
]
OPTIONS = [
    {},
    {"return_sequences": True},
    {"return_state": True},
    {"go_backwards": True, "return_sequences": True, "return_state": True},
    {"unroll": True, "return_sequences": True},
    {"use_bias": False, "activation": "relu", "return_sequences": True},
]


def _ids(case):
    return "-".join(f"{k}={v}" for k, v in case.items()) or "default"


@pytest.mark.parametrize("options", OPTIONS, ids=_ids)
@pytest.mark.parametrize("layer_case", LAYERS, ids=lambda c: c[0] + "".join(f"-{k}={v}" for k, v in c[1].items()))
def test_outputs_match_keras(keras_ref, layer_case, options):
    name, kwargs = layer_case
    x = sequences((3, 5, 4))
    ours, theirs = paired_layers(keras_ref, name, (None, 5, 4), units=3, **kwargs, **options)
    assert_outputs_close(ours(x), theirs(x))
    assert_same_weights_layout(ours, theirs)
    assert_same_config(ours, theirs)


@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU"])
def test_weight_names_paths_and_count_match_keras(keras_ref, name):
    ours, theirs = paired_layers(keras_ref, name, (None, 5, 4), units=3)
    cell = {"SimpleRNN": "simple_rnn_cell", "LSTM": "lstm_cell", "GRU": "gru_cell"}[name]
    prefix = ours.name + "/" + cell + "/"
    assert [w.path for w in ours.weights] == [prefix + n for n in ("kernel", "recurrent_kernel", "bias")]
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    assert ours.count_params() == theirs.count_params()
    assert len(ours.variables) == len(theirs.variables)  # the weights plus the cell's seed generator


def test_lstm_bias_starts_with_unit_forget_bias():
    layer = cornu.layers.LSTM(2)
    layer.build((None, 3, 4))
    np.testing.assert_array_equal(layer.cell.bias.numpy(), [0, 0, 1, 1, 0, 0, 0, 0])
    plain = cornu.layers.LSTM(2, unit_forget_bias=False)
    plain.build((None, 3, 4))
    np.testing.assert_array_equal(plain.cell.bias.numpy(), np.zeros(8))


@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU"])
@pytest.mark.parametrize("options", [{}, {"return_sequences": True, "return_state": True}], ids=_ids)
def test_symbolic_output_shapes_equal_eager_shapes(name, options):
    layer = getattr(cornu.layers, name)(3, **options)
    symbolic = as_list(layer(cornu.Input((5, 4))))
    eager = as_list(layer(sequences((2, 5, 4))))
    assert [tuple(s.shape)[1:] for s in symbolic] == [tuple(e.shape)[1:] for e in eager]
    assert all(s.shape[0] is None for s in symbolic)
    shapes = layer.compute_output_shape((2, 5, 4))
    shapes = list(shapes) if options.get("return_state") else [shapes]
    assert [tuple(s) for s in shapes] == [tuple(e.shape) for e in eager]


def test_unknown_time_dimension_gives_symbolic_none_and_runs_any_length():
    layer = cornu.layers.GRU(3, return_sequences=True)
    symbolic = layer(cornu.Input((None, 4)))
    assert tuple(symbolic.shape) == (None, None, 3)
    assert tuple(layer(sequences((2, 7, 4))).shape) == (2, 7, 3)
    assert tuple(layer(sequences((2, 2, 4))).shape) == (2, 2, 3)
