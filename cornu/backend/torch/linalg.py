"""PyTorch linear algebra (half-precision inputs are computed in float32)."""

import torch

from cornu.backend.torch.numpy import _float_input, _float_pair


def _compute(x):
    return x.to(torch.float32) if x.dtype in (torch.float16, torch.bfloat16) else x


def _back(out, like):
    return out.to(like.dtype)


def cholesky(x, upper=False):
    x = _float_input(x)
    return _back(torch.linalg.cholesky(_compute(x), upper=upper), x)


def cholesky_inverse(x, upper=False):
    x = _float_input(x)
    return _back(torch.cholesky_inverse(_compute(x), upper=upper), x)


def det(x):
    x = _float_input(x)
    return _back(torch.linalg.det(_compute(x)), x)


def eig(x):
    return torch.linalg.eig(_compute(_float_input(x)))


def eigh(x):
    x = _float_input(x)
    w, v = torch.linalg.eigh(_compute(x))
    return _back(w, x), _back(v, x)


def inv(x):
    x = _float_input(x)
    return _back(torch.linalg.inv(_compute(x)), x)


def jvp(fun, primals, tangents, has_aux=False):
    return torch.func.jvp(fun, tuple(primals), tuple(tangents), has_aux=has_aux)


def lstsq(a, b, rcond=None):
    a, b = _float_pair(a, b)
    vector = b.ndim == 1
    solution = torch.linalg.lstsq(_compute(a), _compute(b[:, None] if vector else b), rcond=rcond, driver="gelsd").solution
    return _back(solution[:, 0] if vector else solution, a)


def lu_factor(x):
    x = _float_input(x)
    lu, pivots = torch.linalg.lu_factor(_compute(x))
    return _back(lu, x), (pivots - 1).to(torch.int32)


def matrix_rank(x, tol=None):
    x = _float_input(x)
    return torch.linalg.matrix_rank(_compute(x), atol=tol, rtol=None if tol is None else 0.0).to(torch.int32)


def norm(x, ord=None, axis=None, keepdims=False):
    x = _float_input(x)
    if isinstance(axis, list):
        axis = tuple(axis)
    if axis is None and ord is None:
        out = torch.linalg.vector_norm(_compute(x))
        return _back(out.reshape((1,) * x.ndim) if keepdims else out, x)
    if isinstance(axis, tuple) and len(axis) == 2 or (axis is None and x.ndim == 2):
        ord = "fro" if ord is None else ord
        return _back(torch.linalg.matrix_norm(_compute(x), ord=ord, dim=axis or (-2, -1), keepdim=keepdims), x)
    return _back(torch.linalg.vector_norm(_compute(x), ord=2 if ord is None else ord, dim=axis, keepdim=keepdims), x)


def pinv(x, rcond=None):
    x = _float_input(x)
    return _back(torch.linalg.pinv(_compute(x), rtol=rcond), x)


def qr(x, mode="reduced"):
    if mode not in ("reduced", "complete"):
        raise ValueError(f"`mode` must be 'reduced' or 'complete'. Received: mode={mode!r}")
    x = _float_input(x)
    q, r = torch.linalg.qr(_compute(x), mode=mode)
    return _back(q, x), _back(r, x)


def solve(a, b):
    a, b = _float_pair(a, b)
    return _back(torch.linalg.solve(_compute(a), _compute(b)), a)


def solve_triangular(a, b, lower=False):
    a, b = _float_pair(a, b)
    vector = b.ndim == a.ndim - 1
    b2 = b[..., None] if vector else b
    out = torch.linalg.solve_triangular(_compute(a), _compute(b2), upper=not lower)
    return _back(out[..., 0] if vector else out, a)


def svd(x, full_matrices=True, compute_uv=True):
    x = _float_input(x)
    if not compute_uv:
        return _back(torch.linalg.svdvals(_compute(x)), x)
    u, s, vh = torch.linalg.svd(_compute(x), full_matrices=full_matrices)
    return _back(u, x), _back(s, x), _back(vh, x)
