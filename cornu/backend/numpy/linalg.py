"""NumPy linear algebra (half-precision inputs are computed in float32)."""

import numpy as np

from cornu.backend.numpy.numpy import _float_input, _float_pair, _r


def _compute(x):
    return x.astype(np.float32) if x.dtype.name in ("float16", "bfloat16") else x


def _back(out, like):
    return _r(out).astype(like.dtype)


def cholesky(x, upper=False):
    x = _float_input(x)
    out = np.linalg.cholesky(_compute(x))
    return _back(np.swapaxes(out, -1, -2).conj() if upper else out, x)


def cholesky_inverse(x, upper=False):
    x = _float_input(x)
    factor = _compute(x)
    lower = np.swapaxes(factor, -1, -2).conj() if upper else factor
    inverse_lower = np.linalg.inv(lower)
    return _back(np.swapaxes(inverse_lower, -1, -2).conj() @ inverse_lower, x)


def det(x):
    x = _float_input(x)
    return _back(np.linalg.det(_compute(x)), x)


def eig(x):
    x = _float_input(x)
    w, v = np.linalg.eig(_compute(x))
    return w, v


def eigh(x):
    x = _float_input(x)
    w, v = np.linalg.eigh(_compute(x))
    return _back(w, x), _back(v, x)


def inv(x):
    x = _float_input(x)
    return _back(np.linalg.inv(_compute(x)), x)


def jvp(fun, primals, tangents, has_aux=False):
    raise NotImplementedError("jvp needs automatic differentiation, which the numpy backend does not have.")


def lstsq(a, b, rcond=None):
    a, b = _float_pair(a, b)
    return _back(np.linalg.lstsq(_compute(a), _compute(b), rcond=rcond)[0], a)


def lu_factor(x):
    """Partial-pivot LU in LAPACK's packed form: (LU, pivots) with 0-based row swaps."""
    x = _float_input(x)
    lu = _compute(x).astype(np.float64 if x.dtype == np.float64 else np.float32, copy=True)
    batch, (n, m) = lu.shape[:-2], lu.shape[-2:]
    flat = lu.reshape((-1, n, m))
    pivots = np.zeros((flat.shape[0], min(n, m)), np.int32)
    for b in range(flat.shape[0]):
        a = flat[b]
        for k in range(min(n, m)):
            p = k + int(np.argmax(np.abs(a[k:, k])))
            pivots[b, k] = p
            if p != k:
                a[[k, p]] = a[[p, k]]
            if a[k, k] != 0:
                a[k + 1 :, k] /= a[k, k]
                a[k + 1 :, k + 1 :] -= np.outer(a[k + 1 :, k], a[k, k + 1 :])
    return _back(flat.reshape(lu.shape), x), pivots.reshape(batch + (min(n, m),))


def matrix_rank(x, tol=None):
    x = _float_input(x)
    return _r(np.linalg.matrix_rank(_compute(x), tol=tol)).astype(np.int32)


def norm(x, ord=None, axis=None, keepdims=False):
    x = _float_input(x)
    if isinstance(axis, list):
        axis = tuple(axis)
    if axis is None and ord is None:
        out = np.sqrt(np.sum(np.square(_compute(x))))
        return _back(out.reshape((1,) * x.ndim) if keepdims else out, x)
    return _back(np.linalg.norm(_compute(x), ord=ord, axis=axis, keepdims=keepdims), x)


def pinv(x, rcond=None):
    x = _float_input(x)
    return _back(np.linalg.pinv(_compute(x)) if rcond is None else np.linalg.pinv(_compute(x), rcond=rcond), x)


def qr(x, mode="reduced"):
    if mode not in ("reduced", "complete"):
        raise ValueError(f"`mode` must be 'reduced' or 'complete'. Received: mode={mode!r}")
    x = _float_input(x)
    q, r = np.linalg.qr(_compute(x), mode=mode)
    return _back(q, x), _back(r, x)


def solve(a, b):
    a, b = _float_pair(a, b)
    return _back(np.linalg.solve(_compute(a), _compute(b)), a)


def solve_triangular(a, b, lower=False):
    a, b = _float_pair(a, b)
    a = np.tril(a) if lower else np.triu(a)
    return _back(np.linalg.solve(_compute(a), _compute(b)), b)


def svd(x, full_matrices=True, compute_uv=True):
    x = _float_input(x)
    out = np.linalg.svd(_compute(x), full_matrices=full_matrices, compute_uv=compute_uv)
    if not compute_uv:
        return _back(out, x)
    return tuple(_back(o, x) for o in out)
