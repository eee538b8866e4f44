"""``MonitorCallback``: the shared "did the monitored metric improve?" logic."""

import operator
import warnings

from cornu.callbacks.callback import Callback


def _flat_compiled_metrics(model):
    """``model.metrics``, with metric containers (compiled metrics) unpacked."""
    found = []
    for metric in getattr(model, "metrics", None) or []:
        inner = getattr(metric, "metrics", None)
        found.extend(inner if isinstance(inner, (list, tuple)) else [metric])
    return found


class MonitorCallback(Callback):
    """Base of callbacks that watch one logged quantity (``EarlyStopping``, ...).

    ``mode`` ``"min"`` or ``"max"`` says which direction is better; ``"auto"``
    minimizes ``loss``/``val_loss`` and otherwise asks the compiled metric of
    that name (its ``_direction``, ``"up"`` or ``"down"``), raising if it
    cannot tell. An improvement must beat the reference by more than
    ``min_delta``.

    Example:
    >>> class PrintBest(MonitorCallback):
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         if self.monitor_op is None:
    ...             self._set_monitor_op()
    ...         if self._is_improvement(logs[self.monitor], self.best):
    ...             self.best = logs[self.monitor]
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto mode.", stacklevel=2)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self):
        # Called at the first epoch end, once the compiled metrics exist.
        if self.mode == "min":
            self.monitor_op = operator.lt
        elif self.mode == "max":
            self.monitor_op = operator.gt
        else:
            name = self.monitor.removeprefix("val_")
            if name == "loss":
                self.monitor_op = operator.lt
            for metric in _flat_compiled_metrics(self.model):
                direction = getattr(metric, "_direction", None)
                if getattr(metric, "name", None) == name and direction is not None:
                    self.monitor_op = operator.gt if direction == "up" else operator.lt
            if self.monitor_op is None:
                raise ValueError(
                    f"{type(self).__name__} callback received monitor={self.monitor}, but cornu "
                    "cannot tell whether that metric should be maximized or minimized. Pass "
                    "`mode='max'` to monitor the highest value, or `mode='min'` for the lowest."
                )
        if self.monitor_op is operator.lt:
            self.min_delta *= -1

    def _is_improvement(self, monitor_value, reference_value):
        if reference_value is None:
            return True
        return bool(self.monitor_op(monitor_value - self.min_delta, reference_value))
