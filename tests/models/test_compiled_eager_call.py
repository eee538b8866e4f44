"""Repeated eager ``model(x)`` calls (compiled on JAX after a warm-up) give exactly what
the layer-by-layer eager call gives, keep state updates, masks and losses, and notice
when the model changes. The same tests run on every backend (eager elsewhere)."""

import numpy as np
import pytest

import cornu as keras
from cornu import ops

CALLS = 5  # more than the warm-up, so later calls take the compiled path on JAX


def _np(x):
    return ops.convert_to_numpy(x)


def _mlp(**compile_kwargs):
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(3)])


def _x(n=2, seed=0):
    return np.random.default_rng(seed).normal(size=(n, 6)).astype("float32")


def test_repeated_calls_equal_the_eager_call():
    model = _mlp()
    x = _x()
    model.run_eagerly = True
    expected = _np(model(x))
    model.run_eagerly = False
    for _ in range(CALLS):
        np.testing.assert_allclose(_np(model(x)), expected, rtol=1e-6, atol=1e-6)


def test_set_weights_between_calls_is_seen():
    model = _mlp()
    x = _x()
    for _ in range(CALLS):
        model(x)
    weights = [np.full_like(w, 0.1) for w in model.get_weights()]
    model.set_weights(weights)
    hidden = np.maximum(x @ weights[0] + weights[1], 0)
    np.testing.assert_allclose(_np(model(x)), hidden @ weights[2] + weights[3], rtol=1e-5)


def test_batch_norm_statistics_update_like_eager_calls():
    def build():
        keras.utils.set_random_seed(0)
        return keras.Sequential([keras.Input((6,)), keras.layers.BatchNormalization(momentum=0.5)])

    eager, compiled = build(), build()
    eager.run_eagerly = True
    for i in range(CALLS):
        x = _x(4, seed=i)
        np.testing.assert_allclose(_np(compiled(x, training=True)), _np(eager(x, training=True)), rtol=1e-5, atol=1e-6)
    for a, b in zip(compiled.get_weights(), eager.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_dropout_draws_new_masks_like_eager_calls():
    def build():
        keras.utils.set_random_seed(0)
        return keras.Sequential([keras.Input((50,)), keras.layers.Dropout(0.5, seed=1)])

    eager, compiled = build(), build()
    eager.run_eagerly = True
    x = np.ones((2, 50), "float32")
    outputs = []
    for _ in range(CALLS):
        expected = _np(eager(x, training=True))
        got = _np(compiled(x, training=True))
        np.testing.assert_array_equal(got, expected)
        outputs.append(got)
    assert not np.array_equal(outputs[-1], outputs[-2])
    np.testing.assert_array_equal(_np(compiled(x)), x)  # inference: no dropout


def test_trainable_change_is_noticed():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((6,)), keras.layers.BatchNormalization(momentum=0.0)])
    x = _x(4)
    for _ in range(CALLS):
        model(x, training=True)
    model.trainable = False  # a frozen BatchNormalization normalizes with its moving statistics
    frozen = _np(model(x, training=True))
    mean, var = model.layers[0].moving_mean.numpy(), model.layers[0].moving_variance.numpy()
    np.testing.assert_allclose(frozen, (x - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-5)


def test_adding_a_layer_is_noticed():
    model = _mlp()
    x = _x()
    for _ in range(CALLS):
        model(x)
    model.add(keras.layers.Dense(1, kernel_initializer="zeros", bias_initializer="ones"))
    np.testing.assert_allclose(_np(model(x)), np.ones((2, 1)), rtol=1e-6)


def test_activity_regularizer_losses_are_kept():
    inputs = keras.Input((6,))
    outputs = keras.layers.Dense(2, kernel_initializer="ones", activity_regularizer=keras.regularizers.L1(0.5))(inputs)
    model = keras.Model(inputs, outputs)
    x = np.ones((2, 6), "float32")
    for _ in range(CALLS):
        model(x)
        assert len(model.losses) == 1
        np.testing.assert_allclose(_np(model.losses[0]), 0.5 * 24 / 2, rtol=1e-6)


def test_output_masks_are_kept():
    inputs = keras.Input((4,), dtype="int32")
    outputs = keras.layers.Embedding(5, 2, mask_zero=True)(inputs)
    model = keras.Model(inputs, outputs)
    x = np.array([[1, 2, 0, 0]], "int32")
    for _ in range(CALLS):
        mask = keras.backend.get_keras_mask(model(x))
        assert mask is not None
        np.testing.assert_array_equal(_np(mask), [[True, True, False, False]])


def test_python_side_code_falls_back_to_eager():
    class HostDoubling(keras.layers.Layer):
        def call(self, t):
            return ops.convert_to_tensor(np.asarray(ops.convert_to_numpy(t)) * 2.0)

        def compute_output_shape(self, input_shape):
            return input_shape

    inputs = keras.Input((3,))
    model = keras.Model(inputs, HostDoubling()(inputs))
    x = np.arange(6, dtype="float32").reshape(2, 3)
    for _ in range(CALLS):
        np.testing.assert_allclose(_np(model(x)), 2 * x)


def test_subclassed_call_stays_eager():
    class Counting(keras.Sequential):
        calls = 0

        def call(self, inputs, training=None, mask=None):
            Counting.calls += 1
            return super().call(inputs, training=training, mask=mask)

    model = Counting([keras.Input((6,)), keras.layers.Dense(2)])
    for _ in range(CALLS):
        model(_x())
    assert Counting.calls == CALLS
