"""ReduceLROnPlateau, LearningRateScheduler and TerminateOnNaN, checked against Keras."""

import math

import numpy as np
import pytest

from cornu.callbacks import CallbackList
from cornu.callbacks import LearningRateScheduler
from cornu.callbacks import ReduceLROnPlateau
from cornu.callbacks import TerminateOnNaN


def run_plateau(plateau_class, model, values, **kwargs):
    callback = plateau_class(**kwargs)
    callback.set_model(model)
    callback.on_train_begin()
    trajectory = []
    for epoch, value in enumerate(values):
        logs = {"val_loss": value}
        callback.on_epoch_end(epoch, logs)
        trajectory.append((round(model.optimizer.learning_rate, 12), logs.get("learning_rate"), callback.wait))
    return trajectory


VALUES = [1.0, 0.9, 0.95, 0.96, 0.97, 0.85, 0.86, 0.87, 0.88, 0.89, 0.9, 0.91]

PLATEAU_CASES = [
    {"patience": 2},
    {"patience": 1, "factor": 0.5, "cooldown": 2},
    {"patience": 1, "factor": 0.5, "min_lr": 0.004},
    {"patience": 2, "min_delta": 0.1},
    {"patience": 1, "mode": "max"},
]


@pytest.mark.parametrize("kwargs", PLATEAU_CASES)
def test_reduce_lr_matches_keras(keras_ref, fake_classes, kwargs):
    Model = fake_classes["FakeModel"]
    expected = run_plateau(keras_ref.callbacks.ReduceLROnPlateau, Model(), VALUES, **kwargs)
    actual = run_plateau(ReduceLROnPlateau, Model(), VALUES, **kwargs)
    assert actual == expected


def test_reduce_lr_messages(fake_model, capsys):
    run_plateau(ReduceLROnPlateau, fake_model, [1.0, 2.0], patience=1, factor=0.5, verbose=1)
    assert "Epoch 2: ReduceLROnPlateau reducing learning rate to 0.005." in capsys.readouterr().out


def test_reduce_lr_rejects_factor_of_one():
    with pytest.raises(ValueError, match="factor >= 1.0"):
        ReduceLROnPlateau(factor=1.0)


def test_reduce_lr_missing_monitor_warns(fake_model):
    callback = ReduceLROnPlateau()
    callback.set_model(fake_model)
    callback.on_train_begin()
    with pytest.warns(UserWarning, match="Available metrics are: loss,learning_rate."):
        callback.on_epoch_end(0, {"loss": 1.0})


def test_reduce_lr_logs_reach_history(fake_model):
    callbacks = CallbackList([ReduceLROnPlateau(monitor="loss")], add_history=True, model=fake_model)
    callbacks.on_train_begin()
    callbacks.on_epoch_end(0, {"loss": 1.0})
    callbacks.on_train_end()
    assert fake_model.history.history == {"loss": [1.0], "learning_rate": [0.01]}


def run_scheduler(scheduler_class, model, schedule, epochs=4):
    callback = scheduler_class(schedule)
    callback.set_model(model)
    rates = []
    for epoch in range(epochs):
        callback.on_epoch_begin(epoch)
        logs = {"loss": 1.0}
        callback.on_epoch_end(epoch, logs)
        rates.append((model.optimizer.learning_rate, logs["learning_rate"]))
    return rates


@pytest.mark.parametrize(
    "schedule",
    [lambda epoch, lr: lr * 0.5 if epoch >= 2 else lr, lambda epoch: 0.1 / (epoch + 1), lambda epoch, lr: np.float32(0.5)],
)
def test_scheduler_matches_keras(keras_ref, fake_classes, schedule):
    Model = fake_classes["FakeModel"]
    expected = run_scheduler(keras_ref.callbacks.LearningRateScheduler, Model(), schedule)
    actual = run_scheduler(LearningRateScheduler, Model(), schedule)
    assert actual == expected


def test_scheduler_must_return_float(fake_model):
    callback = LearningRateScheduler(lambda epoch: 1)
    callback.set_model(fake_model)
    with pytest.raises(ValueError, match="should be a float"):
        callback.on_epoch_begin(0)


def test_scheduler_verbose(fake_model, capsys):
    callback = LearningRateScheduler(lambda epoch: 0.5, verbose=1)
    callback.set_model(fake_model)
    callback.on_epoch_begin(2)
    assert capsys.readouterr().out == "\nEpoch 3: LearningRateScheduler setting learning rate to 0.5.\n"


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_terminate_on_nan_stops(fake_model, capsys, bad):
    callbacks = CallbackList([TerminateOnNaN()], model=fake_model)
    callbacks.on_train_begin()
    callbacks.on_train_batch_end(0, {"loss": np.float32(1.0)})
    assert not fake_model.stop_training
    callbacks.on_train_batch_end(1, {"loss": np.float32(bad)})
    callbacks.on_train_end()
    assert fake_model.stop_training
    assert "Batch 1: Invalid loss, terminating training" in capsys.readouterr().out


def test_terminate_on_nan_can_raise(fake_model):
    callback = TerminateOnNaN(raise_error=True)
    callback.set_model(fake_model)
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 4"):
        callback.on_train_batch_end(4, {"loss": math.nan})
