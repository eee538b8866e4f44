"""``steps_per_execution``: grouped steps give the same training as single steps, and
callbacks see one batch hook per group with the group's last step index (as Keras)."""

import numpy as np
import pytest

import cornu as keras

trainable = pytest.mark.requires_trainable_backend


def _data(n=70):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 6)).astype("float32")
    y = (x[:, :3].sum(axis=1, keepdims=True) > 0).astype("float32")
    return x, y


def _model(steps_per_execution, dropout=0.0):
    keras.utils.set_random_seed(7)
    model = keras.Sequential([
        keras.Input((6,)),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dropout(dropout, seed=3),
        keras.layers.BatchNormalization(),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"],
                  steps_per_execution=steps_per_execution)
    return model


class _BatchRecorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.begins, self.ends, self.losses = [], [], []

    def on_train_batch_begin(self, batch, logs=None):
        self.begins.append(batch)

    def on_train_batch_end(self, batch, logs=None):
        self.ends.append(batch)
        self.losses.append(float(logs["loss"]))


@trainable
@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_grouped_steps_train_like_single_steps(dropout):
    x, y = _data()
    single = _model(1, dropout)
    h1 = single.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    grouped = _model(4, dropout)
    h4 = grouped.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(single.get_weights(), grouped.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h1.history["loss"], h4.history["loss"], rtol=1e-5)
    np.testing.assert_allclose(h1.history["accuracy"], h4.history["accuracy"], rtol=1e-5)
    assert int(grouped.optimizer.iterations.numpy()) == 2 * 9


@trainable
def test_batch_hooks_fire_once_per_group_with_last_index():
    x, y = _data(72)  # 9 batches of 8: groups end at steps 3, 7 and the short group at 8
    recorder = _BatchRecorder()
    _model(4).fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0, callbacks=[recorder])
    assert recorder.begins == [3, 7, 8]
    assert recorder.ends == [3, 7, 8]


@trainable
def test_group_logs_are_the_running_epoch_metrics():
    x, y = _data(64)
    single, grouped = _model(1), _model(4)
    rec1, rec4 = _BatchRecorder(), _BatchRecorder()
    single.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0, callbacks=[rec1])
    grouped.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0, callbacks=[rec4])
    np.testing.assert_allclose([rec1.losses[3], rec1.losses[7]], rec4.losses, rtol=1e-5)


@trainable
def test_evaluate_and_predict_with_groups_match_single_steps():
    x, y = _data(70)  # last batch is partial: it cannot be stacked with the others
    model = _model(3)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    grouped_eval = model.evaluate(x, y, batch_size=8, verbose=0)
    grouped_pred = model.predict(x, batch_size=8, verbose=0)
    model.steps_per_execution = 1
    single_eval = model.evaluate(x, y, batch_size=8, verbose=0)
    single_pred = model.predict(x, batch_size=8, verbose=0)
    np.testing.assert_allclose(grouped_eval, single_eval, rtol=1e-5)
    np.testing.assert_allclose(grouped_pred, single_pred, rtol=1e-5, atol=1e-6)
    assert grouped_pred.shape == (70, 1)


@trainable
def test_callback_can_read_weights_between_groups():
    x, y = _data(64)
    seen = []
    cb = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(model.get_weights()[0].copy()))
    model = _model(2)
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0, callbacks=[cb])
    assert len(seen) == 4
    assert not np.allclose(seen[0], seen[-1])
    np.testing.assert_allclose(seen[-1], model.get_weights()[0])


def test_steps_per_execution_rejects_bad_values():
    model = _model(1)
    with pytest.raises(ValueError, match="steps_per_execution"):
        model.compile(optimizer="adam", loss="mse", steps_per_execution=0)


def test_predict_groups_on_every_backend():
    x, _ = _data(70)
    model = _model(4)
    grouped = model.predict(x, batch_size=8, verbose=0)
    model.steps_per_execution = 1
    np.testing.assert_allclose(grouped, model.predict(x, batch_size=8, verbose=0), rtol=1e-6, atol=1e-7)


@trainable
@pytest.mark.skipif(keras.backend.backend() != "jax", reason="the fused group is a JAX compilation")
def test_jax_group_traces_the_step_once_whatever_the_group_size():
    traces = []

    class CountingModel(keras.Sequential):
        def train_step(self, state, data):
            traces.append(1)
            return super().train_step(state, data)

    x, y = _data(128)
    for n in (4, 16):
        traces.clear()
        keras.utils.set_random_seed(1)
        model = CountingModel([keras.Input((6,)), keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse", steps_per_execution=n)
        model.fit(x, y, batch_size=8, epochs=2, verbose=0)
        assert len(traces) == 1, (n, len(traces))
