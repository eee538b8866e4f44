"""Checks on the arrays an AutoML task is given, with Keras-style errors raised before any work."""

import numpy as np


def _describe(value):
    shape = getattr(value, "shape", None)
    if shape is not None:
        return f"{type(value).__name__} with shape {tuple(shape)} and dtype {getattr(value, 'dtype', '?')}"
    return repr(value) if len(repr(value)) < 80 else f"{type(value).__name__} of length {len(value)}"


def as_array(value, arg, task):
    """``value`` (NumPy array, list, pandas DataFrame/Series) as a NumPy array, or a clear error."""
    if value is None:
        raise ValueError(f"{task} needs `{arg}`: pass a NumPy array. Received: {arg}=None")
    if isinstance(value, (str, bytes)):
        raise ValueError(f"{task} takes `{arg}` as an array of samples, not a file name or a single string: "
                         f"load the data into a NumPy array first. Received: {arg}={value!r}")
    if hasattr(value, "to_numpy"):  # pandas objects, without importing pandas
        value = value.to_numpy()
    if isinstance(value, dict) or not hasattr(value, "__len__") and not hasattr(value, "__array__"):
        raise TypeError(f"{task} takes `{arg}` as a NumPy array (or a list or pandas object). "
                        f"Received: {arg} of type {type(value).__name__}")
    try:
        array = np.asarray(value)
    except ValueError as e:  # ragged nested lists
        raise ValueError(f"{task} could not turn `{arg}` into one rectangular array ({e}): give every sample the "
                         f"same shape. Received: {arg}={_describe(value)}") from None
    if array.ndim == 0 or len(array) == 0:
        raise ValueError(f"{task} needs at least one sample in `{arg}`. Received: {arg}={_describe(array)}")
    return array


def check_same_length(x, y, task, x_name="x", y_name="y"):
    """Raises unless ``x`` and ``y`` hold the same number of samples."""
    if len(x) != len(y):
        raise ValueError(f"{task}: `{x_name}` and `{y_name}` must hold the same number of samples (one label per "
                         f"sample). Received: {x_name}.shape={tuple(x.shape)}, {y_name}.shape={tuple(y.shape)}")


def is_numeric(array):
    return array.dtype.kind in "biuf"


def is_text(array):
    if array.dtype.kind in "US":
        return True
    return array.dtype.kind == "O" and all(isinstance(item, (str, bytes)) for item in array.reshape(-1)[:1000])


def check_numeric(array, arg, task, what):
    """Raises unless ``array`` holds finite numbers."""
    if not is_numeric(array):
        raise TypeError(f"{task} takes {what} as numbers (int, float or bool): convert or encode other columns "
                        f"first (e.g. with keras.layers.StringLookup). Received: {arg} with dtype {array.dtype}")
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise ValueError(f"{task}: `{arg}` contains NaN or infinite values: fill or drop them first. "
                         f"Received: {arg} with {int((~np.isfinite(array)).sum())} non-finite values")


def check_feature_shape(array, expected, arg, task):
    """Raises unless each sample of ``array`` has the shape the task was fit on."""
    if tuple(array.shape[1:]) != tuple(expected):
        raise ValueError(f"{task} was fit on samples of shape {tuple(expected)}; `{arg}` must have shape "
                         f"(num_samples, {', '.join(map(str, expected))}). Received: {arg}.shape={tuple(array.shape)}")
