"""Element-wise math functions on NumPy: exponentials, logarithms, trigonometry, and ``vectorize``.

Backs ``cornu.ops.numpy.math_functions``; re-exported by ``cornu.backend.numpy.numpy``.
"""

import numpy as np

from cornu.backend.common.array_namespace_ops import install, names
from cornu.backend.common.array_namespace_ops.dtype_rules import FLOAT_MATH_FUNCTIONS
from cornu.backend.numpy.numpy._common import _binary_float, _r, _unary_float

__all__ = names.MATH_FUNCTIONS


logaddexp = _binary_float(np.logaddexp)
logaddexp2 = _binary_float(np.logaddexp2)
arctan2 = _binary_float(np.arctan2)
install(globals(), {name: _unary_float(getattr(np, name)) for name in FLOAT_MATH_FUNCTIONS})


def vectorize(pyfunc, *, excluded=None, signature=None):
    vectorized = np.vectorize(pyfunc, excluded=excluded or set(), signature=signature)

    def call(*args, **kwargs):
        return _r(vectorized(*args, **kwargs))

    return call
