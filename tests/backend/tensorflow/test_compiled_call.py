"""Repeated eager ``model(x)`` calls on TensorFlow (``cornu/backend/tensorflow/compiled_call.py``):
the third call of a signature runs a traced ``tf.function`` (also with ``jit_compile=False``,
which only turns XLA off), gives the eager call's numbers, lets gradients reach the variables
under an eager ``tf.GradientTape``, and recurrent layers read their steps from TensorArrays.
(The behaviour tests shared with every backend are tests/models/test_compiled_eager_call.py.)"""

import numpy as np
import pytest

import cornu as keras
from cornu import backend

pytestmark = pytest.mark.skipif(backend.backend() != "tensorflow", reason="the TensorFlow backend's traced model(x)")

if backend.backend() == "tensorflow":
    import tensorflow as tf


def _model():
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(3)])


def _x(n=4):
    return np.random.default_rng(0).normal(size=(n, 6)).astype("float32")


def _traced_signatures(model):
    compiled = model.__dict__.get("_compiled_call")
    return [] if compiled in (None, False) else [e for e in compiled.entries() if e._concrete is not None]


@pytest.mark.parametrize("jit_compile", [False, True])
def test_the_third_call_runs_a_traced_function_with_the_eager_numbers(jit_compile):
    model = _model()
    model.compile(jit_compile=jit_compile)
    x = _x()
    model.run_eagerly = True
    expected = model(x).numpy()
    model.run_eagerly = False
    outputs = [model(x).numpy() for _ in range(4)]
    assert len(_traced_signatures(model)) == 1
    assert _traced_signatures(model)[0]._fn._jit_compile == jit_compile
    for got in outputs:
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)
    model(_x(2))  # a new batch size is a new signature: eager twice, then traced
    model(_x(2))
    assert len(_traced_signatures(model)) == 1
    model(_x(2))
    assert len(_traced_signatures(model)) == 2


def test_run_eagerly_keeps_every_call_eager():
    model = _model()
    model.compile(run_eagerly=True)
    for _ in range(4):
        model(_x())
    assert _traced_signatures(model) == []


def test_gradients_reach_the_variables_through_the_traced_call():
    model = _model()
    x = tf.constant(_x())

    def gradients():
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(model(x) ** 2)
        return [g.numpy() for g in tape.gradient(loss, model.trainable_variables)]

    eager = gradients()  # calls 1 and 2 are eager
    gradients()
    traced = gradients()
    assert len(_traced_signatures(model)) == 1
    for got, want in zip(traced, eager):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_calls_inside_a_tf_function_are_left_to_it():
    model = _model()
    x = _x()

    @tf.function  # AutoGraph on: it must leave the compiled call's Python bookkeeping alone
    def step(inputs):
        return model(inputs) * 2.0

    for _ in range(4):
        np.testing.assert_allclose(step(x).numpy(), 2.0 * model(x).numpy(), rtol=1e-6, atol=1e-6)
    assert len(_traced_signatures(model)) == 1  # only the eager model(x) calls were traced


def test_lstm_gradients_read_steps_from_tensor_arrays():
    # Slicing ``x[t]`` in the loop has a gradient that builds a zero tensor of the whole sequence
    # at every step; a TensorArray read's gradient writes one slot.
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((7, 3)), keras.layers.LSTM(4)])
    x = tf.constant(np.random.default_rng(0).normal(size=(2, 7, 3)).astype("float32"))

    @tf.function
    def grads(inputs):
        with tf.GradientTape() as tape:
            tape.watch(inputs)
            loss = tf.reduce_sum(model(inputs, training=True))
        return tape.gradient(loss, inputs)

    graph = grads.get_concrete_function(x).graph
    ops_in_loops = [op.type for f in graph._functions.values() for op in f.graph.get_operations()]
    assert "TensorListGetItem" in ops_in_loops
    assert "StridedSliceGrad" not in ops_in_loops
    # The input gradient equals the eager loop's (a Python loop over unstacked steps).
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(model(x, training=True))
    np.testing.assert_allclose(grads(x).numpy(), tape.gradient(loss, x).numpy(), rtol=1e-5, atol=1e-6)
