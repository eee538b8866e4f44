"""Products of tensors: matrix products, contractions, outer/Kronecker products, correlation.

Part of ``cornu.ops.numpy`` (also flattened into ``cornu.ops``); examples use ``ops``
for ``cornu.ops``.
"""

from cornu import backend
from cornu.ops.decorator import op

_b = backend.numpy


@op
def corrcoef(x):
    """Pearson correlation coefficients of the rows of `x`.

    Example: ``ops.corrcoef([[1.0, 2.0], [2.0, 4.0]])  # [[1., 1.], [1., 1.]]``
    """
    return _b.corrcoef(x)


@op
def correlate(x1, x2, mode='valid'):
    """Cross-correlation of two 1-D sequences (`mode`: 'valid', 'same' or 'full').

    Example: ``ops.correlate([1.0, 2.0, 3.0], [0.0, 1.0])  # [2., 3.]``
    """
    return _b.correlate(x1, x2, mode=mode)


@op
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 3-vectors (or 2-vectors) along the given axes.

    Example: ``ops.cross([1, 0, 0], [0, 1, 0])  # [0, 0, 1]``
    """
    return _b.cross(x1, x2, axisa=axisa, axisb=axisb, axisc=axisc, axis=axis)


@op
def dot(x1, x2):
    """Dot product with NumPy semantics. Example: ``ops.dot([1, 2], [3, 4])  # 11``"""
    return _b.dot(x1, x2)


@op
def einsum(subscripts, *operands, **kwargs):
    """Einstein summation, e.g. `einsum('ij,jk->ik', a, b)`. Example: ``ops.einsum('i,i->', [1, 2], [3, 4])  # 11``"""
    return _b.einsum(subscripts, *operands, **kwargs)


@op
def inner(x1, x2):
    """Inner product over the last axes. Example: ``ops.inner([1, 2], [3, 4])  # 11``"""
    return _b.inner(x1, x2)


@op
def kron(x1, x2):
    """Kronecker product. Example: ``ops.kron([1, 2], [1, 1])  # [1, 1, 2, 2]``"""
    return _b.kron(x1, x2)


@op
def matmul(x1, x2):
    """Matrix product with NumPy broadcasting rules (int8 x int8 gives int32).

    Example: ``ops.matmul([[1, 2]], [[3], [4]])  # [[11]]``
    """
    return _b.matmul(x1, x2)


@op
def outer(x1, x2):
    """Outer product of the flattened `x1` and `x2`. Example: ``ops.outer([1, 2], [3, 4])  # [[3, 4], [6, 8]]``"""
    return _b.outer(x1, x2)


@op
def slogdet(x):
    """Sign and natural log of the absolute determinant: `(sign, logabsdet)`.

    Example: ``ops.slogdet([[2.0, 0.0], [0.0, 3.0]])  # (1., 1.7918)``
    """
    return _b.slogdet(x)


@op
def tensordot(x1, x2, axes=2):
    """Tensor contraction over `axes`. Example: ``ops.tensordot([1, 2], [3, 4], axes=1)  # 11``"""
    return _b.tensordot(x1, x2, axes=axes)


@op
def vdot(x1, x2):
    """Dot product of the flattened inputs (conjugating the first). Example: ``ops.vdot([1, 2], [3, 4])  # 11``"""
    return _b.vdot(x1, x2)


__all__ = [n for n, v in list(globals().items()) if callable(v) and getattr(v, "__module__", None) == __name__ and not n.startswith("_")]
