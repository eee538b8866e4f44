"""``ConvLSTM1D/2D/3D`` side by side with the real Keras: numbers, weights, configs, shapes, errors."""

import inspect

import numpy as np
import pytest

import cornu
from cornu import backend
from cornu.layers.recurrent.conv_lstm1d import ConvLSTM1D
from cornu.layers.recurrent.conv_lstm2d import ConvLSTM2D
from cornu.layers.recurrent.conv_lstm3d import ConvLSTM3D

from tests.helpers.layer_compare import (assert_close, assert_same_config, assert_same_weights_layout,
                                         comparable_config, copy_weights, to_numpy)

CLASSES = {"ConvLSTM1D": ConvLSTM1D, "ConvLSTM2D": ConvLSTM2D, "ConvLSTM3D": ConvLSTM3D}

# (class name, constructor arguments, input shape (batch, time, ...)).
CASES = [
    ("ConvLSTM1D", dict(filters=3, kernel_size=3), (2, 4, 7, 2)),
    ("ConvLSTM1D", dict(filters=2, kernel_size=2, padding="same", return_sequences=True, go_backwards=True),
     (2, 3, 5, 3)),
    ("ConvLSTM1D", dict(filters=2, kernel_size=3, strides=2, return_state=True, data_format="channels_first"),
     (2, 3, 2, 7)),
    ("ConvLSTM2D", dict(filters=3, kernel_size=3, padding="same", return_sequences=True), (2, 3, 5, 4, 2)),
    ("ConvLSTM2D", dict(filters=2, kernel_size=(2, 3), go_backwards=True, return_state=True,
                        return_sequences=True), (2, 3, 5, 5, 2)),
    ("ConvLSTM2D", dict(filters=2, kernel_size=2, dilation_rate=2, use_bias=False, activation="relu",
                        data_format="channels_first"), (1, 3, 2, 5, 5)),
    ("ConvLSTM2D", dict(filters=2, kernel_size=3, strides=2, padding="same", unit_forget_bias=False,
                        recurrent_activation="hard_sigmoid"), (2, 2, 6, 5, 3)),
    ("ConvLSTM3D", dict(filters=2, kernel_size=2, padding="same", return_sequences=True), (1, 3, 3, 3, 2, 2)),
    ("ConvLSTM3D", dict(filters=2, kernel_size=2, go_backwards=True), (1, 2, 3, 3, 3, 1)),
]

# Real Keras on JAX compiles each random initializer once per shape (slow); the weights are
# overwritten with random values anyway.
CHEAP = dict(kernel_initializer="zeros", recurrent_initializer="zeros")


def _ids(case):
    name, kwargs, _ = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items() if k not in ("filters", "kernel_size"))


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _shapes(shape_or_shapes):
    if all(d is None or isinstance(d, int) for d in shape_or_shapes):
        return [tuple(shape_or_shapes)]
    return [tuple(s) for s in shape_or_shapes]


def _built_pair(keras_ref, name, kwargs, shape, seed=2, keras_kwargs=None):
    ours = CLASSES[name](**kwargs, **CHEAP)
    theirs = getattr(keras_ref.layers, name)(**kwargs, **CHEAP, **(keras_kwargs or {}))
    theirs.build(shape)
    ours.build(shape)
    assert_same_weights_layout(ours, theirs)
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]
    rng = np.random.default_rng(seed)
    theirs.set_weights([0.4 * rng.normal(size=w.shape).astype("float32") for w in theirs.weights])
    copy_weights(theirs, ours)
    return ours, theirs


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_outputs_weights_config_and_shapes_match_keras(keras_ref, case):
    name, kwargs, shape = case
    ours, theirs = _built_pair(keras_ref, name, kwargs, shape)
    x = np.random.default_rng(1).normal(size=shape).astype("float32")
    expected = [np.asarray(e) for e in _as_list(theirs(x))]
    outputs = _as_list(ours(x))
    assert len(outputs) == len(expected)
    for out, exp in zip(outputs, expected):
        assert tuple(out.shape) == exp.shape
        assert_close(out, exp)

    # Symbolic shapes equal the eager ones (unknown batch, and unknown batch and time).
    symbolic = _as_list(CLASSES[name](**kwargs, **CHEAP)(cornu.KerasTensor((None,) + shape[1:])))
    assert [s.shape for s in symbolic] == [(None,) + e.shape[1:] for e in expected]
    unknown_time = (None, None) + shape[2:]
    assert _shapes(ours.compute_output_shape(unknown_time)) == _shapes(theirs.compute_output_shape(unknown_time))

    # Configs with the default initializers, and their round trip.
    configured, configured_ref = CLASSES[name](**kwargs), getattr(keras_ref.layers, name)(**kwargs)
    assert_same_config(configured, configured_ref)
    clone = type(configured).from_config(configured.get_config())
    assert comparable_config(clone) == comparable_config(configured)


@pytest.mark.parametrize("return_sequences", [True, False])
def test_masked_time_steps_match_keras(keras_ref, return_sequences):
    """Keras 3.15's scan on JAX fails on masks with feature-map states; its unrolled loop is the reference."""
    kwargs = dict(filters=2, kernel_size=3, padding="same", return_sequences=return_sequences)
    shape = (3, 4, 5, 2)
    ours, theirs = _built_pair(keras_ref, "ConvLSTM1D", kwargs, shape, keras_kwargs=dict(unroll=True))
    x = np.random.default_rng(3).normal(size=shape).astype("float32")
    mask = np.array([[1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 1, 1]], bool)
    assert_close(ours(x, mask=mask), np.asarray(theirs(x, mask=mask)))
    # A mask carried by the input is used as well.
    tagged = backend.convert_to_tensor(x)
    backend.set_keras_mask(tagged, backend.convert_to_tensor(mask))
    out = ours(tagged)
    assert_close(out, np.asarray(theirs(x, mask=mask)))
    out_mask = backend.get_keras_mask(out)
    if return_sequences:
        np.testing.assert_array_equal(to_numpy(out_mask), mask)
    else:
        assert out_mask is None


def test_initial_state_and_statefulness_match_keras(keras_ref):
    kwargs = dict(filters=2, kernel_size=3, padding="same", return_state=True)
    shape = (2, 3, 4, 4, 1)
    ours, theirs = _built_pair(keras_ref, "ConvLSTM2D", kwargs, shape)
    rng = np.random.default_rng(4)
    x = rng.normal(size=shape).astype("float32")
    h0, c0 = (rng.normal(size=(2, 4, 4, 2)).astype("float32") for _ in range(2))
    for out, exp in zip(ours(x, initial_state=[h0, c0]), theirs(x, initial_state=[h0, c0])):
        assert_close(out, np.asarray(exp))

    stateful_kwargs = dict(filters=2, kernel_size=3, padding="same", stateful=True)
    ours, theirs = _built_pair(keras_ref, "ConvLSTM2D", stateful_kwargs, shape)
    assert len(ours.weights) == 3 and not ours.non_trainable_weights
    for _ in range(2):
        assert_close(ours(x), np.asarray(theirs(x)))
    ours.reset_state()
    theirs.reset_state()
    assert_close(ours(x), np.asarray(theirs(x)))


def test_default_bias_opens_the_forget_gate():
    layer = ConvLSTM2D(3, 2)
    layer.build((None, 2, 4, 4, 1))
    np.testing.assert_array_equal(to_numpy(layer.cell.bias.value), [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    assert [tuple(w.shape) for w in layer.weights] == [(2, 2, 1, 12), (2, 2, 3, 12), (12,)]
    assert layer.filters == 3 and layer.kernel_size == (2, 2) and layer.padding == "valid"


@pytest.mark.requires_trainable_backend
def test_dropout_only_in_training_and_the_layer_learns():
    cornu.utils.set_random_seed(0)
    # glorot instead of the orthogonal default: JAX compiles a QR decomposition for the latter (seconds).
    layer = ConvLSTM1D(2, 3, padding="same", dropout=0.5, recurrent_dropout=0.5, seed=1,
                       recurrent_initializer="glorot_uniform")
    x = np.random.default_rng(0).normal(size=(2, 3, 5, 2)).astype("float32")
    inference = to_numpy(layer(x))
    np.testing.assert_allclose(to_numpy(layer(x)), inference)
    trained = to_numpy(layer(x, training=True))
    assert np.isfinite(trained).all() and not np.allclose(trained, inference)

    model = cornu.Sequential([cornu.Input((3, 5, 2)),
                              ConvLSTM1D(2, 3, padding="same", recurrent_initializer="glorot_uniform"),
                              cornu.layers.Flatten(), cornu.layers.Dense(1)])
    model.compile(optimizer=cornu.optimizers.Adam(0.05), loss="mse")
    y = x.sum(axis=(1, 2, 3))[:, None]
    history = model.fit(x, y, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_constructor_signatures_match_keras(keras_ref):
    for name, cls in CLASSES.items():
        ours = inspect.signature(cls.__init__).parameters
        theirs = inspect.signature(getattr(keras_ref.layers, name).__init__).parameters
        assert list(ours) == list(theirs), name
        assert [p.default for p in ours.values()] == [p.default for p in theirs.values()], name


def test_keras_config_loads_in_cornu(keras_ref):
    from cornu.serialization.keras_objects import deserialize_keras_object

    theirs = keras_ref.layers.ConvLSTM2D(2, 3, padding="same", return_sequences=True, go_backwards=True,
                                         dropout=0.1, kernel_regularizer="l2", name="clstm")
    loaded = deserialize_keras_object(keras_ref.saving.serialize_keras_object(theirs))
    assert isinstance(loaded, ConvLSTM2D)
    assert comparable_config(loaded) == comparable_config(theirs)


@pytest.mark.parametrize("make, message", [
    (lambda: ConvLSTM2D(0, 3), "filters"),
    (lambda: ConvLSTM2D(2, (3, 3, 3)), "kernel_size"),
    (lambda: ConvLSTM2D(2, 3, padding="causal"), "padding"),
    (lambda: ConvLSTM2D(2, 3, strides=2, dilation_rate=2), "dilation_rate"),
    (lambda: ConvLSTM2D(2, 3, name="clstm")(np.zeros((2, 3, 5, 2), "float32")), "clstm"),
    (lambda: ConvLSTM1D(2, 3, name="clstm")(cornu.KerasTensor((None, 3, None, 2))), "static spatial"),
    (lambda: ConvLSTM1D(2, 5, name="clstm")(np.zeros((1, 2, 3, 2), "float32")), "zero or negative"),
    (lambda: ConvLSTM1D(2, 3, stateful=True)(cornu.KerasTensor((None, 3, 5, 2))), "batch size"),
])
def test_clear_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()
