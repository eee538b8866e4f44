"""Thread-local global state: unique names, the global seed generator, ..."""

import collections
import contextlib
import threading

_STATE = threading.local()


def get_global_attribute(name, default=None, set_to_default=False):
    value = getattr(_STATE, name, None)
    if value is None and default is not None:
        value = default
        if set_to_default:
            setattr(_STATE, name, value)
    return value


def set_global_attribute(name, value):
    setattr(_STATE, name, value)


def clear_session():
    """Resets all global state: auto-generated names start again from zero."""
    for key in list(vars(_STATE)):
        delattr(_STATE, key)


def get_uid(prefix=""):
    """A counter per ``prefix``: 1 on its first call, then 2, 3, ... (until ``clear_session``).

    Example:
    >>> get_uid("dense"), get_uid("dense"), get_uid("conv")
    (1, 2, 1)
    """
    counts = get_global_attribute("object_name_uids", collections.Counter(), set_to_default=True)
    counts[prefix] += 1
    return counts[prefix]


def uniquify(base):
    """Returns ``base``, then ``base_1``, ``base_2``, ... on later calls."""
    counts = get_global_attribute("name_counts", collections.Counter(), set_to_default=True)
    n = counts[base]
    counts[base] += 1
    return base if n == 0 else f"{base}_{n}"


_STRUCTURE_VERSION = [0]


def structure_version():
    """A counter that changes whenever a model's structure may have changed (a variable or a
    graph node is created, ``trainable`` or a dtype policy is set): compiled eager calls
    compare it to know when to trace again."""
    return _STRUCTURE_VERSION[0]


def bump_structure_version():
    _STRUCTURE_VERSION[0] += 1
    _STRUCTURE_CACHE.clear()


# (id(owner), key) -> (owner, value); emptied whenever the structure version changes.
_STRUCTURE_CACHE = {}
_CACHE_DEPTH = [0]


@contextlib.contextmanager
def structure_cache():
    """While open, walks over a model's structure (its layers, variables, metrics) are computed
    once and reused until the structure version changes.

    ``fit``, ``evaluate`` and ``predict`` open it: a PyTorch step asks for these lists several
    times and each walk over the attributes costs tens of microseconds. Outside it nothing is
    remembered, because assigning an existing layer as an attribute changes the structure
    without changing the version.

    Example:
    >>> with structure_cache():
    ...     model.trainable_weights  # walked once
    ...     model.trainable_weights  # remembered
    """
    _CACHE_DEPTH[0] += 1
    try:
        yield
    finally:
        _CACHE_DEPTH[0] -= 1
        if not _CACHE_DEPTH[0]:
            _STRUCTURE_CACHE.clear()


@contextlib.contextmanager
def structure_cache_paused():
    """While open, no structure walk is remembered or reused, even inside a ``structure_cache``.

    A ``torch.compile``d step runs its walks once, while tracing; letting them read the cache
    would make the compiled graph depend on (and recompile for) the cache's contents.

    Example:
    >>> with structure_cache(), structure_cache_paused():
    ...     model.trainable_weights  # walked, not remembered
    """
    depth = _CACHE_DEPTH[0]
    _CACHE_DEPTH[0] = 0
    try:
        yield
    finally:
        _CACHE_DEPTH[0] = depth


def cached_structure(owner, key, compute):
    """``compute()``, remembered for ``(owner, key)`` while a ``structure_cache`` is open."""
    if not _CACHE_DEPTH[0]:
        return compute()
    entry = _STRUCTURE_CACHE.get((id(owner), key))
    if entry is None or entry[0] is not owner:
        entry = (owner, compute())
        _STRUCTURE_CACHE[(id(owner), key)] = entry
    return entry[1]
