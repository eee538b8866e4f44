"""Private helpers shared by the NumPy implementations of the NumPy-like ops: input
conversion, dtype promotion, op factories, and the errors ops let through unchanged.

Other backend modules import ``_t``/``_float_input``/... through ``cornu.backend.numpy.numpy``.
"""

import numpy as np

from cornu.backend import config
from cornu.backend.common.array_namespace_ops.conversion import axis_argument as _axis  # noqa: F401
from cornu.backend.common.array_namespace_ops.conversion import conversion_helpers
from cornu.backend.numpy.core import convert_to_tensor, to_numpy_dtype


_r = np.asarray
_FLOAT_KINDS = "fc"


# Errors that ops let through unchanged instead of re-explaining them (none on NumPy).
UNTRANSLATED_ERRORS = ()


def _t(x):
    return x if type(x) is np.ndarray else convert_to_tensor(x)


_conversion = conversion_helpers(convert_to_tensor)
_dtype_of = _conversion.dtype_of
_float_pair = _conversion.float_pair
_same_dtype = _conversion.same_dtype
_promote_any = _conversion.promote


def _promote(x1, x2):
    if type(x1) is np.ndarray and type(x2) is np.ndarray and x1.dtype == x2.dtype:
        return x1, x2
    return _promote_any(x1, x2)


def _is_float(x):
    return x.dtype.kind in _FLOAT_KINDS or x.dtype.name == "bfloat16"


def _float_input(x):
    x = _t(x)
    if not _is_float(x):
        x = x.astype(to_numpy_dtype(config.floatx()))
    return x


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
