"""fit/evaluate options: deferred builds, initial_epoch, sample weights, identifiers, callbacks order."""

import numpy as np
import pytest

import cornu
from cornu import layers


def _xy(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5)).astype("float32")
    return x, (x @ np.arange(1, 6, dtype="float32")[:, None]) * 0.1


@pytest.mark.requires_trainable_backend
def test_sequential_without_input_builds_in_fit():
    x, y = _xy()
    model = cornu.Sequential([layers.Dense(4, activation="relu"), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    assert model.built and model.layers[0].kernel.shape == (5, 4)
    assert set(history.history) == {"loss", "mae"}


@pytest.mark.requires_trainable_backend
def test_initial_epoch_counts_epochs_as_final_index():
    x, y = _xy()
    model = cornu.Sequential([cornu.Input((5,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    epochs_seen = []
    callback = cornu.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: epochs_seen.append(epoch))
    history = model.fit(x, y, epochs=5, initial_epoch=3, verbose=0, callbacks=[callback])
    assert epochs_seen == [3, 4] and len(history.history["loss"]) == 2


def test_sample_weight_in_evaluate_matches_weighted_mean():
    x, y = _xy(32)
    model = cornu.Sequential([cornu.Input((5,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    weights = np.linspace(0.0, 2.0, 32).astype("float32")
    pred = model.predict(x, verbose=0)
    per_sample = np.mean((pred - y) ** 2, axis=-1)
    expected = np.sum(per_sample * weights) / 32  # sum_over_batch_size: divide by the batch size
    got = model.evaluate(x, y, sample_weight=weights, batch_size=32, verbose=0)
    np.testing.assert_allclose(got, expected, rtol=1e-5)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"optimizer": "adamx", "loss": "mse"}, "adamx"),
        ({"optimizer": "sgd", "loss": "msee"}, "msee"),
        ({"optimizer": "sgd", "loss": "mse", "metrics": ["accurcy"]}, "accurcy"),
    ],
)
def test_unknown_identifiers_are_clear_errors(kwargs, message):
    x, y = _xy(8)
    model = cornu.Sequential([cornu.Input((5,)), layers.Dense(1)])
    with pytest.raises(ValueError, match=message):
        model.compile(**kwargs)
        model.evaluate(x, y, verbose=0)


def test_unknown_activation_is_a_clear_error():
    with pytest.raises(ValueError, match="relu2"):
        layers.Dense(2, activation="relu2")


@pytest.mark.requires_trainable_backend
def test_callback_hook_order_and_params():
    x, y = _xy(32)
    model = cornu.Sequential([cornu.Input((5,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    events = []

    class Recorder(cornu.callbacks.Callback):
        def on_train_begin(self, logs=None):
            events.append(("train_begin", dict(self.params)))

        def on_epoch_begin(self, epoch, logs=None):
            events.append(("epoch_begin", epoch))

        def on_train_batch_end(self, batch, logs=None):
            events.append(("batch_end", batch, sorted(logs)))

        def on_test_begin(self, logs=None):
            events.append(("test_begin",))

        def on_epoch_end(self, epoch, logs=None):
            events.append(("epoch_end", epoch, sorted(logs)))

        def on_train_end(self, logs=None):
            events.append(("train_end",))

    model.fit(x, y, batch_size=16, epochs=1, validation_data=(x, y), verbose=0, callbacks=[Recorder()])
    assert events[0] == ("train_begin", {"verbose": 0, "epochs": 1, "steps": 2})
    assert events[1:] == [
        ("epoch_begin", 0),
        ("batch_end", 0, ["loss"]),
        ("batch_end", 1, ["loss"]),
        ("test_begin",),
        ("epoch_end", 0, ["loss", "val_loss"]),
        ("train_end",),
    ]


@pytest.mark.requires_trainable_backend
def test_log_names_match_keras_for_metric_identifiers_and_multi_output():
    x, y = _xy(16)
    model = cornu.Sequential([cornu.Input((5,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse",
                  metrics=["mae", cornu.metrics.mean_squared_error, cornu.metrics.MeanAbsoluteError()],
                  weighted_metrics=["mae"])
    history = model.fit(x, y, verbose=0)
    assert sorted(history.history) == ["loss", "mae", "mean_absolute_error", "mean_squared_error", "weighted_mae"]

    inputs = cornu.Input((5,))
    multi = cornu.Model(inputs, {"a": layers.Dense(1)(inputs), "b": layers.Dense(2)(inputs)})
    multi.compile(optimizer="sgd", loss={"a": "mse", "b": "mse"}, loss_weights={"a": 1.0, "b": 3.0},
                  metrics={"a": ["mae"], "b": ["mse"]})
    targets = {"a": y, "b": np.concatenate([y, -y], axis=1)}
    history = multi.fit(x, targets, verbose=0, batch_size=16)
    assert sorted(history.history) == ["a_loss", "a_mae", "b_loss", "b_mse", "loss"]
    logs = multi.evaluate(x, targets, verbose=0, return_dict=True)
    np.testing.assert_allclose(logs["loss"], logs["a_loss"] + 3.0 * logs["b_loss"], rtol=1e-5)
    np.testing.assert_allclose(logs["b_loss"], logs["b_mse"], rtol=1e-5)


@pytest.mark.requires_trainable_backend
def test_callbacks_can_read_and_write_weights_mid_epoch():
    x, y = _xy(64)
    model = cornu.Sequential([cornu.Input((5,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    snapshots = []

    def on_batch_end(batch, logs):
        snapshots.append(model.get_weights()[0].copy())
        if batch == 1:
            model.set_weights([np.zeros((5, 1), "float32"), np.zeros((1,), "float32")])

    model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0,
              callbacks=[cornu.callbacks.LambdaCallback(on_train_batch_end=on_batch_end)])
    assert len(snapshots) == 4
    assert not np.allclose(snapshots[0], snapshots[1])
    # Batch 2 started from the zeros written in the callback: one SGD step away from zero.
    step = snapshots[2]
    xb, yb = x[32:48], y[32:48]
    expected = -0.01 * (xb.T @ (2 * (0 - yb) / 16))
    np.testing.assert_allclose(step, expected, rtol=1e-4, atol=1e-6)


@pytest.mark.requires_trainable_backend
def test_loss_scale_optimizer_trains_like_its_inner_optimizer():
    x, y = _xy(32)
    results = []
    for wrap in (False, True):
        cornu.utils.set_random_seed(3)
        model = cornu.Sequential([cornu.Input((5,)), layers.Dense(1)])
        optimizer = cornu.optimizers.SGD(0.05)
        if wrap:
            optimizer = cornu.optimizers.LossScaleOptimizer(optimizer, initial_scale=1024.0)
        model.compile(optimizer=optimizer, loss="mse")
        history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        results.append((model.get_weights(), history.history["loss"]))
    for a, b in zip(results[0][0], results[1][0]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-5)
