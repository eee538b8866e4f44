"""``config.set_max_epochs`` / ``set_max_steps_per_epoch`` (and their environment variables):
debugging caps on fit, evaluate and predict, as in Keras."""

import subprocess
import sys

import numpy as np
import pytest

import cornu

X = np.random.default_rng(0).normal(size=(40, 3)).astype("float32")
Y = X.sum(axis=1, keepdims=True)


@pytest.fixture(autouse=True)
def _no_caps():
    yield
    cornu.config.set_max_epochs(None)
    cornu.config.set_max_steps_per_epoch(None)


def _model():
    model = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


class _CountBatches(cornu.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.train, self.test, self.predict = [], [], []

    def on_train_batch_end(self, batch, logs=None):
        self.train.append(batch)

    def on_test_batch_end(self, batch, logs=None):
        self.test.append(batch)

    def on_predict_batch_end(self, batch, logs=None):
        self.predict.append(batch)


@pytest.mark.requires_trainable_backend
def test_max_epochs_caps_fit_with_a_warning():
    cornu.config.set_max_epochs(2)
    assert cornu.config.max_epochs() == 2
    with pytest.warns(UserWarning, match="Limiting epochs to 2"):
        history = _model().fit(X, Y, epochs=5, batch_size=10, verbose=0)
    assert len(history.history["loss"]) == 2
    history = _model().fit(X, Y, epochs=1, batch_size=10, verbose=0)  # under the cap: unchanged
    assert len(history.history["loss"]) == 1


@pytest.mark.requires_trainable_backend
def test_max_steps_caps_every_loop():
    cornu.config.set_max_steps_per_epoch(2)
    model, counter = _model(), _CountBatches()
    with pytest.warns(UserWarning, match="Limiting steps_per_epoch to 2"):
        model.fit(X, Y, epochs=2, batch_size=10, verbose=0, callbacks=[counter])
    assert counter.train == [0, 1, 0, 1]
    with pytest.warns(UserWarning):
        model.evaluate(X, Y, batch_size=10, verbose=0, callbacks=[counter])
    assert counter.test == [0, 1]


def test_max_steps_caps_predict_and_never_lengthens_a_pass():
    model, counter = _model(), _CountBatches()
    cornu.config.set_max_steps_per_epoch(3)
    with pytest.warns(UserWarning):
        out = model.predict(X, batch_size=5, verbose=0, callbacks=[counter])
    assert out.shape == (15, 1) and counter.predict == [0, 1, 2]
    counter.predict.clear()
    assert model.predict(X, batch_size=20, verbose=0, callbacks=[counter]).shape == (40, 1)  # 2 batches < 3
    assert counter.predict == [0, 1]


def test_bad_caps_are_refused():
    for bad in (0, -1, 2.5, True, "3"):
        with pytest.raises(ValueError, match="positive integer"):
            cornu.config.set_max_epochs(bad)
        with pytest.raises(ValueError, match="positive integer"):
            cornu.config.set_max_steps_per_epoch(bad)


@pytest.mark.parametrize("variable", ["CORNU_MAX_EPOCHS", "KERAS_MAX_EPOCHS"])
def test_environment_variable_sets_the_cap(variable):
    code = "import cornu; print(cornu.config.max_epochs(), cornu.config.max_steps_per_epoch())"
    env = {**__import__("os").environ, variable: "3", "KERAS_MAX_STEPS_PER_EPOCH": "7"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["3", "7"]


def test_bad_environment_variable_fails_clearly():
    env = {**__import__("os").environ, "CORNU_MAX_EPOCHS": "many"}
    out = subprocess.run([sys.executable, "-c", "import cornu"], env=env, capture_output=True, text=True)
    assert out.returncode != 0 and "CORNU_MAX_EPOCHS must be a positive integer" in out.stderr
