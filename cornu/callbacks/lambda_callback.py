"""``LambdaCallback``: a callback made from plain functions."""

from cornu.callbacks.callback import Callback
from cornu.serialization.registry import keras_export


@keras_export("keras.callbacks.LambdaCallback")
class LambdaCallback(Callback):
    """Builds a callback from functions, one per hook.

    ``on_epoch_begin``/``on_epoch_end`` receive ``(epoch, logs)``,
    ``on_train_begin``/``on_train_end`` receive ``(logs)``, and batch hooks
    receive ``(batch, logs=...)``. Any other hook can be given by name as a
    keyword argument, e.g. ``on_test_end=fn``.

    Example:
    >>> losses = []
    >>> record = cornu.callbacks.LambdaCallback(
    ...     on_epoch_end=lambda epoch, logs: losses.append(logs["loss"]))
    >>> model.fit(x, y, epochs=3, callbacks=[record], verbose=0)
    """

    def __init__(
        self,
        on_epoch_begin=None,
        on_epoch_end=None,
        on_train_begin=None,
        on_train_end=None,
        on_train_batch_begin=None,
        on_train_batch_end=None,
        **kwargs,
    ):
        super().__init__()
        self.__dict__.update(kwargs)
        hooks = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
            "on_train_batch_begin": on_train_batch_begin,
            "on_train_batch_end": on_train_batch_end,
        }
        for name, fn in hooks.items():
            if fn is not None:
                setattr(self, name, fn)
