"""``CallbackList``: calls every callback's hook, in order, with Python-float logs."""

import concurrent.futures

from cornu import backend
from cornu.callbacks.callback import Callback
from cornu.callbacks.history import History
from cornu.callbacks.primary_process import callbacks_for_this_process, is_primary_process
from cornu.callbacks.progbar_logger import ProgbarLogger
from cornu.serialization.registry import keras_export
from cornu.utils.python_utils import is_default
from cornu.utils.python_utils import pythonify_logs


def _flatten(callbacks):
    if callbacks is None:
        return []
    if isinstance(callbacks, (list, tuple)):
        return [cb for item in callbacks for cb in _flatten(item)]
    return [callbacks]


@keras_export("keras.callbacks.CallbackList")
class CallbackList(Callback):
    """Dispatches each hook to a list of callbacks.

    Logs are flattened (nested dicts merged), sorted by key and converted to
    Python floats once per hook, then the same dict goes to every callback in
    order.

    Batch-end hooks run on a background thread when the backend allows it and
    no user callback overrides a batch-end hook (or a callback declares
    ``async_safe = True``): converting logs to floats waits for the device, so
    this lets the next step start meanwhile. A single worker keeps the
    updates in order, and all of them finish before any epoch-end or end hook.

    Args:
        callbacks: a list of ``Callback`` instances.
        add_history: add a ``History`` callback if the list has none.
        add_progbar: add a ``ProgbarLogger`` if the list has none.
        model: the model the callbacks are used with.
        **params: passed to every callback's ``set_params`` (``verbose``,
            ``epochs``, ``steps``).

    Example:
    >>> callbacks = cornu.callbacks.CallbackList([MyCallback()], add_history=True,
    ...                                          model=model, verbose=0, epochs=2, steps=10)
    >>> callbacks.on_train_begin()
    >>> callbacks.on_epoch_begin(0)
    >>> callbacks.on_train_batch_end(0, {"loss": loss})
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        # Under a multi-process distribution, only process 0 shows progress and writes files.
        self.callbacks = callbacks_for_this_process(_flatten(callbacks), model)
        self._open_blocks = 0
        self._executor = None
        self._futures = []
        self._batch_users_key = None
        self._batch_users = None
        self._configure_async_dispatch(self.callbacks)
        self._add_default_callbacks(add_history, add_progbar)
        self.set_model(model)
        self.set_params(params)

    def _configure_async_dispatch(self, user_callbacks):
        self._async_train = self._async_test = self._async_predict = False
        if not backend.IS_THREAD_SAFE:
            return
        blocking = [cb for cb in user_callbacks if not getattr(cb, "async_safe", False)]
        self._async_train = all(
            is_default(cb.on_batch_end) and is_default(cb.on_train_batch_end) for cb in blocking
        )
        self._async_test = all(is_default(cb.on_test_batch_end) for cb in blocking)
        self._async_predict = all(is_default(cb.on_predict_batch_end) for cb in blocking)

    def _add_default_callbacks(self, add_history, add_progbar):
        self._history = next((cb for cb in self.callbacks if isinstance(cb, History)), None)
        self._progbar = next((cb for cb in self.callbacks if isinstance(cb, ProgbarLogger)), None)
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar and is_primary_process():
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)

    def append(self, callback):
        """Adds ``callback`` at the end of the list."""
        self.callbacks.append(callback)

    def set_params(self, params):
        self.params = params
        if params:
            for callback in self.callbacks:
                callback.set_params(params)

    def set_model(self, model):
        if model is None:
            return
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)

    def _implements_train_batch_hooks(self):
        return any(cb._implements_train_batch_hooks() for cb in self.callbacks)

    def _implements_test_batch_hooks(self):
        return any(cb._implements_test_batch_hooks() for cb in self.callbacks)

    def _implements_predict_batch_hooks(self):
        return any(cb._implements_predict_batch_hooks() for cb in self.callbacks)

    # fit() opens a train block and, for validation, a test block inside it;
    # the worker thread lives until the outermost block ends.
    def _begin_block(self):
        self._open_blocks += 1
        if self._executor is None and (self._async_train or self._async_test or self._async_predict):
            self._executor = concurrent.futures.ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="cornu_callbacks"
            )

    def _end_block(self):
        self._open_blocks -= 1
        if self._open_blocks < 0:
            self._open_blocks = 0
            raise ValueError("`on_xxx_end` called without corresponding `on_xxx_begin`")
        if self._open_blocks == 0 and self._executor is not None:
            self._executor.shutdown()
            self._executor = None

    def _dispatch_later(self, fn):
        pending = []
        for future in self._futures:
            if future.done():
                future.result()  # re-raises an error from a callback
            else:
                pending.append(future)
        pending.append(self._executor.submit(fn))
        self._futures = pending

    def _flush(self):
        futures, self._futures = self._futures, []
        for future in futures:
            future.result()

    def _batch_hook_users(self, hook):
        """The callbacks that override a batch hook of ``hook``'s kind (train, test or predict):
        the others would only run the base class's no-ops, so a step with none of them skips
        converting its logs."""
        key = tuple(map(id, self.callbacks))
        if key != self._batch_users_key:
            self._batch_users_key = key
            self._batch_users = {
                "train": [cb for cb in self.callbacks if cb._implements_train_batch_hooks()],
                "test": [cb for cb in self.callbacks if cb._implements_test_batch_hooks()],
                "predict": [cb for cb in self.callbacks if cb._implements_predict_batch_hooks()],
            }
        kind = "test" if "test" in hook else "predict" if "predict" in hook else "train"
        return self._batch_users[kind]

    def _call_all(self, hook, *args, logs=None):
        # As in Keras: batch hooks get `logs=` by keyword, the others by position.
        if "batch" in hook:
            users = self._batch_hook_users(hook)
            if not users:
                return
            logs = pythonify_logs(logs)
            for callback in users:
                getattr(callback, hook)(*args, logs=logs)
            return
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            getattr(callback, hook)(*args, logs)

    def _batch_end(self, hook, is_async, batch, logs):
        if not self._batch_hook_users(hook):
            return
        if is_async and self._executor is not None:
            self._dispatch_later(lambda: self._call_all(hook, batch, logs=logs))
        else:
            self._call_all(hook, batch, logs=logs)

    def on_batch_begin(self, batch, logs=None):
        self._call_all("on_batch_begin", batch, logs=logs)

    def on_batch_end(self, batch, logs=None):
        self._batch_end("on_batch_end", self._async_train, batch, logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._call_all("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch, logs=None):
        self._flush()
        self._call_all("on_epoch_end", epoch, logs=logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call_all("on_train_batch_begin", batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self._batch_end("on_train_batch_end", self._async_train, batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call_all("on_test_batch_begin", batch, logs=logs)

    def on_test_batch_end(self, batch, logs=None):
        self._batch_end("on_test_batch_end", self._async_test, batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call_all("on_predict_batch_begin", batch, logs=logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._batch_end("on_predict_batch_end", self._async_predict, batch, logs)

    def on_train_begin(self, logs=None):
        self._begin_block()
        self._call_all("on_train_begin", logs=logs)

    def on_train_end(self, logs=None):
        self._flush()
        self._call_all("on_train_end", logs=logs)
        self._end_block()

    def on_test_begin(self, logs=None):
        self._begin_block()
        self._call_all("on_test_begin", logs=logs)

    def on_test_end(self, logs=None):
        self._flush()
        self._call_all("on_test_end", logs=logs)
        self._end_block()

    def on_predict_begin(self, logs=None):
        self._begin_block()
        self._call_all("on_predict_begin", logs=logs)

    def on_predict_end(self, logs=None):
        self._flush()
        self._call_all("on_predict_end", logs=logs)
        self._end_block()
