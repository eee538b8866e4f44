"""``ProgbarLogger``: drives the progress bar from ``fit``/``evaluate``/``predict``."""

from cornu.callbacks.callback import Callback
from cornu.serialization.registry import keras_export
from cornu.utils import io_utils
from cornu.utils.progbar import Progbar


@keras_export("keras.callbacks.ProgbarLogger")
class ProgbarLogger(Callback):
    """Prints a progress bar with the metrics, one per epoch.

    Added automatically by ``fit``, ``evaluate`` and ``predict`` when
    ``verbose`` is not 0. Its settings come from ``params``: ``verbose``
    (``"auto"`` means 1), ``epochs`` (an ``Epoch k/N`` line precedes each
    epoch when there are several) and ``steps`` (the bar's target; learned
    from the first epoch when None). Inside ``fit`` the validation pass
    prints nothing: its ``val_`` metrics appear on the epoch's line.

    Example:
    >>> model.fit(x, y, epochs=2, callbacks=[cornu.callbacks.ProgbarLogger()])
    Epoch 1/2
    4/4 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - loss: 0.7342
    ...
    """

    def __init__(self):
        super().__init__()
        self.seen = 0
        self.progbar = None
        self.target = None
        self.verbose = 1
        self.epochs = 1
        self._called_in_fit = False

    def set_params(self, params):
        super().set_params(params)
        verbose = params["verbose"]
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params["epochs"]
        self.target = params["steps"]

    def on_train_begin(self, logs=None):
        self._called_in_fit = True

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._new_progbar()

    def on_predict_begin(self, logs=None):
        self._new_progbar()

    def on_epoch_begin(self, epoch, logs=None):
        self._new_progbar()
        if self.verbose and self.epochs > 1:
            io_utils.print_msg(f"Epoch {epoch + 1}/{self.epochs}")

    def on_train_batch_end(self, batch, logs=None):
        self._update(batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self._update(batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        # Predict logs hold the outputs, not metrics: show no values.
        self._update(batch, None)

    def on_epoch_end(self, epoch, logs=None):
        self._finalize(logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._finalize(logs)

    def on_predict_end(self, logs=None):
        self._finalize(logs)

    def _new_progbar(self):
        self.seen = 0
        # Logs arrive already averaged over the epoch: show them as they are.
        self.progbar = Progbar(target=self.target, verbose=self.verbose, unit_name="step", stateless_metrics=set())

    def _update(self, batch, logs):
        if self.progbar is None:
            self._new_progbar()
        self.seen = batch + 1
        if self.verbose == 1:
            self.progbar.update(self.seen, list((logs or {}).items()), finalize=False)

    def _finalize(self, logs):
        if self.progbar is None:
            self._new_progbar()
        if self.target is None:
            # Unknown length: the first pass tells it, later epochs show a full bar.
            self.target = self.seen
            self.progbar.target = self.target
        self.progbar.update(self.target, list((logs or {}).items()), finalize=True)
