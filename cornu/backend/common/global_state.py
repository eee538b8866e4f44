"""Thread-local global state: unique names, the global seed generator, ..."""

import collections
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
