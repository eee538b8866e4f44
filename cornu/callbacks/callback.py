"""The base ``Callback``: hooks called by ``fit``, ``evaluate`` and ``predict``."""

from cornu.serialization.registry import keras_export
from cornu.utils.python_utils import default
from cornu.utils.python_utils import is_default

_TRAIN_BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end")
_TEST_BATCH_HOOKS = ("on_test_batch_begin", "on_test_batch_end")
_PREDICT_BATCH_HOOKS = ("on_predict_batch_begin", "on_predict_batch_end")


@keras_export("keras.callbacks.Callback")
class Callback:
    """Base class of callbacks: override the hooks you need.

    Every hook does nothing by default. ``self.model`` is the model being
    trained, evaluated or used for prediction, and ``self.params`` holds
    ``{"verbose", "epochs", "steps"}``. Epoch-level ``logs`` hold the metric
    results (validation ones prefixed with ``val_``); batch-level logs hold
    the metric results so far in the epoch.

    The trainer skips the per-batch dispatch entirely when no callback
    overrides a batch hook (see ``_implements_train_batch_hooks``).

    Example:
    >>> class PrintLoss(cornu.callbacks.Callback):
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         print(epoch, logs["loss"])
    >>> model.fit(x, y, epochs=2, callbacks=[PrintLoss()], verbose=0)
    """

    def __init__(self):
        self.params = None
        self._model = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self._model = model

    @property
    def model(self):
        # A trainer that keeps state outside the model's variables between steps
        # (the pure JAX step) exposes this hook to write it back before a
        # callback looks at the model.
        sync = getattr(self._model, "jax_state_sync", None)
        if sync is not None:
            sync()
        return self._model

    def _implements_hooks(self, names):
        return any(not is_default(getattr(self, name)) for name in names)

    def _implements_train_batch_hooks(self):
        """Whether this callback overrides a train-batch hook (``on_(train_)batch_*``)."""
        return self._implements_hooks(_TRAIN_BATCH_HOOKS)

    def _implements_test_batch_hooks(self):
        """Whether this callback overrides ``on_test_batch_begin``/``_end``."""
        return self._implements_hooks(_TEST_BATCH_HOOKS)

    def _implements_predict_batch_hooks(self):
        """Whether this callback overrides ``on_predict_batch_begin``/``_end``."""
        return self._implements_hooks(_PREDICT_BATCH_HOOKS)

    @default
    def on_batch_begin(self, batch, logs=None):
        """Old name of ``on_train_batch_begin``, still called by it."""

    @default
    def on_batch_end(self, batch, logs=None):
        """Old name of ``on_train_batch_end``, still called by it."""

    @default
    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of epoch ``epoch`` (0-based) during ``fit``."""

    @default
    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of an epoch; ``logs`` has the epoch's (and ``val_``) metrics."""

    @default
    def on_train_batch_begin(self, batch, logs=None):
        """Called before training batch ``batch`` (the last one of a group with ``steps_per_execution``)."""
        self.on_batch_begin(batch, logs=logs)

    @default
    def on_train_batch_end(self, batch, logs=None):
        """Called after training batch ``batch``; ``logs`` has the metrics so far this epoch."""
        self.on_batch_end(batch, logs=logs)

    @default
    def on_test_batch_begin(self, batch, logs=None):
        """Called before a batch of ``evaluate`` (or of validation inside ``fit``)."""

    @default
    def on_test_batch_end(self, batch, logs=None):
        """Called after a batch of ``evaluate``; ``logs`` has the metrics so far."""

    @default
    def on_predict_batch_begin(self, batch, logs=None):
        """Called before a batch of ``predict``."""

    @default
    def on_predict_batch_end(self, batch, logs=None):
        """Called after a batch of ``predict``; ``logs["outputs"]`` holds its outputs."""

    @default
    def on_train_begin(self, logs=None):
        """Called once when ``fit`` starts."""

    @default
    def on_train_end(self, logs=None):
        """Called once when ``fit`` ends; ``logs`` are the last epoch's logs."""

    @default
    def on_test_begin(self, logs=None):
        """Called when ``evaluate`` (or a validation pass) starts."""

    @default
    def on_test_end(self, logs=None):
        """Called when ``evaluate`` (or a validation pass) ends, with its final logs."""

    @default
    def on_predict_begin(self, logs=None):
        """Called when ``predict`` starts."""

    @default
    def on_predict_end(self, logs=None):
        """Called when ``predict`` ends."""
