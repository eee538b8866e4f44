"""EarlyStopping behaves as Keras's does on the same sequence of monitored values."""

import warnings

import numpy as np
import pytest

from cornu.callbacks import CallbackList
from cornu.callbacks import EarlyStopping


def run(early_stopping_class, model, values, monitor="val_loss", **kwargs):
    callback = early_stopping_class(monitor=monitor, **kwargs)
    callback.set_model(model)
    callback.on_train_begin()
    epochs_run = 0
    for epoch, value in enumerate(values):
        model.bump_weights(epoch)  # the weights remember the epoch that produced them
        callback.on_epoch_begin(epoch)
        callback.on_epoch_end(epoch, {"loss": 1.0, monitor: value})
        epochs_run += 1
        if model.stop_training:
            break
    callback.on_train_end()
    return {
        "epochs_run": epochs_run,
        "stopped_epoch": callback.stopped_epoch,
        "best": callback.best,
        "best_epoch": callback.best_epoch,
        "wait": callback.wait,
        "weights_from_epoch": float(model.get_weights()[0][0, 0]),
    }


LOSSES = [1.0, 0.8, 0.85, 0.79, 0.9, 0.95, 0.7, 1.2, 1.3, 1.4]
ACCURACIES = [0.1, 0.3, 0.25, 0.35, 0.2, 0.5, 0.45, 0.44, 0.43, 0.42]

CASES = [
    ("patience 0", LOSSES, {}),
    ("patience 2", LOSSES, {"patience": 2}),
    ("min_delta", LOSSES, {"patience": 1, "min_delta": 0.05}),
    ("restore best", LOSSES, {"patience": 1, "restore_best_weights": True}),
    ("restore best, no stop", LOSSES, {"patience": 20, "restore_best_weights": True}),
    ("baseline never beaten", LOSSES, {"patience": 3, "baseline": 0.5, "restore_best_weights": True}),
    ("baseline beaten", LOSSES, {"patience": 2, "baseline": 0.9}),
    ("start_from_epoch", LOSSES, {"patience": 1, "start_from_epoch": 3, "restore_best_weights": True}),
    ("mode max", ACCURACIES, {"monitor": "val_accuracy", "mode": "max", "patience": 2}),
    ("mode min on accuracy", ACCURACIES, {"monitor": "val_accuracy", "mode": "min", "patience": 1}),
    ("negative min_delta", LOSSES, {"patience": 1, "min_delta": -0.05}),
]


@pytest.mark.parametrize("name, values, kwargs", CASES, ids=[c[0] for c in CASES])
def test_matches_keras(keras_ref, fake_classes, name, values, kwargs):
    Model = fake_classes["FakeModel"]
    expected = run(keras_ref.callbacks.EarlyStopping, Model(), values, **kwargs)
    actual = run(EarlyStopping, Model(), values, **kwargs)
    assert actual == expected


def test_stops_and_restores(fake_model, capsys):
    result = run(EarlyStopping, fake_model, LOSSES, patience=1, restore_best_weights=True, verbose=1)
    assert result["epochs_run"] == 3 and result["stopped_epoch"] == 2
    assert result["weights_from_epoch"] == 1.0  # epoch 1 had the best loss
    out = capsys.readouterr().out
    assert "Epoch 3: early stopping" in out
    assert "Restoring model weights from the end of the best epoch: 2." in out


def test_reusable_across_fits(fake_model):
    callback = EarlyStopping(monitor="loss", patience=0)
    callback.set_model(fake_model)
    for _ in range(2):
        fake_model.stop_training = False
        callback.on_train_begin()
        for epoch, loss in enumerate([1.0, 2.0]):
            callback.on_epoch_end(epoch, {"loss": loss})
        assert fake_model.stop_training and callback.stopped_epoch == 1 and callback.best == 1.0


def test_auto_mode_asks_the_compiled_metric(fake_model, fake_classes):
    accuracy = fake_classes["FakeMetric"]("accuracy", "up")
    fake_model.metrics = [fake_classes["FakeMetricsContainer"]([accuracy])]
    result = run(EarlyStopping, fake_model, ACCURACIES, monitor="val_accuracy", patience=2)
    expected = run(EarlyStopping, fake_classes["FakeModel"](), ACCURACIES, monitor="val_accuracy", mode="max", patience=2)
    assert result == expected
    # Metrics listed directly on the model (not in a container) are found too.
    fake_model.metrics = [fake_classes["FakeMetric"]("mae", "down")]
    callback = EarlyStopping(monitor="val_mae")
    callback.set_model(fake_model)
    callback.on_train_begin()
    callback.on_epoch_end(0, {"val_mae": 1.0})
    assert callback.monitor_op(0.5, 1.0)


def test_auto_mode_unknown_metric_is_an_error(fake_model):
    callback = EarlyStopping(monitor="val_mystery")
    callback.set_model(fake_model)
    callback.on_train_begin()
    with pytest.raises(ValueError, match="mode='max'"):
        callback.on_epoch_end(0, {"val_mystery": 1.0})


def test_missing_monitor_warns(fake_model):
    callback = EarlyStopping(monitor="val_loss")
    callback.set_model(fake_model)
    callback.on_train_begin()
    with pytest.warns(UserWarning, match="Available metrics are: loss,accuracy"):
        callback.on_epoch_end(0, {"loss": 1.0, "accuracy": 0.5})
    assert not fake_model.stop_training


def test_unknown_mode_warns_and_falls_back():
    with pytest.warns(UserWarning, match="mode 'sideways' is unknown"):
        callback = EarlyStopping(mode="sideways")
    assert callback.mode == "auto"


def test_through_callback_list_with_numpy_logs(fake_model):
    callbacks = CallbackList([EarlyStopping(monitor="loss", patience=1)], model=fake_model)
    callbacks.on_train_begin()
    for epoch, loss in enumerate([1.0, 1.5, 1.6, 0.1]):
        callbacks.on_epoch_begin(epoch)
        callbacks.on_epoch_end(epoch, {"loss": np.float32(loss)})
        if fake_model.stop_training:
            break
    callbacks.on_train_end()
    assert epoch == 1  # one epoch without improvement exhausts patience=1


def test_no_warning_when_monitor_present(fake_model):
    callback = EarlyStopping(monitor="loss")
    callback.set_model(fake_model)
    callback.on_train_begin()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        callback.on_epoch_end(0, {"loss": 1.0})
