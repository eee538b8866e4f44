"""``History``: the per-epoch metric values that ``fit`` returns."""

from cornu.callbacks.callback import Callback
from cornu.serialization.registry import keras_export


@keras_export("keras.callbacks.History")
class History(Callback):
    """Records the logs of every epoch; ``fit`` returns it.

    Attributes:
        history: dict mapping each log key (``"loss"``, ``"val_loss"``, ...)
            to a list with one value per epoch.
        epoch: the indices of the epochs recorded by the last ``fit``.

    Example:
    >>> history = model.fit(x, y, epochs=3, verbose=0)
    >>> history.history["loss"]
    [0.71, 0.52, 0.43]
    >>> history.params
    {'verbose': 0, 'epochs': 3, 'steps': 1}
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        self.model.history = self
