"""``TerminateOnNaN``: stop training as soon as the loss becomes NaN or infinite."""

import math

from cornu.callbacks.callback import Callback
from cornu.serialization.registry import keras_export
from cornu.utils import io_utils


@keras_export("keras.callbacks.TerminateOnNaN")
class TerminateOnNaN(Callback):
    """Stops training when a batch's loss is NaN or infinite.

    Args:
        raise_error: raise a ``RuntimeError`` instead of setting
            ``model.stop_training`` (which ends ``fit`` after the batch).

    Example:
    >>> model.fit(x, y, epochs=10, callbacks=[cornu.callbacks.TerminateOnNaN()])
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(float(loss)):
            return
        if self.raise_error:
            raise RuntimeError(
                f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. Terminating training immediately."
            )
        io_utils.print_msg(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
