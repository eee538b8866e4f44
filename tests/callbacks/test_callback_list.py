import threading

import numpy as np
import pytest

from cornu import backend
from cornu.callbacks import Callback
from cornu.callbacks import CallbackList
from cornu.callbacks import History
from cornu.callbacks import LambdaCallback
from cornu.callbacks import ProgbarLogger

HOOKS = [
    "on_train_begin",
    "on_epoch_begin",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_begin",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_test_end",
    "on_epoch_end",
    "on_train_end",
    "on_predict_begin",
    "on_predict_batch_begin",
    "on_predict_batch_end",
    "on_predict_end",
]


class Recorder(Callback):
    """Records every hook call; overriding batch-end hooks makes dispatch synchronous."""

    def __init__(self, tag, calls):
        super().__init__()
        self.tag = tag
        self.calls = calls


for _hook in HOOKS:

    def _make(hook):
        if "batch" in hook or "epoch" in hook:

            def method(self, index, logs=None):
                self.calls.append((self.tag, hook, (index,), logs))

        else:

            def method(self, logs=None):
                self.calls.append((self.tag, hook, (), logs))

        return method

    setattr(Recorder, _hook, _make(_hook))


def drive(callbacks, logs):
    callbacks.on_train_begin()
    callbacks.on_epoch_begin(0)
    callbacks.on_train_batch_begin(0)
    callbacks.on_train_batch_end(0, logs)
    callbacks.on_test_begin()
    callbacks.on_test_batch_begin(0)
    callbacks.on_test_batch_end(0, logs)
    callbacks.on_test_end(logs)
    callbacks.on_epoch_end(0, logs)
    callbacks.on_train_end(logs)
    callbacks.on_predict_begin()
    callbacks.on_predict_batch_begin(0)
    callbacks.on_predict_batch_end(0, logs)
    callbacks.on_predict_end()


def test_every_hook_reaches_every_callback_in_order(fake_model):
    calls = []
    callbacks = CallbackList([Recorder("a", calls), [Recorder("b", calls)]], model=fake_model)
    drive(callbacks, {"loss": 1.0})
    assert [(tag, hook) for tag, hook, _, _ in calls] == [(tag, hook) for hook in HOOKS for tag in "ab"]


def test_logs_are_flat_sorted_python_floats(fake_model):
    calls = []
    callbacks = CallbackList([Recorder("a", calls)], model=fake_model)
    logs = {
        "loss": backend.convert_to_tensor(np.float32(0.5)),
        "compile_metrics": {"mae": np.float64(0.25), "accuracy": np.array(1.0)},
        "per_class": np.array([0.1, 0.2]),
        "note": "text",
    }
    callbacks.on_epoch_end(0, logs)
    received = calls[0][3]
    assert list(received) == ["accuracy", "mae", "loss", "note", "per_class"]
    assert received["loss"] == 0.5 and type(received["loss"]) is float
    assert type(received["mae"]) is float and type(received["accuracy"]) is float
    np.testing.assert_array_equal(received["per_class"], [0.1, 0.2])
    assert received["note"] == "text"


def test_default_callbacks_and_params(fake_model):
    history = History()
    callbacks = CallbackList([history], add_history=True, add_progbar=True, model=fake_model, verbose=0, epochs=3, steps=5)
    assert callbacks.callbacks[0] is history  # not added twice
    assert sum(isinstance(cb, History) for cb in callbacks.callbacks) == 1
    assert isinstance(callbacks.callbacks[-1], ProgbarLogger)
    assert fake_model.history is history
    for cb in callbacks.callbacks:
        assert cb.params == {"verbose": 0, "epochs": 3, "steps": 5}
        assert cb.model is fake_model


def test_history_records_each_epoch(fake_model):
    callbacks = CallbackList(add_history=True, model=fake_model, verbose=0, epochs=2, steps=1)
    callbacks.on_train_begin()
    for epoch, loss in enumerate([0.5, 0.25]):
        callbacks.on_epoch_begin(epoch)
        callbacks.on_epoch_end(epoch, {"loss": np.float32(loss), "val_loss": loss * 2})
    callbacks.on_train_end()
    history = fake_model.history
    assert history.history == {"loss": [0.5, 0.25], "val_loss": [1.0, 0.5]}
    assert history.epoch == [0, 1]
    assert history.params == {"verbose": 0, "epochs": 2, "steps": 1}


def test_hook_detection():
    class EpochOnly(Callback):
        def on_epoch_end(self, epoch, logs=None):
            pass

    class OldBatchName(Callback):
        def on_batch_end(self, batch, logs=None):
            pass

    class TestBatches(Callback):
        def on_test_batch_begin(self, batch, logs=None):
            pass

    assert not Callback()._implements_train_batch_hooks()
    assert not EpochOnly()._implements_train_batch_hooks()
    assert OldBatchName()._implements_train_batch_hooks()
    assert TestBatches()._implements_test_batch_hooks()
    assert not TestBatches()._implements_predict_batch_hooks()
    assert LambdaCallback(on_train_batch_end=lambda b, logs: None)._implements_train_batch_hooks()
    assert not LambdaCallback(on_epoch_end=lambda e, logs: None)._implements_train_batch_hooks()
    assert LambdaCallback(on_predict_batch_end=lambda b, logs: None)._implements_predict_batch_hooks()

    assert not CallbackList([EpochOnly(), History()])._implements_train_batch_hooks()
    assert CallbackList([EpochOnly()], add_progbar=True, verbose=1, epochs=1, steps=1)._implements_train_batch_hooks()


def test_old_batch_hook_names_are_called():
    seen = []

    class Old(Callback):
        def on_batch_begin(self, batch, logs=None):
            seen.append(("begin", batch))

        def on_batch_end(self, batch, logs=None):
            seen.append(("end", batch, logs))

    callbacks = CallbackList([Old()])
    callbacks.on_train_begin()
    callbacks.on_train_batch_begin(3)
    callbacks.on_train_batch_end(3, {"loss": np.float32(2.0)})
    callbacks.on_train_end()
    assert seen == [("begin", 3), ("end", 3, {"loss": 2.0})]


def test_lambda_callback_hooks_and_kwargs():
    events = []
    cb = LambdaCallback(
        on_epoch_begin=lambda epoch, logs: events.append(("epoch_begin", epoch)),
        on_train_batch_end=lambda batch, logs: events.append(("batch_end", batch, logs["loss"])),
        on_test_end=lambda logs: events.append(("test_end", logs)),
    )
    callbacks = CallbackList([cb])
    callbacks.on_train_begin()
    callbacks.on_epoch_begin(0)
    callbacks.on_train_batch_end(0, {"loss": 1.5})
    callbacks.on_test_begin()
    callbacks.on_test_end({"loss": 2.0})
    callbacks.on_train_end()
    assert events == [("epoch_begin", 0), ("batch_end", 0, 1.5), ("test_end", {"loss": 2.0})]


@pytest.mark.skipif(not backend.IS_THREAD_SAFE, reason="async dispatch needs a thread-safe backend")
def test_batch_end_runs_in_background_and_is_flushed(fake_model):
    main = threading.get_ident()
    threads, order = [], []

    class EpochEnd(Callback):
        def on_epoch_end(self, epoch, logs=None):
            order.append("epoch_end")

    class BatchWatcher(Callback):
        async_safe = True

        def on_train_batch_end(self, batch, logs=None):
            threads.append(threading.get_ident())
            order.append(batch)

    callbacks = CallbackList([EpochEnd(), BatchWatcher()], model=fake_model)
    callbacks.on_train_begin()
    callbacks.on_epoch_begin(0)
    for step in range(5):
        callbacks.on_train_batch_end(step, {"loss": float(step)})
    callbacks.on_epoch_end(0, {})
    callbacks.on_train_end()
    assert order == [0, 1, 2, 3, 4, "epoch_end"]  # in order, all before epoch end
    assert threads and all(t != main for t in threads)
    assert callbacks._executor is None  # the worker is gone after on_train_end


def test_user_batch_hook_runs_synchronously(fake_model):
    main = threading.get_ident()
    threads = []
    cb = LambdaCallback(on_train_batch_end=lambda batch, logs: threads.append(threading.get_ident()))
    callbacks = CallbackList([cb], model=fake_model)
    callbacks.on_train_begin()
    callbacks.on_train_batch_end(0, {})
    assert threads == [main]
    callbacks.on_train_end()


@pytest.mark.skipif(not backend.IS_THREAD_SAFE, reason="async dispatch needs a thread-safe backend")
def test_error_in_background_callback_is_raised(fake_model):
    class Broken(Callback):
        async_safe = True

        def on_train_batch_end(self, batch, logs=None):
            raise RuntimeError("boom")

    callbacks = CallbackList([Broken()], model=fake_model)
    callbacks.on_train_begin()
    callbacks.on_train_batch_end(0, {})
    with pytest.raises(RuntimeError, match="boom"):
        callbacks.on_epoch_end(0, {})


def test_nested_blocks_and_unbalanced_end(fake_model):
    callbacks = CallbackList([], model=fake_model)
    callbacks.on_train_begin()
    callbacks.on_test_begin()  # validation inside fit
    callbacks.on_test_end()
    callbacks.on_train_end()
    with pytest.raises(ValueError, match="without corresponding"):
        callbacks.on_test_end()


def test_model_property_syncs_state():
    synced = []

    class Model:
        def jax_state_sync(self):
            synced.append(True)

    cb = Callback()
    model = Model()
    cb.set_model(model)
    assert cb.model is model
    assert synced == [True]
