"""Products on NumPy: matrix products, contractions, correlation.

Backs ``cornu.ops.numpy.products``; re-exported by ``cornu.backend.numpy.numpy``.
"""

import numpy as np

from cornu.backend.common.array_namespace_ops import names
from cornu.backend.numpy.numpy._common import _float_input, _float_pair, _promote, _r, _same_dtype

__all__ = names.PRODUCTS


def _int8_to_int32(x1, x2):
    if x1.dtype == np.int8 and x2.dtype == np.int8:
        return x1.astype(np.int32), x2.astype(np.int32)
    return x1, x2


def matmul(x1, x2):
    x1, x2 = _int8_to_int32(*_promote(x1, x2))
    return _r(np.matmul(x1, x2), dtype=x1.dtype)


def dot(x1, x2):
    x1, x2 = _promote(x1, x2)
    return _r(np.dot(x1, x2))


def vdot(x1, x2):
    x1, x2 = _promote(x1, x2)
    return _r(np.vdot(x1, x2))


def inner(x1, x2):
    x1, x2 = _promote(x1, x2)
    return _r(np.inner(x1, x2))


def outer(x1, x2):
    x1, x2 = _promote(x1, x2)
    return _r(np.outer(x1, x2))


def tensordot(x1, x2, axes=2):
    x1, x2 = _promote(x1, x2)
    return _r(np.tensordot(x1, x2, axes=axes))


def einsum(subscripts, *operands, **kwargs):
    operands = _same_dtype(operands)
    if operands and operands[0].dtype == np.int8:
        operands = [o.astype(np.int32) for o in operands]
    dtype = operands[0].dtype if operands else None
    if dtype is not None and dtype.name == "bfloat16":
        operands = [o.astype(np.float32) for o in operands]
    return _r(np.einsum(subscripts, *operands, **kwargs), dtype=dtype)


def kron(x1, x2):
    x1, x2 = _promote(x1, x2)
    return _r(np.kron(x1, x2))


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    x1, x2 = _promote(x1, x2)
    return _r(np.cross(x1, x2, axisa=axisa, axisb=axisb, axisc=axisc, axis=axis))


def slogdet(x):
    x = _float_input(x)
    sign, logdet = np.linalg.slogdet(x)
    return _r(sign, dtype=x.dtype), _r(logdet, dtype=x.dtype)


def correlate(x1, x2, mode="valid"):
    x1, x2 = _float_pair(x1, x2)
    return _r(np.correlate(x1, x2, mode=mode), dtype=x1.dtype)


def corrcoef(x):
    x = _float_input(x)
    return _r(np.corrcoef(x), dtype=x.dtype)
