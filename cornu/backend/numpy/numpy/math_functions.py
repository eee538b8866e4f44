"""Element-wise math functions on NumPy: exponentials, logarithms, trigonometry, and ``vectorize``.

Backs ``cornu.ops.numpy.math_functions``; re-exported by ``cornu.backend.numpy.numpy``.
"""

import numpy as np

from cornu.backend.numpy.numpy._common import _binary_float, _r, _unary_float

__all__ = [
    "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2", "arctanh", "cos", "cosh", "deg2rad", "exp", "exp2",
    "expm1", "i0", "log", "log10", "log1p", "log2", "logaddexp", "logaddexp2", "rad2deg", "sin", "sinc", "sinh", "tan",
    "tanh", "vectorize",
]


logaddexp = _binary_float(np.logaddexp)
logaddexp2 = _binary_float(np.logaddexp2)
arctan2 = _binary_float(np.arctan2)
exp = _unary_float(np.exp)
exp2 = _unary_float(np.exp2)
expm1 = _unary_float(np.expm1)
log = _unary_float(np.log)
log2 = _unary_float(np.log2)
log10 = _unary_float(np.log10)
log1p = _unary_float(np.log1p)
sin = _unary_float(np.sin)
cos = _unary_float(np.cos)
tan = _unary_float(np.tan)
arcsin = _unary_float(np.arcsin)
arccos = _unary_float(np.arccos)
arctan = _unary_float(np.arctan)
sinh = _unary_float(np.sinh)
cosh = _unary_float(np.cosh)
tanh = _unary_float(np.tanh)
arcsinh = _unary_float(np.arcsinh)
arccosh = _unary_float(np.arccosh)
arctanh = _unary_float(np.arctanh)
sinc = _unary_float(np.sinc)
deg2rad = _unary_float(np.deg2rad)
rad2deg = _unary_float(np.rad2deg)
i0 = _unary_float(np.i0)


def vectorize(pyfunc, *, excluded=None, signature=None):
    vectorized = np.vectorize(pyfunc, excluded=excluded or set(), signature=signature)

    def call(*args, **kwargs):
        return _r(vectorized(*args, **kwargs))

    return call
