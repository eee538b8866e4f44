"""``SwapEMAWeights``: evaluate (and optionally checkpoint) with the optimizer's EMA weights."""

from cornu import ops
from cornu.callbacks.callback import Callback
from cornu.serialization.registry import keras_export


@keras_export("keras.callbacks.SwapEMAWeights")
class SwapEMAWeights(Callback):
    """Puts the optimizer's moving averages of the weights in the model for evaluation.

    With an optimizer created with ``use_ema=True``, the optimizer keeps an
    exponential moving average of every trainable weight ("Polyak
    averaging"). This callback swaps those averages into the model before
    every evaluation (validation during ``fit``, ``evaluate``) and
    prediction, and swaps the trained weights back afterwards, so training
    goes on from the non-averaged weights. The swap exchanges values in
    place; do not change the weights or the averages from another callback
    meanwhile.

    With a ``MultiOptimizer``, every sub-optimizer with ``use_ema=True`` has
    its variables swapped.

    Args:
        swap_on_epoch: also swap at the end of every epoch (and back at the
            start of the next), so callbacks that follow this one in the
            list, such as ``ModelCheckpoint``, see the EMA weights. After the
            last epoch the model keeps the EMA weights.

    Example:
    >>> model.compile(optimizer=cornu.optimizers.SGD(use_ema=True), loss="mse")
    >>> model.fit(x, y, validation_split=0.2, epochs=3, callbacks=[cornu.callbacks.SwapEMAWeights()])
    >>> # Checkpoints of the EMA weights:
    >>> model.fit(x, y, epochs=3, callbacks=[
    ...     cornu.callbacks.SwapEMAWeights(swap_on_epoch=True),
    ...     cornu.callbacks.ModelCheckpoint("ema.keras")])
    """

    def __init__(self, swap_on_epoch=False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    def _ema_optimizers(self):
        optimizer = self.model.optimizer
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # inside a LossScaleOptimizer
        if hasattr(optimizer, "optimizers"):
            candidates = [part for part in optimizer.optimizers if getattr(part, "use_ema", False)]
            if not candidates:
                raise ValueError(
                    "SwapEMAWeights must be used when at least one inner optimizer has `use_ema=True` set. "
                    "Received a MultiOptimizer with all inner optimizers having `use_ema=False`."
                )
        else:
            candidates = [optimizer]
        for part in candidates:
            if not hasattr(part, "_model_variables_moving_average"):
                raise ValueError(
                    "SwapEMAWeights must be used when `use_ema=True` is set on the optimizer (and the "
                    "optimizer is built). Create it with e.g. `keras.optimizers.SGD(use_ema=True)`. "
                    f"Received: use_ema={getattr(part, 'use_ema', None)}"
                )
        return candidates

    def _pairs(self):
        for optimizer in self._ema_optimizers():
            for variable, average in zip(optimizer._trainable_variables, optimizer._model_variables_moving_average):
                if average is not None:
                    yield variable, average

    def _swap_variables(self):
        for variable, average in list(self._pairs()):
            trained = ops.copy(variable.value)
            variable.assign(average.value)
            average.assign(trained)

    def _finalize_ema_values(self):
        # The model holds the EMA weights now; make the averages equal to them so
        # that writing the averages into the model at the end of training keeps them.
        for variable, average in list(self._pairs()):
            average.assign(variable.value)

    def _swap_in(self):
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def _swap_out(self):
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch:
            self._swap_out()

    def on_epoch_end(self, epoch, logs=None):
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap_in()
            if epoch == (self.params or {}).get("epochs", 0) - 1:
                self._finalize_ema_values()

    def on_test_begin(self, logs=None):
        self._swap_in()

    def on_test_end(self, logs=None):
        self._swap_out()

    def on_predict_begin(self, logs=None):
        self._swap_in()

    def on_predict_end(self, logs=None):
        # Keras 3.15 tests `not self._ema_weights_in_model` here, which leaves the EMA
        # weights in the model after `predict`; swapping back is what the docs describe.
        self._swap_out()
