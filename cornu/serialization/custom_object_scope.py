"""``custom_object_scope``: a thread-local, temporary set of custom objects."""

import threading

_LOCAL = threading.local()


def current_custom_objects():
    merged = {}
    for scope in getattr(_LOCAL, "stack", ()):
        merged.update(scope)
    return merged


class CustomObjectScope:
    """Makes the given custom objects resolvable by name inside a ``with`` block.

    Example:
    >>> with cornu.serialization.custom_object_scope({"MyLayer": MyLayer}):
    ...     model = cornu.models.load_model("m.keras")
    """

    def __init__(self, custom_objects):
        if custom_objects is not None and not isinstance(custom_objects, dict):
            raise TypeError(f"`custom_objects` must be a dict. Received: custom_objects={custom_objects!r}")
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self):
        if not hasattr(_LOCAL, "stack"):
            _LOCAL.stack = []
        _LOCAL.stack.append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _LOCAL.stack.pop()


custom_object_scope = CustomObjectScope
