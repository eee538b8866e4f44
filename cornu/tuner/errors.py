"""The errors a search raises or a user raises to steer it, named as in KerasTuner.

Raise ``FailedTrialError`` in a hypermodel to mark one trial failed (it is retried up to
``max_retries_per_trial`` times); raise a ``FatalError`` to stop the whole search.

Example:
>>> def build(hp):
...     if hp.Int("units", 8, 64) > 32:
...         raise cornu.tuner.errors.FailedTrialError("too wide for this machine")
"""


class FailedTrialError(Exception):
    """Marks the running trial as failed; the search goes on with the next one."""


class FatalError(Exception):
    """Stops the search at once (not caught, not retried)."""


class FatalValueError(FatalError, ValueError):
    """A ``FatalError`` that is also a ``ValueError``."""


class FatalTypeError(FatalError, TypeError):
    """A ``FatalError`` that is also a ``TypeError``."""


class FatalRuntimeError(FatalError, RuntimeError):
    """A ``FatalError`` that is also a ``RuntimeError``."""
