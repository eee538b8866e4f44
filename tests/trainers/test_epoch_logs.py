"""What closes an epoch (and an evaluation): the last step's logs when they already are the
metrics' results, the step's own logs for a custom step, as Keras does."""

import numpy as np
import pytest

import cornu
from cornu import layers


def _data(n=64):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, (x[:, 0] > 0).astype("int32")


def _model():
    cornu.utils.set_random_seed(0)
    return cornu.Sequential([cornu.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(2)])


@pytest.mark.requires_trainable_backend
def test_epoch_logs_reuse_the_last_step_logs_without_recomputing(monkeypatch):
    model = _model()
    model.compile("adam", cornu.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    x, y = _data()
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)  # traces the JAX step
    calls = []
    original = model.get_metrics_result

    def counting():
        calls.append(1)
        return original()

    monkeypatch.setattr(model, "get_metrics_result", counting)
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    # The compiled JAX step (and the traced TensorFlow step) computes them inside the compiled
    # function and no epoch end computes them again;
    # eager steps skip them when no callback reads a step's logs and the epoch end computes them.
    assert len(calls) == (0 if cornu.backend.backend() in ("jax", "tensorflow") else 2)
    monkeypatch.undo()
    assert set(history.history) == {"loss", "accuracy"}
    assert history.history["loss"][-1] == pytest.approx(float(original()["loss"]), rel=1e-6)
    loss, accuracy = model.evaluate(x, y, verbose=0)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(logs) == ["loss", "accuracy"]
    assert (loss, accuracy) == pytest.approx((logs["loss"], logs["accuracy"]))


@pytest.mark.requires_trainable_backend
def test_a_custom_step_reporting_other_values_sets_the_epoch_logs():
    class Custom(cornu.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(1)

        def call(self, x):
            return self.dense(x)

        def compute_metrics(self, x, y, y_pred, sample_weight=None):
            return {"custom": cornu.ops.convert_to_tensor(7.0)}

    model = Custom()
    model.compile("sgd", "mse")
    x, y = _data()
    history = model.fit(x, y.astype("float32"), batch_size=16, epochs=2, verbose=0)
    # Keras: the step's logs when their names differ from the metrics' ones.
    assert history.history == {"custom": [7.0, 7.0]}


@pytest.mark.requires_trainable_backend
def test_step_logs_reach_batch_callbacks_and_custom_steps():
    model = _model()
    model.compile("adam", cornu.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    x, y = _data()
    seen = []

    class Batches(cornu.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(dict(logs))

    history = model.fit(x, y, batch_size=16, epochs=1, verbose=0, callbacks=[Batches()])
    assert len(seen) == 4 and all(set(logs) == {"loss", "accuracy"} for logs in seen)
    assert seen[-1]["loss"] == pytest.approx(history.history["loss"][-1], rel=1e-6)
    # Step results accumulate: the running accuracy is a multiple of 1/16, 1/32, ...
    assert all(0.0 <= logs["accuracy"] <= 1.0 for logs in seen)


@pytest.mark.requires_trainable_backend
@pytest.mark.skipif(cornu.backend.backend() in ("jax", "tensorflow"),
                    reason="eager steps only (JAX steps return arrays; a traced TensorFlow step runs Python once)")
def test_a_custom_train_step_still_gets_the_results():
    got = []

    class Custom(cornu.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2)

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            logs = super().train_step(data)
            got.append(dict(logs))
            return logs

    model = Custom()
    model.compile("sgd", cornu.losses.SparseCategoricalCrossentropy(from_logits=True))
    x, y = _data()
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    assert len(got) == 4 and all(set(logs) == {"loss"} for logs in got)
