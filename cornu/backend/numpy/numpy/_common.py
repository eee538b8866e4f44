"""Private helpers shared by the NumPy implementations of the NumPy-like ops: input
conversion, dtype promotion, op factories, and the errors ops let through unchanged.

Other backend modules import ``_t``/``_float_input``/... through ``cornu.backend.numpy.numpy``.
"""

import numpy as np

from cornu.backend import config
from cornu.backend.common.dtypes import result_type
from cornu.backend.numpy.core import convert_to_tensor, to_numpy_dtype


_r = np.asarray
_FLOAT_KINDS = "fc"


# Errors that ops let through unchanged instead of re-explaining them (none on NumPy).
UNTRANSLATED_ERRORS = ()


def _t(x):
    return x if type(x) is np.ndarray else convert_to_tensor(x)


def _dtype_of(x):
    if hasattr(x, "dtype"):
        return x.dtype
    if isinstance(x, (int, float, bool, complex)):
        return type(x)
    return convert_to_tensor(x).dtype


def _promote(x1, x2):
    if type(x1) is np.ndarray and type(x2) is np.ndarray and x1.dtype == x2.dtype:
        return x1, x2
    dtype = result_type(_dtype_of(x1), _dtype_of(x2))
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def _is_float(x):
    return x.dtype.kind in _FLOAT_KINDS or x.dtype.name == "bfloat16"


def _float_input(x):
    x = _t(x)
    if not _is_float(x):
        x = x.astype(to_numpy_dtype(config.floatx()))
    return x


def _float_pair(x1, x2):
    dtype = result_type(_dtype_of(x1), _dtype_of(x2), float)
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _binary(fn):
    def apply(x1, x2):
        x1, x2 = _promote(x1, x2)
        return _r(fn(x1, x2))

    apply.__name__ = fn.__name__
    return apply


def _unary_float(fn):
    def apply(x):
        x = _float_input(x)
        return _r(fn(x), dtype=x.dtype)

    apply.__name__ = fn.__name__
    return apply


def _binary_float(fn):
    def apply(x1, x2):
        x1, x2 = _float_pair(x1, x2)
        return _r(fn(x1, x2), dtype=x1.dtype)

    apply.__name__ = fn.__name__
    return apply


def _same_dtype(xs):
    dtype = result_type(*[_dtype_of(x) for x in xs])
    return [convert_to_tensor(x, dtype) for x in xs]
