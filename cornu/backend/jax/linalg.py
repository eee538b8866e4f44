"""JAX linear algebra."""

import jax
import jax.numpy as jnp
import jax.scipy as jsp

from cornu.backend.jax.numpy import _float_input, _float_pair


def cholesky(x, upper=False):
    out = jnp.linalg.cholesky(_float_input(x))
    return jnp.swapaxes(out, -1, -2).conj() if upper else out


def cholesky_inverse(x, upper=False):
    factor = _float_input(x)
    lower = jnp.swapaxes(factor, -1, -2).conj() if upper else factor
    eye = jnp.broadcast_to(jnp.eye(lower.shape[-1], dtype=lower.dtype), lower.shape)
    inverse_lower = jsp.linalg.solve_triangular(lower, eye, lower=True)
    return jnp.swapaxes(inverse_lower, -1, -2).conj() @ inverse_lower


def det(x):
    return jnp.linalg.det(_float_input(x))


def eig(x):
    return jnp.linalg.eig(_float_input(x))


def eigh(x):
    return jnp.linalg.eigh(_float_input(x))


def inv(x):
    return jnp.linalg.inv(_float_input(x))


def jvp(fun, primals, tangents, has_aux=False):
    return jax.jvp(fun, primals, tangents, has_aux=has_aux)


def lstsq(a, b, rcond=None):
    a, b = _float_pair(a, b)
    return jnp.linalg.lstsq(a, b, rcond=rcond)[0]


def lu_factor(x):
    lu, pivots = jsp.linalg.lu_factor(_float_input(x))
    return lu, pivots.astype("int32")


def matrix_rank(x, tol=None):
    x = _float_input(x)
    if tol is None:
        return jnp.linalg.matrix_rank(x).astype("int32")
    return jnp.sum(jnp.linalg.svd(x, compute_uv=False) > tol, axis=-1).astype("int32")


def norm(x, ord=None, axis=None, keepdims=False):
    x = _float_input(x)
    if isinstance(axis, list):
        axis = tuple(axis)
    return jnp.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)


def pinv(x, rcond=None):
    x = _float_input(x)
    return jnp.linalg.pinv(x) if rcond is None else jnp.linalg.pinv(x, rtol=rcond)


def qr(x, mode="reduced"):
    if mode not in ("reduced", "complete"):
        raise ValueError(f"`mode` must be 'reduced' or 'complete'. Received: mode={mode!r}")
    return jnp.linalg.qr(_float_input(x), mode=mode)


def solve(a, b):
    a, b = _float_pair(a, b)
    return jnp.linalg.solve(a, b)


def solve_triangular(a, b, lower=False):
    a, b = _float_pair(a, b)
    return jsp.linalg.solve_triangular(a, b, lower=lower)


def svd(x, full_matrices=True, compute_uv=True):
    return jnp.linalg.svd(_float_input(x), full_matrices=full_matrices, compute_uv=compute_uv)
