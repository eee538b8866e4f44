"""End-to-end training behaviour of compile/fit/evaluate/predict on every backend."""

import numpy as np
import pytest

import cornu
from cornu import backend, layers, ops

pytestmark = []


def _data(n=256, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype("float32")
    y = (x[:, 0] - x[:, 1] > 0).astype("int32")
    return x, y


def _model(seed=1):
    cornu.utils.set_random_seed(seed)
    return cornu.Sequential([
        cornu.Input((6,)),
        layers.Dense(16, activation="relu"),
        layers.Dense(2, activation="softmax"),
    ])


@pytest.mark.requires_trainable_backend
def test_fit_learns_a_separable_problem_and_reports_history():
    x, y = _data()
    model = _model()
    model.compile(optimizer=cornu.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=8, validation_split=0.25, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history.history["loss"]) == 8
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["val_accuracy"][-1] > 0.9
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert accuracy > 0.9
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "accuracy"} and abs(logs["loss"] - loss) < 1e-6


@pytest.mark.requires_trainable_backend
def test_sgd_step_matches_a_numpy_reference():
    x = np.array([[1.0, 2.0], [3.0, -1.0]], dtype="float32")
    y = np.array([[1.0], [0.0]], dtype="float32")
    model = cornu.Sequential([cornu.Input((2,)), layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros")])
    model.compile(optimizer=cornu.optimizers.SGD(learning_rate=0.1), loss="mse")
    model.train_on_batch(x, y)
    w = np.ones((2, 1), "float32")
    b = np.zeros((1,), "float32")
    pred = x @ w + b
    grad_pred = 2 * (pred - y) / pred.size
    expected_w = w - 0.1 * (x.T @ grad_pred)
    expected_b = b - 0.1 * grad_pred.sum(axis=0)
    got_w, got_b = model.get_weights()
    np.testing.assert_allclose(got_w, expected_w, rtol=1e-6)
    np.testing.assert_allclose(got_b, expected_b, rtol=1e-6)


def test_evaluate_and_predict_match_a_manual_forward_pass():
    x, y = _data(64)
    model = _model()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    k1, b1, k2, b2 = model.get_weights()
    logits = np.maximum(x @ k1 + b1, 0) @ k2 + b2
    probs = np.exp(logits - logits.max(1, keepdims=True))
    probs /= probs.sum(1, keepdims=True)
    np.testing.assert_allclose(model.predict(x, batch_size=10, verbose=0), probs, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict_on_batch(x[:3]), probs[:3], rtol=1e-5, atol=1e-6)
    loss, accuracy = model.evaluate(x, y, batch_size=16, verbose=0)
    expected_loss = -np.mean(np.log(np.clip(probs[np.arange(64), y], 1e-7, 1)))
    np.testing.assert_allclose(loss, expected_loss, rtol=1e-5)
    np.testing.assert_allclose(accuracy, np.mean(probs.argmax(1) == y), rtol=1e-6)


def test_fit_before_compile_and_bad_arguments_fail_before_any_work():
    x, y = _data(32)
    model = _model()
    # A ValueError, as in Keras, so user code catching Keras's type keeps working.
    for call in (lambda: model.fit(x, y, verbose=0), lambda: model.evaluate(x, y, verbose=0),
                 lambda: model.train_on_batch(x, y), lambda: model.test_on_batch(x, y)):
        with pytest.raises(ValueError, match=r"You must call `compile\(\)` before using the model"):
            call()
    model.compile(optimizer="sgd", loss="mse")
    before = [w.copy() for w in model.get_weights()]
    if backend.backend() != "numpy":
        with pytest.raises(ValueError, match="cardinality"):
            model.fit(x, y[:10], verbose=0)
        with pytest.raises(ValueError, match="verbose"):
            model.fit(x, y, verbose=5)
        with pytest.raises(ValueError, match="epochs"):
            model.fit(x, y, epochs=-1, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_numpy_backend_fit_raises_a_clear_error():
    if backend.backend() != "numpy":
        pytest.skip("numpy backend only")
    x, y = _data(32)
    model = _model()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with pytest.raises(NotImplementedError, match="inference-only"):
        model.fit(x, y, verbose=0)


@pytest.mark.requires_trainable_backend
def test_multi_output_losses_weights_and_dict_targets():
    inputs = cornu.Input((4,))
    a = layers.Dense(1, name="a")(inputs)
    b = layers.Dense(1, name="b")(inputs)
    model = cornu.Model(inputs, {"a": a, "b": b})
    model.compile(optimizer="sgd", loss={"a": "mse", "b": "mae"}, loss_weights={"a": 1.0, "b": 0.5})
    x = np.random.rand(8, 4).astype("float32")
    ya, yb = np.random.rand(8, 1).astype("float32"), np.random.rand(8, 1).astype("float32")
    out = model.predict(x, verbose=0)
    expected = np.mean((out["a"] - ya) ** 2) + 0.5 * np.mean(np.abs(out["b"] - yb))
    loss = model.evaluate(x, {"a": ya, "b": yb}, verbose=0, return_dict=True)["loss"]
    np.testing.assert_allclose(loss, expected, rtol=1e-5)
    model.fit(x, {"a": ya, "b": yb}, epochs=1, verbose=0)


@pytest.mark.requires_trainable_backend
def test_trainable_false_freezes_weights_and_regularization_adds_loss():
    x, y = _data(64)
    model = _model()
    model.layers[0].trainable = False
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    frozen = model.layers[0].get_weights()
    model.fit(x, y, epochs=1, verbose=0)
    for a, b in zip(frozen, model.layers[0].get_weights()):
        np.testing.assert_array_equal(a, b)

    reg = cornu.Sequential([cornu.Input((6,)), layers.Dense(2, kernel_regularizer=cornu.regularizers.L2(0.5))])
    reg.compile(optimizer="sgd", loss="mse")
    target = np.zeros((64, 2), "float32")
    kernel = reg.get_weights()[0]
    pred = reg.predict(x, verbose=0)
    expected = np.mean(pred**2) + 0.5 * np.sum(kernel**2)
    np.testing.assert_allclose(reg.evaluate(x, target, verbose=0), expected, rtol=1e-5)


@pytest.mark.requires_trainable_backend
def test_subclassed_model_with_custom_layer_trains():
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

        def call(self, x):
            return x * self.w

    class Net(cornu.Model):
        def __init__(self):
            super().__init__()
            self.scale = Scale()
            self.out = layers.Dense(1)

        def call(self, x):
            return self.out(self.scale(x))

    model = Net()
    model.compile(optimizer="adam", loss="mse")
    x = np.random.rand(32, 3).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert len(model.weights) == 3
    assert history.history["loss"][-1] < history.history["loss"][0]


@pytest.mark.requires_trainable_backend
def test_callbacks_early_stopping_restores_best_weights():
    x, y = _data(128)
    model = _model()
    model.compile(optimizer=cornu.optimizers.SGD(0.5), loss="sparse_categorical_crossentropy")
    seen = []

    class Record(cornu.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append((epoch, logs["loss"], [w.copy() for w in self.model.get_weights()]))

    stopper = cornu.callbacks.EarlyStopping(monitor="loss", patience=1, restore_best_weights=True, min_delta=10.0)
    model.fit(x, y, epochs=10, verbose=0, callbacks=[Record(), stopper])
    # min_delta=10 means no epoch ever improves after the first: training stops after epoch 1.
    assert [e for e, _, _ in seen] == [0, 1]
    for got, want in zip(model.get_weights(), seen[0][2]):
        np.testing.assert_allclose(got, want)


@pytest.mark.requires_trainable_backend
def test_fit_accepts_generators_and_validation_data():
    x, y = _data(64)

    def batches():
        for i in range(0, 64, 16):
            yield x[i:i + 16], y[i:i + 16]

    model = _model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(batches(), epochs=1, validation_data=(x, y), verbose=0)
    assert "val_accuracy" in history.history
