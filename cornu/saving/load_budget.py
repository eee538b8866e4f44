"""How many bytes one model load may spend: the public knobs of the load budget.

By default a load may spend ``DEFAULT_FLOOR_BYTES`` plus ``SIZE_FACTOR`` times
the size of the files it reads. An honest file needs about twice its size
(the arrays it holds, read once and then placed in variables), so the default
never stands in the way of a real model, while a file of a few kilobytes that
declares gigabytes is refused before the allocation. A fixed limit replaces
that rule when set by ``set_max_load_bytes``, the ``CORNU_MAX_LOAD_BYTES``
environment variable, or ``with load_budget(n):`` around the load.

Example:
>>> with cornu.saving.load_budget(8 << 30):
...     model = cornu.saving.load_model("big.keras")
"""

import contextlib
import contextvars
import os

from cornu.backend.common.load_budget import LoadBudget, LoadBudgetExceeded, budget_scope

DEFAULT_FLOOR_BYTES = 512 << 20
SIZE_FACTOR = 4
ENV_VARIABLE = "CORNU_MAX_LOAD_BYTES"

_max_load_bytes = None
_scoped_limit = contextvars.ContextVar("cornu_scoped_load_limit", default=None)

__all__ = ["LoadBudgetExceeded", "get_max_load_bytes", "load_budget", "loading", "set_max_load_bytes"]


def _check_limit(max_bytes, name):
    if max_bytes is None:
        return None
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
        raise ValueError(f"`{name}` must be a positive number of bytes, or None for the default rule "
                         f"(a floor plus {SIZE_FACTOR}x the file's size). Received: {name}={max_bytes!r}")
    return max_bytes


def set_max_load_bytes(max_bytes):
    """Sets a fixed byte budget for every later load; ``None`` restores the default rule.

    Example:
    >>> cornu.saving.set_max_load_bytes(16 << 30)  # trusted files up to 16 GiB
    """
    global _max_load_bytes
    _max_load_bytes = _check_limit(max_bytes, "max_bytes")


def get_max_load_bytes():
    """The fixed byte budget in force (scope, setting or environment), or ``None`` for the default rule.

    Example:
    >>> cornu.saving.get_max_load_bytes() is None
    True
    """
    scoped = _scoped_limit.get()
    if scoped is not None:
        return scoped
    if _max_load_bytes is not None:
        return _max_load_bytes
    raw = os.environ.get(ENV_VARIABLE, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value <= 0:
        raise ValueError(f"The environment variable {ENV_VARIABLE} must be a positive number of bytes. "
                         f"Received: {ENV_VARIABLE}={raw[:40]!r}")
    return value


@contextlib.contextmanager
def load_budget(max_bytes):
    """Uses a fixed byte budget for the loads inside the ``with`` block.

    Example:
    >>> with cornu.saving.load_budget(64 << 20):
    ...     cornu.saving.load_model("small.keras")
    """
    token = _scoped_limit.set(_check_limit(max_bytes, "max_bytes"))
    try:
        yield
    finally:
        _scoped_limit.reset(token)


def _file_bytes(paths):
    total = 0
    for path in paths:
        try:
            if hasattr(path, "seek") and hasattr(path, "tell"):  # a file object: its size from its end
                position = path.tell()
                total += max(path.seek(0, os.SEEK_END) - position, 0)
                path.seek(position)
            elif os.path.isdir(path):
                for root, _, files in os.walk(path):
                    for name in files:
                        full = os.path.join(root, name)
                        if os.path.isfile(full) and not os.path.islink(full):
                            total += os.path.getsize(full)
            elif os.path.isfile(path):
                total += os.path.getsize(path)
        except (OSError, ValueError, TypeError):  # unreadable, closed or unseekable: counts as empty
            continue
    return total


def budget_for(*paths):
    """The budget of a load that reads ``paths`` (files or folders).

    Example:
    >>> budget_for("m.keras").max_bytes >= DEFAULT_FLOOR_BYTES
    True
    """
    source = ", ".join(p if isinstance(p, str) else "<file object>" if hasattr(p, "read") else os.fspath(p)
                       for p in paths)
    fixed = get_max_load_bytes()
    if fixed is not None:
        return LoadBudget(fixed, source=source)
    return LoadBudget(DEFAULT_FLOOR_BYTES + SIZE_FACTOR * _file_bytes(paths), source=source)


@contextlib.contextmanager
def loading(*paths):
    """Runs the enclosed load under the budget of ``paths``; nested loads share the outer budget.

    A load whose budget refused a charge fails at its end even when some code in between
    caught the refusal (a layer that warns instead of raising must not yield a half-built model).

    Example:
    >>> with loading("m.keras") as budget:
    ...     budget.charge(100, "config.json")
    """
    with budget_scope(budget_for(*paths)) as budget:
        yield budget
        if budget.refusal is not None:
            raise LoadBudgetExceeded(budget.refusal)
