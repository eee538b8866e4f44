"""ProgbarLogger prints what Keras's ProgbarLogger prints for the same hook calls."""

import importlib

import pytest

from cornu.callbacks import ProgbarLogger
from cornu.utils import progbar as cornu_progbar


class FakeClock:
    def __init__(self):
        self.now = 50.0

    def time(self):
        self.now += 0.125  # every reading moves the clock on
        return self.now


def fit_calls(epochs, steps_seen, validation=True):
    calls = [("on_train_begin", ())]
    for epoch in range(epochs):
        calls.append(("on_epoch_begin", (epoch,)))
        for step in range(steps_seen):
            logs = {"accuracy": 0.25 + 0.1 * step + epoch, "loss": 1.5 - 0.2 * step - 0.25 * epoch}
            calls.append(("on_train_batch_end", (step, logs)))
        epoch_logs = {"accuracy": 0.3 + epoch, "loss": 1.1 - 0.25 * epoch}
        if validation:
            calls.append(("on_test_begin", ()))
            calls.append(("on_test_batch_end", (0, {"loss": 9.0})))
            calls.append(("on_test_end", ({"loss": 0.9},)))
            epoch_logs.update({"val_accuracy": 0.5, "val_loss": 0.0005})
        calls.append(("on_epoch_end", (epoch, epoch_logs)))
    calls.append(("on_train_end", ()))
    return calls


def evaluate_calls(steps_seen):
    calls = [("on_test_begin", ())]
    for step in range(steps_seen):
        calls.append(("on_test_batch_end", (step, {"loss": 0.5 + step})))
    calls.append(("on_test_end", ({"loss": 1.25, "mae": 0.75},)))
    return calls


def predict_calls(steps_seen):
    calls = [("on_predict_begin", ())]
    for step in range(steps_seen):
        calls.append(("on_predict_batch_end", (step, {"outputs": None})))
    calls.append(("on_predict_end", ()))
    return calls


CASES = [
    ("fit, verbose=1", dict(verbose=1, epochs=2, steps=3), fit_calls(2, 3)),
    ("fit, verbose=auto", dict(verbose="auto", epochs=1, steps=2), fit_calls(1, 2)),
    ("fit, verbose=2", dict(verbose=2, epochs=3, steps=4), fit_calls(3, 4)),
    ("fit, unknown steps", dict(verbose=1, epochs=2, steps=None), fit_calls(2, 3, validation=False)),
    ("evaluate", dict(verbose=1, epochs=1, steps=2), evaluate_calls(2)),
    ("evaluate, verbose=2", dict(verbose=2, epochs=1, steps=2), evaluate_calls(2)),
    ("predict, unknown steps", dict(verbose=1, epochs=1, steps=None), predict_calls(3)),
]


def run(logger_class, progbar_module, params, calls, monkeypatch, capsys):
    monkeypatch.setattr(progbar_module, "time", FakeClock())
    capsys.readouterr()
    logger = logger_class()
    logger.set_params(dict(params))
    for hook, args in calls:
        getattr(logger, hook)(*args)
    return capsys.readouterr().out


@pytest.mark.parametrize("name, params, calls", CASES, ids=[c[0] for c in CASES])
def test_output_matches_keras(keras_ref, monkeypatch, capsys, name, params, calls):
    keras_progbar = importlib.import_module("keras.src.utils.progbar")
    expected = run(keras_ref.callbacks.ProgbarLogger, keras_progbar, params, calls, monkeypatch, capsys)
    actual = run(ProgbarLogger, cornu_progbar, params, calls, monkeypatch, capsys)
    assert expected
    assert actual == expected


def test_validation_is_silent_inside_fit(monkeypatch, capsys):
    out = run(ProgbarLogger, cornu_progbar, dict(verbose=2, epochs=2, steps=1), fit_calls(2, 1), monkeypatch, capsys)
    lines = out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    assert len(lines) == 4
    assert lines[1].startswith("1/1 - ") and lines[1].endswith(
        "accuracy: 0.3000 - loss: 1.1000 - val_accuracy: 0.5000 - val_loss: 5.0000e-04"
    )


def test_disabled_interactive_logging_holds_on_the_callback_thread(fake_model, capsys, caplog):
    from cornu.callbacks import CallbackList
    from cornu.utils import io_utils

    io_utils.disable_interactive_logging()
    try:
        with caplog.at_level("INFO", logger="cornu"):
            callbacks = CallbackList(add_progbar=True, model=fake_model, verbose=1, epochs=2, steps=2)
            callbacks.on_train_begin()
            for epoch in range(2):
                callbacks.on_epoch_begin(epoch)
                for step in range(2):
                    callbacks.on_train_batch_end(step, {"loss": 0.5})
                callbacks.on_epoch_end(epoch, {"loss": 0.5})
            callbacks.on_train_end()
    finally:
        io_utils.enable_interactive_logging()
    assert capsys.readouterr().out == ""
    assert "Epoch 2/2" in caplog.text and "2/2" in caplog.text and "loss: 0.5000" in caplog.text
