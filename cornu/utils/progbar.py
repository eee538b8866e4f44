"""The text progress bar that ``fit``, ``evaluate`` and ``predict`` print.

The text matches Keras 3's bar character for character, so logs, notebooks
and tools that parse them see the same thing with either library.
"""

import math
import os
import sys
import time

import numpy as np

from cornu.serialization.registry import keras_export
from cornu.utils import io_utils

_BOLD = "\x1b[1m"
_GREEN = "\x1b[32m"
_GREY = "\x1b[37m"
_RESET = "\x1b[0m"
_GLYPH = "━"


def _dynamic_display_supported():
    # Keras redraws in place whenever "posix" is imported, i.e. on every Linux
    # and macOS process, even when stdout is a pipe; we keep that behaviour so
    # captured logs are identical.
    return (
        (hasattr(sys.stdout, "isatty") and sys.stdout.isatty())
        or "ipykernel" in sys.modules
        or "posix" in sys.modules
        or "PYCHARM_HOSTED" in os.environ
    )


def format_value(value):
    """Formats a metric value as the bar shows it: 4 decimals, or ``%.4e`` near zero.

    Example:
    >>> format_value(0.23754)
    '0.2375'
    >>> format_value(0.0002)
    '2.0000e-04'
    """
    return f"{value:.4f}" if abs(value) > 1e-3 else f"{value:.4e}"


def format_time_per_unit(seconds, unit_name="step"):
    """``' 955us/step'``, ``' 141ms/step'`` or ``' 2s/step'`` (with a leading space).

    Example:
    >>> format_time_per_unit(0.141)
    ' 141ms/step'
    """
    if seconds >= 1 or seconds == 0:
        return f" {seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f" {seconds * 1e3:.0f}ms/{unit_name}"
    return f" {seconds * 1e6:.0f}us/{unit_name}"


def format_eta(seconds):
    """``'42s'``, ``'3:05'`` or ``'1:02:03'``.

    Example:
    >>> format_eta(185)
    '3:05'
    """
    if seconds > 3600:
        return "%d:%02d:%02d" % (seconds // 3600, (seconds % 3600) // 60, seconds % 60)
    if seconds > 60:
        return "%d:%02d" % (seconds // 60, seconds % 60)
    return "%ds" % seconds


@keras_export("keras.utils.Progbar")
class Progbar:
    """Displays a progress bar.

    Metric values passed to ``update`` are averaged over the steps seen so far
    (weighted by the number of steps each update covers), except those named
    in ``stateful_metrics``, which are shown as given. Alternatively name the
    averaged ones in ``stateless_metrics`` and every other metric is shown as
    given. Pass at most one of the two.

    Args:
        target: total number of steps expected, or None if unknown.
        width: width of the bar, in glyphs.
        verbose: 0 (silent), 1 (a bar redrawn in place), 2 (one line at the end).
        interval: minimum time in seconds between two redraws (verbose=1).
        stateful_metrics: names of metrics shown as-is rather than averaged.
        stateless_metrics: names of the only metrics that are averaged.
        unit_name: what a step is called in the time-per-unit field.

    Example:
    >>> bar = cornu.utils.Progbar(target=3)
    >>> for step in range(1, 4):
    ...     bar.update(step, values=[("loss", 1.0 / step)])
    3/3 ━━━━━━━━━━━━━━━━━━━━ 0s 12us/step - loss: 0.6111
    """

    def __init__(
        self,
        target,
        width=20,
        verbose=1,
        interval=0.05,
        stateful_metrics=None,
        stateless_metrics=None,
        unit_name="step",
    ):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError(
                "Only one of `stateful_metrics` or `stateless_metrics` can be provided: "
                "`stateful_metrics` lists the metrics shown as-is (all others are averaged), "
                "`stateless_metrics` lists the metrics that are averaged (all others are shown "
                f"as-is). Received: stateful_metrics={stateful_metrics}, "
                f"stateless_metrics={stateless_metrics}"
            )
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        if stateless_metrics is not None:
            self.stateful_metrics = None
            self.stateless_metrics = set(stateless_metrics)
        else:
            self.stateful_metrics = set(stateful_metrics or ())
            self.stateless_metrics = None

        self._dynamic_display = _dynamic_display_supported()
        self._seen_so_far = 0
        # name -> [weighted sum, weight]; insertion order is display order.
        self._values = {}
        self._start = time.time()
        self._last_update = 0
        self._time_after_first_step = None
        self._prev_total_width = 0

    def _is_averaged(self, name):
        if self.stateful_metrics is not None:
            return name not in self.stateful_metrics
        return name in self.stateless_metrics

    def _record(self, current, values, finalize):
        for name, value in values:
            if not self._is_averaged(name) or finalize:
                # The final update carries epoch-level results: show them as given.
                self._values[name] = [value, 1]
                continue
            # An update may cover several steps (e.g. steps_per_execution).
            steps = max(current - self._seen_so_far, 1)
            if name in self._values:
                self._values[name][0] += value * steps
                self._values[name][1] += steps
            else:
                self._values[name] = [value * steps, steps]

    def _mean(self, name):
        total, count = self._values[name]
        if not isinstance(total, float):
            total = np.mean(total)
        return total / max(1, count)

    def _metrics_text(self):
        return "".join(f" - {name}: {format_value(self._mean(name))}" for name in self._values)

    def update(self, current, values=None, finalize=None):
        """Moves the bar to step ``current`` and records ``values``.

        Args:
            current: index of the current step (1-based).
            values: list of ``(name, value_for_last_step)`` pairs.
            finalize: whether this is the last update; defaults to
                ``current >= target``.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        self._record(current, values or [], finalize)
        self._seen_so_far = current

        now = time.time()
        time_per_unit = self._estimate_step_duration(current, now)

        if self.verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            self._draw(current, now, time_per_unit, finalize)
        elif self.verbose == 2 and finalize and self.target is not None and self.target > 0:
            digits = int(math.log10(self.target)) + 1
            line = f"%{digits}d/%d - {now - self._start:.0f}s -" % (current, self.target)
            line += format_time_per_unit(time_per_unit, self.unit_name)
            line += self._metrics_text() + "\n"
            io_utils.print_msg(line, line_break=False)
        self._last_update = now

    def _draw(self, current, now, time_per_unit, finalize):
        # `hidden` counts the ANSI escape characters, which take no screen width.
        hidden = 0
        if self.target is not None and self.target > 0:
            digits = int(math.log10(self.target)) + 1
            bar = f"{_BOLD}%{digits}d/%d{_RESET} " % (current, self.target)
            hidden += 8
            done = int(self.width * float(current) / self.target)
            if done > 0:
                bar += f"{_GREEN}{_GLYPH * done}{_RESET}"
                hidden += 9
            bar += f"{_GREY}{_GLYPH * (self.width - done)}{_RESET}"
            hidden += 9
        else:
            bar = "%7d/Unknown" % current

        if self.target is not None and self.target > 0 and not finalize:
            clock = format_eta(time_per_unit * (self.target - current))
        else:
            clock = f"{now - self._start:.0f}s"
        info = f" {_BOLD}{clock}{_RESET}"
        hidden += 8
        info += format_time_per_unit(time_per_unit, self.unit_name)
        info += self._metrics_text()

        message = "\b" * self._prev_total_width + "\r" if self._dynamic_display else "\n"
        message += bar + info
        total_width = len(bar) + len(info) - hidden
        if self._prev_total_width > total_width:
            message += " " * (self._prev_total_width - total_width)
        if finalize:
            message += "\n"
        io_utils.print_msg(message, line_break=False)
        self._prev_total_width = total_width

    def add(self, n, values=None):
        """Advances the bar by ``n`` steps."""
        self.update(self._seen_so_far + n, values)

    def _estimate_step_duration(self, current, now):
        # The first step usually includes compilation: once past it, time the
        # remaining steps only.
        if not current:
            return 0
        if self._time_after_first_step is not None and current > 1:
            time_per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            time_per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return time_per_unit
