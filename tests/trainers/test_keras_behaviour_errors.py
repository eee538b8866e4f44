"""Keras's behaviour where programs go wrong or override the loss: ``compute_loss`` overrides with
or without ``training``, inputs Keras refuses (``Input(shape=10)``, unknown dtype names), and errors
that say what is really wrong (too many features, missing targets, fit before compile)."""

import inspect

import numpy as np
import pytest

import cornu as keras

LR = 0.1
X = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 1.0], [2.0, 0.5, -1.0], [1.0, 1.0, 1.0]], "float32")
Y = np.array([[1.0], [0.0], [2.0], [-1.0]], "float32")


def _numpy_sgd_step(scale=1.0):
    """One SGD step of a zero-initialised linear model on ``scale * mse``: the reference weights."""
    error = np.zeros_like(Y) - Y
    return -LR * scale * 2 * X.T @ error / error.size, -LR * scale * 2 * error.sum(0) / error.size


def _fit_one_step(cls, **compile_kwargs):
    inputs = keras.Input((3,))
    model = cls(inputs, keras.layers.Dense(1, kernel_initializer="zeros")(inputs))
    model.compile(optimizer=keras.optimizers.SGD(LR), **compile_kwargs)
    model.fit(X, Y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    return model


class WithoutTraining(keras.Model):
    def compute_loss(self, x, y, y_pred, sample_weight):
        self.seen = (x is not None, sample_weight)
        return 2.0 * keras.ops.mean((y - y_pred) ** 2)


class WithTraining(keras.Model):
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        self.trainings = getattr(self, "trainings", []) + [training]
        return 3.0 * keras.ops.mean((y - y_pred) ** 2)


class OwnNames(keras.Model):
    def compute_loss(self, inputs, targets, predictions, weights):
        return 0.5 * keras.ops.mean((targets - predictions) ** 2)


class Forwards(keras.Model):
    def compute_loss(self, *args, **kwargs):
        self.received = (len(args), sorted(kwargs))  # Keras passes four positional arguments
        return super().compute_loss(*args, **kwargs)


class CallsSuper(keras.Model):
    def compute_loss(self, x, y, y_pred, sample_weight):
        return super().compute_loss(x, y, y_pred, sample_weight) * 2.0


@pytest.mark.requires_trainable_backend
@pytest.mark.parametrize("cls, scale, compile_kwargs", [
    (WithoutTraining, 2.0, {}), (WithTraining, 3.0, {}), (OwnNames, 0.5, {}), (CallsSuper, 2.0, {"loss": "mse"}),
    (Forwards, 1.0, {"loss": "mse"}),
])
def test_compute_loss_overrides_train_as_keras(cls, scale, compile_kwargs):
    model = _fit_one_step(cls, **compile_kwargs)
    kernel, bias = _numpy_sgd_step(scale)
    np.testing.assert_allclose(model.layers[1].kernel.numpy(), kernel, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(model.layers[1].bias.numpy(), bias, rtol=1e-5, atol=1e-7)


@pytest.mark.requires_trainable_backend
def test_training_flag_reaches_overrides_that_take_it():
    model = _fit_one_step(WithTraining)
    model.evaluate(X, Y, verbose=0)
    assert True in model.trainings and model.trainings[-1] is False
    without = _fit_one_step(WithoutTraining)
    assert without.seen == (True, None)
    assert _fit_one_step(Forwards, loss="mse").received == (4, [])


def test_evaluate_with_compute_loss_without_training():
    inputs = keras.Input((3,))
    model = WithoutTraining(inputs, keras.layers.Dense(1, kernel_initializer="zeros")(inputs))
    model.compile(optimizer="sgd")
    loss = model.evaluate(X, Y, verbose=0)
    np.testing.assert_allclose(loss, 2.0 * np.mean(Y**2), rtol=1e-6)


def test_signature_is_inspected_once_per_class():
    # Adapted when the class is made (no inspection per step); the user's signature stays visible.
    assert getattr(WithoutTraining.compute_loss, "_cornu_adapted", False)
    assert list(inspect.signature(WithoutTraining.compute_loss).parameters) == ["self", "x", "y", "y_pred",
                                                                                 "sample_weight"]
    assert not hasattr(WithTraining.compute_loss, "_cornu_adapted")  # already the steps' convention
    direct = WithoutTraining.__new__(WithoutTraining)
    y = np.ones((2, 1), "float32")
    value = direct.compute_loss(x=None, y=y, y_pred=y * 0, sample_weight=None, training=True)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(value), 2.0)


# --------------------------------------------------------------------- inputs Keras refuses

def _message(lib, function):
    with pytest.raises(Exception) as info:
        function(lib)
    return type(info.value), str(info.value)


@pytest.mark.parametrize("make", [
    lambda lib: lib.Input(shape=10),
    lambda lib: lib.Input(shape=(10,), dtype="float"),
    lambda lib: lib.Input(shape=(10,), dtype="double"),
    lambda lib: lib.Input(shape=(10,), dtype="floot"),
])
def test_inputs_keras_refuses_are_refused_alike(make, keras_ref):
    ours, theirs = _message(keras, make), _message(keras_ref, make)
    assert ours[0] is theirs[0] is ValueError
    assert ours[1].startswith(theirs[1].rstrip("."))


@pytest.mark.parametrize("kwargs", [{"shape": [10]}, {"shape": (10,), "dtype": "int"},
                                    {"shape": (10,), "dtype": "float16"}, {"shape": (None, 3)}])
def test_inputs_keras_accepts_are_accepted_alike(kwargs, keras_ref):
    ours, theirs = keras.Input(**kwargs), keras_ref.Input(**kwargs)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert ours.dtype == theirs.dtype


# -------------------------------------------------------------------------- helpful errors

def test_too_many_features_names_the_users_model_and_the_batch_shape(keras_ref):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)], name="my_model")
    with pytest.raises(ValueError) as info:
        model.predict(np.ones((83, 5)), verbose=0)
    message = str(info.value)
    assert '"my_model"' in message and "_functional" not in message
    assert "expected shape=(None, 4)" in message
    # Keras shows the batch the step received: (32, 5) with the default batch size of 32.
    theirs = keras_ref.Sequential([keras_ref.Input((4,)), keras_ref.layers.Dense(1)])
    with pytest.raises(ValueError, match=r"\(32, 5\)"):
        theirs.predict(np.ones((83, 5)), verbose=0)
    assert "found shape=(32, 5)" in message


@pytest.mark.parametrize("run", [
    pytest.param(lambda m: m.fit(np.ones((50, 5)), np.ones((50, 1)), verbose=0),
                 marks=pytest.mark.requires_trainable_backend),
    lambda m: m.evaluate(np.ones((10, 5)), np.ones((10, 1)), verbose=0),
])
def test_too_many_features_in_fit_and_evaluate_show_no_placeholder_batch(run):
    # The steps infer shapes on stand-ins with a made-up batch size: the message must not show it.
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)], name="my_model")
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError) as info:
        run(model)
    message = str(info.value)
    assert '"my_model"' in message and "expected shape=(None, 4)" in message
    assert "found shape=(None, 5)" in message or "found shape=(10, 5)" in message or "(50, 5)" in message
    assert "83" not in message and "89" not in message


def _compiled():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)], name="regressor")
    model.compile(optimizer="sgd", loss="mse")
    return model


@pytest.mark.parametrize("run", [
    pytest.param(lambda m: m.fit(X, verbose=0), marks=pytest.mark.requires_trainable_backend),
    lambda m: m.evaluate(X, verbose=0),
    pytest.param(lambda m: m.train_on_batch(X), marks=pytest.mark.requires_trainable_backend),
    lambda m: m.test_on_batch(X),
])
def test_missing_targets_say_so(run, keras_ref):
    with pytest.raises(ValueError) as info:
        run(_compiled())
    message = str(info.value)
    assert "No loss to compute" not in message
    assert "no targets" in message and "'regressor'" in message and "fit(x, y)" in message
    reference = keras_ref.Sequential([keras_ref.Input((3,)), keras_ref.layers.Dense(1)])
    reference.compile(optimizer="sgd", loss="mse")
    with pytest.raises(Exception):  # Keras fails too, with a less helpful error
        run(reference)


@pytest.mark.requires_trainable_backend
def test_validation_data_without_targets_says_so():
    model = _compiled()
    weights = [w.copy() for w in model.get_weights()]
    with pytest.raises(ValueError, match=r"validation_data=\(x_val, y_val\)"):
        model.fit(X, Y, validation_data=(X,), verbose=0)
    for before, after in zip(weights, model.get_weights()):  # refused before any training
        np.testing.assert_array_equal(before, after)


@pytest.mark.requires_trainable_backend
def test_add_loss_models_still_train_without_targets():
    class SelfSupervised(keras.Model):
        def call(self, x):
            y = self.dense(x)
            self.add_loss(keras.ops.mean(y**2))
            return y

        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)

    model = SelfSupervised()
    model.compile(optimizer="sgd")
    history = model.fit(X, epochs=1, verbose=0, validation_data=(X,))
    assert np.isfinite(history.history["loss"][0]) and np.isfinite(history.history["val_loss"][0])


def test_fit_before_compile_raises_value_error_as_keras(keras_ref):
    for lib in (keras, keras_ref):
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(1)])
        with pytest.raises(ValueError, match="compile"):
            model.fit(X, Y, verbose=0)
