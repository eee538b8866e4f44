"""Training on the TensorFlow backend (``cornu/backend/tensorflow/step.py``): the default step
traced into a ``tf.function`` trains to the numbers of plain gradient descent in NumPy and of the
real Keras, once per input signature; XLA, ``steps_per_execution`` and ``tf.data`` input give
the same numbers; what changes between steps lives in variables updated inside the graph."""

import numpy as np
import pytest

import cornu as keras
from cornu import backend

pytestmark = pytest.mark.skipif(backend.backend() != "tensorflow", reason="the TensorFlow backend's training step")

if backend.backend() == "tensorflow":
    import tensorflow as tf

SAMPLES, FEATURES, UNITS, BATCH = 20, 5, 4, 8  # batches of 8, 8 and 4: the last one is smaller


def _data(samples=SAMPLES):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(samples, FEATURES)).astype("float32")
    y = rng.normal(size=(samples, 1)).astype("float32")
    return x, y


def _initial_weights():
    rng = np.random.default_rng(1)
    return [rng.normal(size=(FEATURES, UNITS)).astype("float32") * 0.5, rng.normal(size=(UNITS,)).astype("float32") * 0.1,
            rng.normal(size=(UNITS, 1)).astype("float32") * 0.5, rng.normal(size=(1,)).astype("float32") * 0.1]


class CountingLayer(keras.layers.Layer):
    """Passes its input through and counts its calls: a traced step calls it once per trace."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.calls = 0

    def call(self, x):
        self.calls += 1
        return x


def _mlp(k=keras, counting=False):
    layers = [k.Input((FEATURES,)), k.layers.Dense(UNITS, activation="tanh"), k.layers.Dense(1)]
    if counting:
        layers.append(CountingLayer())
    model = k.Sequential(layers)
    model.set_weights(_initial_weights())
    return model


def _fit(epochs=3, samples=SAMPLES, optimizer=None, data=None, **compile_kwargs):
    x, y = _data(samples)
    model = _mlp()
    model.compile(optimizer=optimizer or keras.optimizers.SGD(0.1), loss="mse", **compile_kwargs)
    history = model.fit(data if data is not None else x, None if data is not None else y, batch_size=BATCH,
                        epochs=epochs, shuffle=False, verbose=0)
    return model, history.history


def _numpy_sgd(x, y, epochs, lr=0.1):
    """The MLP, MSE and plain SGD in float64 NumPy: per-epoch losses (batch losses weighted by
    batch size, as the loss tracker weighs them) and the final weights."""
    w1, b1, w2, b2 = (w.astype("float64") for w in _initial_weights())
    history = []
    for _ in range(epochs):
        total, count = 0.0, 0
        for start in range(0, len(x), BATCH):
            xb, yb = x[start:start + BATCH].astype("float64"), y[start:start + BATCH].astype("float64")
            h = np.tanh(xb @ w1 + b1)
            err = h @ w2 + b2 - yb
            total += np.mean(err ** 2) * len(xb)
            count += len(xb)
            d = 2 * err / err.size
            dh = d @ w2.T * (1 - h ** 2)
            w2, b2, w1, b1 = w2 - lr * h.T @ d, b2 - lr * d.sum(0), w1 - lr * xb.T @ dh, b1 - lr * dh.sum(0)
        history.append(total / count)
    return history, [w1, b1, w2, b2]


def test_fit_matches_numpy_gradient_descent():
    model, history = _fit(epochs=3)
    x, y = _data()
    expected_losses, expected_weights = _numpy_sgd(x, y, epochs=3)
    np.testing.assert_allclose(history["loss"], expected_losses, rtol=1e-5)
    for got, expected in zip(model.get_weights(), expected_weights):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_adam_and_metrics_match_the_real_keras(keras_ref):
    x, y = _data()
    model, history = _fit(epochs=3, optimizer=keras.optimizers.Adam(0.01), metrics=["mae"])
    reference = _mlp(keras_ref)
    reference.compile(optimizer=keras_ref.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    expected = reference.fit(x, y, batch_size=BATCH, epochs=3, shuffle=False, verbose=0).history
    for key in ("loss", "mae"):
        np.testing.assert_allclose(history[key], expected[key], rtol=1e-5)
    for got, want in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, np.asarray(want), rtol=1e-5, atol=1e-6)


def test_each_step_is_traced_once_per_input_signature():
    x, y = _data()
    model = _mlp(counting=True)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    counter = model.layers[-1]
    before = counter.calls
    model.fit(x, y, batch_size=BATCH, epochs=3, shuffle=False, verbose=0)
    # 9 steps: the full batches share one trace, the smaller last batch adds one.
    assert counter.calls - before == 2
    model.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
    assert counter.calls - before == 2  # the next fit reuses the traces
    before = counter.calls
    model.evaluate(x, y, batch_size=BATCH, verbose=0)
    model.evaluate(x, y, batch_size=BATCH, verbose=0)
    model.predict(x, batch_size=BATCH, verbose=0)
    assert counter.calls - before <= 4


def test_run_eagerly_runs_every_step_as_python():
    x, y = _data()
    model = _mlp(counting=True)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", run_eagerly=True)
    before = model.layers[-1].calls
    history = model.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0).history
    assert model.layers[-1].calls - before == 6
    np.testing.assert_allclose(history["loss"], _numpy_sgd(x, y, epochs=2)[0], rtol=1e-5)


def test_jit_compile_gives_the_same_numbers():
    plain, plain_history = _fit(epochs=3, optimizer=keras.optimizers.Adam(0.01), jit_compile=False)
    compiled, compiled_history = _fit(epochs=3, optimizer=keras.optimizers.Adam(0.01), jit_compile=True)
    assert compiled.jit_compile is True
    assert compiled._runners["train"]._step.jit_compile is True  # the step went through XLA
    np.testing.assert_allclose(compiled_history["loss"], plain_history["loss"], rtol=1e-5)
    for a, b in zip(compiled.get_weights(), plain.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_auto_jit_compile_follows_keras_on_tensorflow():
    has_accelerator = any(d.device_type != "CPU" for d in tf.config.list_physical_devices())
    assert backend.step().JIT_COMPILE_BY_DEFAULT is has_accelerator
    model = _mlp()
    model.compile(optimizer="sgd", loss="mse")
    assert model.jit_compile is has_accelerator


def test_steps_per_execution_gives_the_numbers_of_single_steps():
    # 40 samples: 5 batches, run as a group of 3 (one traced loop) and a group of 2.
    single, single_history = _fit(epochs=2, samples=40, optimizer=keras.optimizers.Adam(0.01), metrics=["mae"])
    grouped, grouped_history = _fit(epochs=2, samples=40, optimizer=keras.optimizers.Adam(0.01), metrics=["mae"],
                                    steps_per_execution=3)
    for key in ("loss", "mae"):
        np.testing.assert_allclose(grouped_history[key], single_history[key], rtol=1e-6)
    for a, b in zip(grouped.get_weights(), single.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    assert int(grouped.optimizer.iterations) == 10
    x, y = _data(40)
    np.testing.assert_allclose(grouped.evaluate(x, y, batch_size=BATCH, verbose=0),
                               single.evaluate(x, y, batch_size=BATCH, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(grouped.predict(x, batch_size=BATCH, verbose=0),
                               single.predict(x, batch_size=BATCH, verbose=0), rtol=1e-6)


def test_a_group_of_steps_is_one_trace_of_the_step():
    x, y = _data(40)
    model = _mlp(counting=True)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", steps_per_execution=3)
    before = model.layers[-1].calls
    model.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
    assert model.layers[-1].calls - before == 1  # every batch has the same shape
    assert model._runners["train"]._step._steps_in_a_loop.experimental_get_tracing_count() == 2  # groups of 3, 2


def test_tf_data_batches_stay_tensorflow_tensors_and_train_like_arrays():
    from cornu.trainers.data.tf_dataset_adapter import TFDatasetAdapter

    x, y = _data()
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(BATCH)
    first = TFDatasetAdapter(dataset).peek()
    assert all(isinstance(part, tf.Tensor) for part in first)  # no NumPy round trip
    model, history = _fit(epochs=3, data=dataset)
    expected_losses, expected_weights = _numpy_sgd(x, y, epochs=3)
    np.testing.assert_allclose(history["loss"], expected_losses, rtol=1e-5)
    for got, expected in zip(model.get_weights(), expected_weights):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_counters_and_seeds_advance_inside_the_traced_step():
    x, y = _data()
    dropout = keras.layers.Dropout(0.5, seed=3)
    model = keras.Sequential([keras.Input((FEATURES,)), keras.layers.Dense(UNITS), dropout, keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse", metrics=["mae"])
    model.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
    assert int(model.optimizer.iterations) == 6
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(dropout.seed_generator.state.value), [3, 6])
    # The metrics hold the last epoch's totals, updated by the traced steps.
    assert float(model.metrics[0].count) == pytest.approx(SAMPLES)


def test_embedding_gradients_train_like_the_eager_step():
    rng = np.random.default_rng(0)
    tokens = rng.integers(0, 10, size=(16, 3))
    targets = rng.normal(size=(16, 1)).astype("float32")

    def fit(run_eagerly):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((3,), dtype="int32"), keras.layers.Embedding(10, 4),
                                  keras.layers.Flatten(), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse", run_eagerly=run_eagerly)
        history = model.fit(tokens, targets, batch_size=8, epochs=3, shuffle=False, verbose=0).history
        return model, history["loss"]

    eager, eager_losses = fit(True)
    traced, traced_losses = fit(False)
    np.testing.assert_allclose(traced_losses, eager_losses, rtol=1e-5)
    assert traced_losses[-1] < traced_losses[0]
    for a, b in zip(traced.get_weights(), eager.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_adam_runs_fused_in_the_traced_step_and_trains_like_the_eager_step():
    # The traced step updates with ResourceApplyAdam; run_eagerly=True runs the same kernel op by
    # op; both match the generic update (tests/optimizers/test_tensorflow_fused_optimizer.py).
    assert backend.optimizers.fused_update_step(keras.optimizers.Adam()) is not None


# ------------------------------------------------------------------ recurrent loops


def _numpy_rnn_reference(x, h0, kernel, recurrent, **options):
    from cornu.backend.common.rnn_loop import NUMPY_ARRAYS, python_rnn_loop

    def step(x_t, states):
        h = np.tanh(x_t @ kernel + states[0] @ recurrent)
        return h, [h]

    return python_rnn_loop(NUMPY_ARRAYS, step, x, [h0], **options)


@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("zero_output_for_mask", [False, True])
@pytest.mark.parametrize("return_all_outputs", [False, True])
def test_rnn_while_loop_matches_the_python_loop(go_backwards, zero_output_for_mask, return_all_outputs):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 5, 2)).astype("float32")
    kernel, recurrent = rng.normal(size=(2, 4)).astype("float32"), rng.normal(size=(4, 4)).astype("float32") * 0.5
    h0 = rng.normal(size=(3, 4)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1], [0, 0, 1, 1, 1]], bool)
    options = dict(go_backwards=go_backwards, mask=mask, zero_output_for_mask=zero_output_for_mask,
                   return_all_outputs=return_all_outputs)

    def step(x_t, states):
        h = tf.tanh(tf.matmul(x_t, kernel) + tf.matmul(states[0], recurrent))
        return h, [h]

    expected = _numpy_rnn_reference(x, h0, kernel, recurrent, **options)
    # A free batch and time dimension, as in a step traced for a second batch shape.
    traced = tf.function(lambda x, h0: backend.rnn.rnn(step, x, [h0], **options),
                         input_signature=[tf.TensorSpec((None, None, 2)), tf.TensorSpec((None, 4))])
    for got in (traced(x, h0), backend.rnn.rnn(step, x, [h0], **options),
                backend.rnn.rnn(step, x, [h0], unroll=True, **options)):
        for a, b in zip(tf.nest.flatten(got), tf.nest.flatten(expected)):
            np.testing.assert_allclose(np.asarray(a), b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("layer", ["LSTM", "GRU"])
def test_recurrent_layers_train_in_the_traced_step_like_eagerly(layer):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(12, 4, 3)).astype("float32")
    x[:, -1] = 0.0  # the last step masked
    y = rng.normal(size=(12, 1)).astype("float32")

    def fit(run_eagerly):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((4, 3)), keras.layers.Masking(), getattr(keras.layers, layer)(5),
                                  keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", run_eagerly=run_eagerly)
        history = model.fit(x, y, batch_size=5, epochs=2, shuffle=False, verbose=0).history
        return model, history["loss"]

    eager, eager_losses = fit(True)
    traced, traced_losses = fit(False)
    np.testing.assert_allclose(traced_losses, eager_losses, rtol=1e-5)
    for a, b in zip(traced.get_weights(), eager.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_fused_lstm_and_gru_defer_to_the_cell():
    with pytest.raises(NotImplementedError):
        backend.rnn.lstm(None, None, None, None, None, None, None, None, None)
    with pytest.raises(NotImplementedError):
        backend.rnn.gru(None, None, None, None, None, None, None, None)
