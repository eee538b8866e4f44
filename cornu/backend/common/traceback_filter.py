"""Traceback filtering: errors that reach user code show the user's frames, not cornu's.

A public entry point (``Layer.__call__``, ``Model.fit``, an op, ...) wrapped by
``filter_traceback`` re-raises an escaping exception with every frame whose file
lies inside the ``cornu`` package removed. If nothing but cornu frames remain,
the innermost one (the line that raised) is kept, so the message still points
somewhere. The happy path costs one ``try`` block (free in Python 3.11+): the
switch is read only once an exception is already on its way up.

``cornu.config.disable_traceback_filtering()`` gives the full traceback back.

This module lives in ``backend/common`` because it imports nothing of cornu and
is used from every level (ops, layers, trainers).
"""

import functools
import os
import types

from cornu.backend.common import global_state

# The folder of the cornu package: frames from files below it are cornu-internal.
CORNU_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_PREFIX = CORNU_ROOT + os.sep
_internal_files = {}


def enable_traceback_filtering():
    """Turns traceback filtering on (the default): errors raised inside cornu reach your code
    with cornu's own frames removed from the traceback.

    Example:
    >>> cornu.config.enable_traceback_filtering()
    >>> cornu.config.is_traceback_filtering_enabled()
    True
    """
    global_state.set_global_attribute("traceback_filtering", True)


def disable_traceback_filtering():
    """Turns traceback filtering off: errors show every frame, cornu's included (useful when
    debugging cornu itself).

    Example:
    >>> cornu.config.disable_traceback_filtering()
    >>> cornu.config.is_traceback_filtering_enabled()
    False
    """
    global_state.set_global_attribute("traceback_filtering", False)


def is_traceback_filtering_enabled():
    """Whether cornu removes its own frames from the tracebacks of errors (True by default).

    Example:
    >>> cornu.config.is_traceback_filtering_enabled()
    True
    """
    return global_state.get_global_attribute("traceback_filtering") is not False


def is_internal_file(filename):
    """Whether ``filename`` (a code object's ``co_filename``) belongs to the cornu package."""
    internal = _internal_files.get(filename)
    if internal is None:
        internal = os.path.abspath(filename).startswith(_PREFIX) if filename[:1] != "<" else False
        if len(_internal_files) < 4096:
            _internal_files[filename] = internal
    return internal


def filtered_traceback(tb):
    """``tb`` without its cornu frames; the innermost frame if no other frame is left."""
    kept = []
    innermost = None
    while tb is not None:
        innermost = tb
        if not is_internal_file(tb.tb_frame.f_code.co_filename):
            kept.append(tb)
        tb = tb.tb_next
    if not kept and innermost is not None:
        kept.append(innermost)
    result = None
    for entry in reversed(kept):
        result = types.TracebackType(result, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return result


def filter_exception(error):
    """Filters the traceback of ``error`` and of the errors chained to it (``__cause__`` /
    ``__context__``) in place, and returns ``error``."""
    seen = set()
    current = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if current.__traceback__ is not None:
            current.__traceback__ = filtered_traceback(current.__traceback__)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return error


def filter_traceback(fn):
    """Decorator for public entry points: exceptions escaping ``fn`` lose their cornu frames
    when filtering is enabled.

    Example:
    >>> @filter_traceback
    ... def fit(x):
    ...     return train(x)
    """

    @functools.wraps(fn)
    def error_handler(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as error:
            if not is_traceback_filtering_enabled():
                raise
            # Set `cornu.config.disable_traceback_filtering()` to see the full traceback.
            raise filter_exception(error) from error.__cause__

    error_handler.__wrapped__ = fn
    return error_handler
