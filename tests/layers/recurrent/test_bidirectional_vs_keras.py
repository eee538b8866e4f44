"""``Bidirectional`` side by side with the real Keras: merge modes, sequences, states, masks, configs."""

import inspect

import numpy as np
import pytest

import cornu
from cornu import backend
from cornu.layers.recurrent import GRU, LSTM, SimpleRNN
from cornu.layers.recurrent.bidirectional import Bidirectional
from cornu.layers.recurrent.conv_lstm2d import ConvLSTM2D

from tests.helpers.layer_compare import assert_close, assert_same_config, comparable_config, to_numpy

RNN_CLASSES = {"LSTM": LSTM, "GRU": GRU, "SimpleRNN": SimpleRNN}
MERGE_MODES = ["concat", "sum", "mul", "ave", None]
MASK = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 1, 0, 0, 0]], bool)
# Real Keras on JAX compiles each random initializer once per shape (slow); weights are overwritten.
CHEAP = dict(kernel_initializer="zeros", recurrent_initializer="zeros")


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _flat_shapes(shapes):
    if all(d is None or isinstance(d, int) for d in shapes):
        return [tuple(shapes)]
    return [shape for inner in shapes for shape in _flat_shapes(inner)]


def _pair(keras_ref, rnn_name, merge_mode="concat", seed=2, **rnn_kwargs):
    ours = Bidirectional(RNN_CLASSES[rnn_name](3, **rnn_kwargs, **CHEAP), merge_mode=merge_mode)
    theirs = keras_ref.layers.Bidirectional(getattr(keras_ref.layers, rnn_name)(3, **rnn_kwargs, **CHEAP),
                                            merge_mode=merge_mode)
    shape = (3, 5, 4)
    theirs.build(shape)
    ours.build(shape)
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]
    assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    assert len(ours.trainable_weights) == len(theirs.trainable_weights)
    rng = np.random.default_rng(seed)
    values = [0.5 * rng.normal(size=w.shape).astype("float32") for w in theirs.weights]
    theirs.set_weights(values)
    ours.set_weights(values)
    return ours, theirs


def _assert_outputs_match(ours_out, theirs_out):
    ours_out, theirs_out = _as_list(ours_out), _as_list(theirs_out)
    assert len(ours_out) == len(theirs_out)
    for out, exp in zip(ours_out, theirs_out):
        assert tuple(out.shape) == tuple(exp.shape)
        assert_close(out, np.asarray(exp))


@pytest.mark.parametrize("rnn_name", ["LSTM", "GRU"])
@pytest.mark.parametrize("merge_mode", MERGE_MODES)
@pytest.mark.parametrize("return_sequences, return_state", [(False, False), (True, False), (True, True),
                                                            (False, True)])
def test_outputs_match_keras(keras_ref, rnn_name, merge_mode, return_sequences, return_state):
    ours, theirs = _pair(keras_ref, rnn_name, merge_mode, return_sequences=return_sequences,
                         return_state=return_state)
    x = np.random.default_rng(1).normal(size=(3, 5, 4)).astype("float32")
    _assert_outputs_match(ours(x), theirs(x))
    _assert_outputs_match(ours(x, mask=MASK), theirs(x, mask=MASK))

    # Symbolic outputs have the eager shapes with an unknown batch size.
    eager = _as_list(ours(x))
    symbolic = _as_list(ours(cornu.KerasTensor((None, 5, 4))))
    assert [s.shape for s in symbolic] == [(None,) + tuple(e.shape[1:]) for e in eager]
    assert _flat_shapes(ours.compute_output_shape((None, 5, 4))) == _flat_shapes(
        theirs.compute_output_shape((None, 5, 4)))


@pytest.mark.parametrize("return_state", [False, True])
def test_masks_reach_the_outputs_but_not_the_states(return_state):
    layer = Bidirectional(LSTM(3, return_sequences=True, return_state=return_state), merge_mode=None)
    x = backend.convert_to_tensor(np.ones((3, 5, 4), "float32"))
    backend.set_keras_mask(x, backend.convert_to_tensor(MASK))
    outputs = _as_list(layer(x))
    for output in outputs[:2]:
        np.testing.assert_array_equal(to_numpy(backend.get_keras_mask(output)), MASK)
    for state in outputs[2:]:
        assert backend.get_keras_mask(state) is None
    # Masked steps of returned sequences are zeros in both directions.
    for output in outputs[:2]:
        np.testing.assert_array_equal(to_numpy(output)[~MASK], 0.0)

    last_only = Bidirectional(LSTM(3))
    assert backend.get_keras_mask(last_only(x)) is None


def test_custom_backward_layer_and_initial_state_match_keras(keras_ref):
    def build(lib):
        forward = lib.layers.LSTM(3, return_sequences=True, return_state=True, **CHEAP)
        backward = lib.layers.LSTM(3, activation="relu", return_sequences=True, return_state=True,
                                   go_backwards=True, **CHEAP)
        wrapper = Bidirectional if lib is cornu else lib.layers.Bidirectional
        layer = wrapper(forward, backward_layer=backward, merge_mode="sum")
        layer.build((2, 5, 4))
        return layer

    ours, theirs = build(cornu), build(keras_ref)
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]
    rng = np.random.default_rng(7)
    values = [0.5 * rng.normal(size=w.shape).astype("float32") for w in theirs.weights]
    theirs.set_weights(values)
    ours.set_weights(values)
    x = rng.normal(size=(2, 5, 4)).astype("float32")
    states = [rng.normal(size=(2, 3)).astype("float32") for _ in range(4)]
    _assert_outputs_match(ours(x, initial_state=states), theirs(x, initial_state=states))
    assert ours.backward_layer.activation is cornu.activations.relu

    # Its config holds both layers and rebuilds the same wrapper.
    assert_same_config(ours, theirs)
    clone = Bidirectional.from_config(ours.get_config())
    assert comparable_config(clone) == comparable_config(ours)
    clone.build((2, 5, 4))
    clone.set_weights(values)
    _assert_outputs_match(clone(x, initial_state=states), theirs(x, initial_state=states))


def test_stateful_matches_keras_and_resets(keras_ref):
    shape = (2, 4, 3)
    ours = Bidirectional(LSTM(2, stateful=True, **CHEAP))
    theirs = keras_ref.layers.Bidirectional(keras_ref.layers.LSTM(2, stateful=True, **CHEAP))
    theirs.build(shape)
    ours.build(shape)
    values = [0.5 * np.random.default_rng(3).normal(size=w.shape).astype("float32") for w in theirs.weights]
    theirs.set_weights(values)
    ours.set_weights(values)
    assert len(ours.weights) == len(theirs.weights) == 6
    x = np.random.default_rng(4).normal(size=shape).astype("float32")
    for _ in range(2):
        _assert_outputs_match(ours(x), theirs(x))
    assert len(ours.states) == 4
    ours.reset_state()
    theirs.reset_state()
    _assert_outputs_match(ours(x), theirs(x))
    with pytest.raises(AttributeError, match="stateful"):
        Bidirectional(LSTM(2)).reset_state()


def test_bidirectional_conv_lstm_matches_keras(keras_ref):
    kwargs = dict(filters=2, kernel_size=2, padding="same", return_sequences=True, **CHEAP)
    ours = Bidirectional(ConvLSTM2D(**kwargs), merge_mode="ave")
    theirs = keras_ref.layers.Bidirectional(keras_ref.layers.ConvLSTM2D(**kwargs), merge_mode="ave")
    shape = (2, 3, 4, 4, 1)
    theirs.build(shape)
    ours.build(shape)
    values = [0.5 * np.random.default_rng(5).normal(size=w.shape).astype("float32") for w in theirs.weights]
    theirs.set_weights(values)
    ours.set_weights(values)
    x = np.random.default_rng(6).normal(size=shape).astype("float32")
    _assert_outputs_match(ours(x), theirs(x))
    assert ours(cornu.KerasTensor((None,) + shape[1:])).shape == (None, 3, 4, 4, 2)


@pytest.mark.parametrize("merge_mode", MERGE_MODES)
def test_config_round_trip_and_keras_configs_load(keras_ref, merge_mode):
    from cornu.serialization.keras_objects import deserialize_keras_object, serialize_keras_object

    ours = Bidirectional(GRU(4, return_sequences=True, dropout=0.1), merge_mode=merge_mode, name="bi")
    theirs = keras_ref.layers.Bidirectional(keras_ref.layers.GRU(4, return_sequences=True, dropout=0.1),
                                            merge_mode=merge_mode, name="bi")
    assert_same_config(ours, theirs)
    assert ours.forward_layer.name == "forward_gru" and ours.backward_layer.name == "backward_gru"
    assert ours.backward_layer.go_backwards and not ours.forward_layer.go_backwards
    clone = deserialize_keras_object(serialize_keras_object(ours))
    assert comparable_config(clone) == comparable_config(ours)
    loaded = deserialize_keras_object(keras_ref.saving.serialize_keras_object(theirs))
    assert isinstance(loaded, Bidirectional)
    assert comparable_config(loaded) == comparable_config(theirs)


def test_in_a_saved_functional_model(tmp_path, keras_ref):
    inputs = cornu.Input((5, 4))
    hidden = Bidirectional(LSTM(3, return_sequences=True, **CHEAP))(inputs)
    outputs = Bidirectional(GRU(2, **CHEAP), merge_mode="sum")(hidden)
    model = cornu.Model(inputs, outputs)
    rng = np.random.default_rng(0)
    model.set_weights([0.5 * rng.normal(size=w.shape).astype("float32") for w in model.weights])
    x = rng.normal(size=(2, 5, 4)).astype("float32")
    expected = to_numpy(model(x))
    assert model.output.shape == (None, 2)
    path = str(tmp_path / "bi.keras")
    model.save(path)
    restored = cornu.saving.load_model(path)
    np.testing.assert_allclose(to_numpy(restored(x)), expected, atol=1e-6)
    theirs = keras_ref.saving.load_model(path)
    np.testing.assert_allclose(np.asarray(theirs(x)), expected, atol=1e-5)


def test_the_wrapped_layers_weights_are_not_reused():
    original = LSTM(3)
    original.build((None, 5, 4))
    layer = Bidirectional(original)
    assert layer.forward_layer is not original
    assert all(w is not v for w in layer.weights for v in original.weights)


def test_weights_argument_sets_both_directions():
    reference = Bidirectional(SimpleRNN(2))
    reference.build((None, 3, 2))
    values = [np.full(w.shape, i + 1.0, "float32") for i, w in enumerate(reference.weights)]
    layer = Bidirectional(SimpleRNN(2), weights=values)
    layer.build((None, 3, 2))
    for got, want in zip(layer.get_weights(), values):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("make, error, message", [
    (lambda: Bidirectional("lstm"), ValueError, "Layer"),
    (lambda: Bidirectional(LSTM(2), merge_mode="max"), ValueError, "merge_mode='max'"),
    (lambda: Bidirectional(LSTM(2), backward_layer="lstm"), ValueError, "backward_layer"),
    (lambda: Bidirectional(LSTM(2), backward_layer=LSTM(2)), ValueError, "go_backwards"),
    (lambda: Bidirectional(LSTM(2), backward_layer=LSTM(2, go_backwards=True, return_sequences=True)),
     ValueError, "return_sequences"),
    (lambda: Bidirectional(LSTM(2))(np.ones((2, 3, 4), "float32"), initial_state=[np.zeros((2, 2), "float32")]),
     ValueError, "even number"),
    (lambda: Bidirectional(LSTM(2), name="bi")(np.ones((2, 3), "float32")), ValueError, "ndim"),
])
def test_clear_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_constructor_signature_matches_keras(keras_ref):
    ours = inspect.signature(Bidirectional.__init__).parameters
    theirs = inspect.signature(keras_ref.layers.Bidirectional.__init__).parameters
    assert list(ours) == list(theirs)
    assert [p.default for p in ours.values()] == [p.default for p in theirs.values()]
