"""Linear-algebra ops: ``cornu.ops.linalg``, also flattened into ``cornu.ops``.

Integer inputs are computed in floatx. Examples use ``ops`` for ``cornu.ops``.
"""

from cornu import backend
from cornu.ops.decorator import op

_b = backend.linalg


@op
def cholesky(x, upper=False):
    """Cholesky factor of a symmetric positive-definite matrix (lower, or upper if `upper`).

    Example: ``ops.cholesky([[4.0, 2.0], [2.0, 3.0]])``
    """
    return _b.cholesky(x, upper=upper)


@op
def cholesky_inverse(x, upper=False):
    """Inverse of the matrix whose Cholesky factor is `x`.

    Example: ``ops.cholesky_inverse(ops.cholesky(a))  # inv(a)``
    """
    return _b.cholesky_inverse(x, upper=upper)


@op
def det(x):
    """Determinant of a (batch of) square matrices. Example: ``ops.det([[2.0, 0.0], [0.0, 3.0]])  # 6.``"""
    return _b.det(x)


@op
def eig(x):
    """Eigenvalues and eigenvectors of a general square matrix. Example: ``w, v = ops.eig(a)``"""
    return _b.eig(x)


@op
def eigh(x):
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix.

    Example: ``w, v = ops.eigh([[2.0, 0.0], [0.0, 1.0]])``
    """
    return _b.eigh(x)


@op
def inv(x):
    """Inverse of a (batch of) square matrices.

    Example: ``ops.inv([[2.0, 0.0], [0.0, 4.0]])  # [[0.5, 0.], [0., 0.25]]``
    """
    return _b.inv(x)


def jvp(fun, primals, tangents, has_aux=False):
    """Jacobian-vector product of `fun` at `primals` along `tangents`: `(outputs, tangent_out)`.

    Example: ``ops.jvp(ops.sin, (x,), (ops.ones_like(x),))``
    """
    return _b.jvp(fun, primals, tangents, has_aux=has_aux)


@op
def lstsq(a, b, rcond=None):
    """Least-squares solution `x` of `a @ x = b`. Example: ``ops.lstsq([[1.0], [1.0]], [1.0, 3.0])  # [2.]``"""
    return _b.lstsq(a, b, rcond=rcond)


@op
def lu_factor(x):
    """LU factorization with partial pivoting: `(lu, pivots)` as in LAPACK (0-based pivots).

    Example: ``lu, piv = ops.lu_factor(a)``
    """
    return _b.lu_factor(x)


@op
def matrix_rank(x, tol=None):
    """Rank of a matrix (count of singular values above `tol`). Example: ``ops.matrix_rank(ops.eye(3))  # 3``"""
    return _b.matrix_rank(x, tol=tol)


@op
def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm of `x` over `axis` (`ord` as in NumPy). Example: ``ops.norm([3.0, 4.0])  # 5.``"""
    return _b.norm(x, ord=ord, axis=axis, keepdims=keepdims)


@op
def pinv(x, rcond=None):
    """Moore-Penrose pseudo-inverse. Example: ``ops.pinv([[2.0, 0.0], [0.0, 0.0]])  # [[0.5, 0.], [0., 0.]]``"""
    return _b.pinv(x, rcond=rcond)


@op
def qr(x, mode='reduced'):
    """QR decomposition: `(q, r)` (`mode` 'reduced' or 'complete'). Example: ``q, r = ops.qr(a)``"""
    return _b.qr(x, mode=mode)


@op
def solve(a, b):
    """Solves `a @ x = b` for `x`. Example: ``ops.solve([[2.0, 0.0], [0.0, 4.0]], [2.0, 4.0])  # [1., 1.]``"""
    return _b.solve(a, b)


@op
def solve_triangular(a, b, lower=False):
    """Solves `a @ x = b` for a triangular `a` (upper unless `lower`).

    Example: ``ops.solve_triangular([[2.0, 1.0], [0.0, 1.0]], [3.0, 1.0])  # [1., 1.]``
    """
    return _b.solve_triangular(a, b, lower=lower)


@op
def svd(x, full_matrices=True, compute_uv=True):
    """Singular value decomposition `(u, s, vh)` (only `s` if not `compute_uv`). Example: ``u, s, vh = ops.svd(a)``"""
    return _b.svd(x, full_matrices=full_matrices, compute_uv=compute_uv)


__all__ = [n for n, v in list(globals().items()) if callable(v) and getattr(v, "__module__", None) == __name__ and not n.startswith("_")]
