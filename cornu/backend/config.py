"""Global configuration: which backend runs, default float type, epsilon, image layout.

The backend is chosen once, at import: ``CORNU_BACKEND``, else ``KERAS_BACKEND``,
else the ``backend`` field of ``~/.cornu/cornu.json``, else ``"jax"``.
"""

import json
import os

_VALID_BACKENDS = ("jax", "torch", "numpy", "tensorflow")
_VALID_DATA_FORMATS = ("channels_last", "channels_first")

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"
_BACKEND = "jax"


def _config_dir():
    home = os.environ.get("CORNU_HOME")
    if home:
        return home
    base = os.path.expanduser("~")
    if not os.access(base, os.W_OK):
        base = "/tmp"
    return os.path.join(base, ".cornu")


def _read_config_file():
    path = os.path.join(_config_dir(), "cornu.json")
    if not os.path.exists(path):
        return {}
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _resolve():
    global _FLOATX, _EPSILON, _IMAGE_DATA_FORMAT, _BACKEND
    cfg = _read_config_file()
    _FLOATX = cfg.get("floatx", _FLOATX)
    _EPSILON = float(cfg.get("epsilon", _EPSILON))
    _IMAGE_DATA_FORMAT = cfg.get("image_data_format", _IMAGE_DATA_FORMAT)
    name = (
        os.environ.get("CORNU_BACKEND")
        or os.environ.get("KERAS_BACKEND")
        or cfg.get("backend")
        or "jax"
    )
    name = name.lower()
    if name not in _VALID_BACKENDS:
        raise ValueError(
            f"Unknown backend. cornu runs on one of {_VALID_BACKENDS}; set "
            f"CORNU_BACKEND (or KERAS_BACKEND) to one of them. Received: backend={name!r}"
        )
    _BACKEND = name


def backend():
    """Returns the name of the active backend: ``"jax"``, ``"torch"``, ``"numpy"`` or ``"tensorflow"``.

    Example:
    >>> cornu.config.backend()
    'jax'
    """
    return _BACKEND


def floatx():
    """Returns the default float type as a string, e.g. ``"float32"``."""
    return _FLOATX


def set_floatx(value):
    """Sets the default float type (``"float16"``, ``"bfloat16"``, ``"float32"``, ``"float64"``)."""
    global _FLOATX
    accepted = ("float16", "bfloat16", "float32", "float64")
    if value not in accepted:
        raise ValueError(f"Unknown floatx type: expected one of {accepted}. Received: floatx={value!r}")
    _FLOATX = str(value)


def epsilon():
    """Returns the fuzz factor used in numeric expressions (default ``1e-7``)."""
    return _EPSILON


def set_epsilon(value):
    """Sets the fuzz factor used in numeric expressions."""
    global _EPSILON
    _EPSILON = float(value)


def image_data_format():
    """Returns ``"channels_last"`` or ``"channels_first"``."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    """Sets the default image layout."""
    global _IMAGE_DATA_FORMAT
    fmt = str(data_format).lower()
    if fmt not in _VALID_DATA_FORMATS:
        raise ValueError(
            f"The `data_format` argument must be one of {_VALID_DATA_FORMATS}. "
            f"Received: data_format={data_format!r}"
        )
    _IMAGE_DATA_FORMAT = fmt


def standardize_data_format(data_format):
    if data_format is None:
        return image_data_format()
    fmt = str(data_format).lower()
    if fmt not in _VALID_DATA_FORMATS:
        raise ValueError(
            f"The `data_format` argument must be one of {_VALID_DATA_FORMATS}. "
            f"Received: data_format={data_format!r}"
        )
    return fmt


_resolve()
