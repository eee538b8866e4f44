"""Logs as callbacks and ``History`` see them: flat dicts of Python numbers."""

from cornu import backend


def to_python_logs(logs):
    """Flattens nested log dicts and turns backend scalars into Python floats.

    Example:
    >>> to_python_logs({"loss": np.float32(0.5), "out": {"mae": 1}})
    {'loss': 0.5, 'mae': 1}
    """
    out = {}
    for key, value in (logs or {}).items():
        if isinstance(value, dict):
            out.update(to_python_logs(value))
            continue
        try:
            out[key] = float(backend.convert_to_numpy(value)) if not isinstance(value, (int, float)) else value
        except (TypeError, ValueError):
            out[key] = value
    return out
