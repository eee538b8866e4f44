"""Small Python helpers shared by callbacks and the trainer."""

from cornu import backend


def default(method):
    """Marks a base-class hook as a no-op default, so overrides can be detected.

    Example:
    >>> class Base:
    ...     @default
    ...     def on_end(self): pass
    >>> is_default(Base().on_end)
    True
    """
    method._is_default = True
    return method


def is_default(method):
    """Whether ``method`` is still the ``@default`` no-op (i.e. not overridden)."""
    return getattr(method, "_is_default", False)


def pythonify_logs(logs):
    """Flattens nested log dicts, sorts keys and turns scalars into Python floats.

    Backend tensors are brought to NumPy first; values that are not scalars
    (e.g. a per-class metric) are kept as NumPy arrays, and non-numeric values
    are kept as they are.

    Example:
    >>> pythonify_logs({"loss": np.float32(0.5), "compile_metrics": {"acc": 1}})
    {'acc': 1.0, 'loss': 0.5}
    """
    result = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            result.update(pythonify_logs(value))
            continue
        try:
            if backend.is_tensor(value) or hasattr(value, "__array__"):
                value = backend.convert_to_numpy(value)
            value = float(value)
        except (TypeError, ValueError):
            pass
        result[key] = value
    return result
