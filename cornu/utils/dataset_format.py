"""Which kind of dataset the ``*_dataset_*`` utilities return: a ``tf.data.Dataset`` or a ``PyDataset``.

Keras returns ``tf.data.Dataset`` objects. cornu does too when TensorFlow is installed (so Keras
programs that call ``.map``/``.prefetch`` run unchanged), and returns a ``cornu.utils.PyDataset``
(iterable, ``fit``-able, no TensorFlow needed) otherwise. ``format="py_dataset"`` (functions that
have a ``format`` argument), ``with cornu.utils.dataset_format("py_dataset"):`` or the environment
variable ``CORNU_DATASET_FORMAT=py_dataset`` ask for the ``PyDataset`` even with TensorFlow installed.
"""

import contextlib
import contextvars
import importlib.util
import os

_FORMATS = ("tf", "grain", "py_dataset", "numpy")  # "numpy": the image/text utilities' name
_PREFERRED = contextvars.ContextVar("cornu_dataset_format", default=None)


def tensorflow_available():
    """True when TensorFlow can be imported (checked without importing it)."""
    return importlib.util.find_spec("tensorflow") is not None


def _preferred_format():
    preferred = _PREFERRED.get() or os.environ.get("CORNU_DATASET_FORMAT") or "tf"
    if preferred not in ("tf", "py_dataset"):
        raise ValueError(
            "The preferred dataset format must be 'tf' or 'py_dataset' (set by `cornu.utils.dataset_format` "
            f"or CORNU_DATASET_FORMAT). Received: {preferred!r}"
        )
    return preferred


def py_dataset_requested():
    """True inside ``dataset_format("py_dataset")`` or with ``CORNU_DATASET_FORMAT=py_dataset``."""
    return _preferred_format() == "py_dataset"


def resolve_dataset_format(format=None):
    """``"tf"`` or ``"py_dataset"``: what a dataset utility called with ``format`` should build.

    ``format`` is the utility's ``format`` argument, or None for utilities without one.

    Example:
    >>> with dataset_format("py_dataset"):
    ...     resolve_dataset_format("tf")
    'py_dataset'
    """
    if format is not None and format not in _FORMATS:
        raise ValueError(f'`format` should be one of "tf", "grain" or "py_dataset". Received: format={format}')
    if format == "grain":
        raise ValueError(
            'cornu does not build grain datasets. Use format="tf" (a tf.data.Dataset when TensorFlow is '
            'installed) or format="py_dataset" (a cornu.utils.PyDataset). Received: format=grain'
        )
    if format in ("py_dataset", "numpy") or _preferred_format() == "py_dataset":
        return "py_dataset"
    return "tf" if tensorflow_available() else "py_dataset"


@contextlib.contextmanager
def dataset_format(format):
    """Makes the dataset utilities return ``format`` (``"py_dataset"`` or ``"tf"``) in this block.

    Example:
    >>> with cornu.utils.dataset_format("py_dataset"):
    ...     train, test = cornu.utils.split_dataset(x, left_size=0.8)  # PyDatasets, TF or not
    """
    if format not in ("tf", "py_dataset"):
        raise ValueError(f"`format` must be 'tf' or 'py_dataset'. Received: format={format!r}")
    token = _PREFERRED.set(format)
    try:
        yield
    finally:
        _PREFERRED.reset(token)
