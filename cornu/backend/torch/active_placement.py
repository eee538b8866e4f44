"""The placement (how a step runs over several processes) of the step running now.

``distribution_steps.DataParallelPlacement`` and ``model_parallel_steps.ModelParallelPlacement``
push themselves here while their step runs; ``step.py`` asks which one is active.

Example:
>>> with running(placement):
...     active_placement() is placement
True
"""

import contextlib

_ACTIVE = []  # innermost last


def active_placement():
    """The placement of the step running now, or None outside a distributed step."""
    return _ACTIVE[-1] if _ACTIVE else None


@contextlib.contextmanager
def running(placement):
    _ACTIVE.append(placement)
    try:
        yield placement
    finally:
        _ACTIVE.pop()
