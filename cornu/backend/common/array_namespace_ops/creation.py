"""Array creation over an array namespace: diagonals, triangles, identity matrices, grids, windows.

Bound by ``cornu.backend.jax.numpy.creation`` and ``cornu.backend.numpy.numpy.creation``, which
keep the fills, ranges and ``*_like`` functions (their dtype rules differ between the libraries).
"""

from cornu.backend import config
from cornu.backend.common.array_namespace_ops import names, public


def creation_functions(xp, to_array, convert_to_tensor, to_dtype):
    """The creation ops that read the same on every array namespace, keyed by name.

    ``to_array(x)`` converts an input to the backend's array type, ``convert_to_tensor(x, dtype)``
    is the backend's conversion and ``to_dtype(dtype)`` gives the dtype ``xp`` expects (``None``:
    floatx).

    Example:
    >>> import numpy as np
    >>> fns = creation_functions(np, np.asarray, np.asarray, lambda d: np.dtype(d or "float32"))
    >>> fns["tri"](2).tolist()
    [[1.0, 0.0], [1.0, 1.0]]
    """

    def diag(x, k=0):
        return xp.diag(to_array(x), k=k)

    def diagflat(x, k=0):
        return xp.diagflat(to_array(x), k=k)

    def tril(x, k=0):
        return xp.tril(to_array(x), k=k)

    def triu(x, k=0):
        return xp.triu(to_array(x), k=k)

    def copy(x):
        return xp.array(to_array(x), copy=True)

    def array(x, dtype=None):
        return convert_to_tensor(x, dtype=dtype)

    def eye(N, M=None, k=0, dtype=None):
        return xp.eye(N, M, k=k, dtype=to_dtype(dtype))

    def identity(n, dtype=None):
        return xp.identity(n, dtype=to_dtype(dtype))

    def tri(N, M=None, k=0, dtype=None):
        return xp.tri(N, M, k=k, dtype=to_dtype(dtype))

    def meshgrid(*x, indexing="xy"):
        return xp.meshgrid(*[to_array(v) for v in x], indexing=indexing)

    def window(fn):
        def make(x):
            return fn(int(x)).astype(to_dtype(config.floatx()))

        make.__name__ = fn.__name__
        return make

    bartlett, blackman, hamming, hanning = (window(xp.bartlett), window(xp.blackman), window(xp.hamming),
                                            window(xp.hanning))

    def kaiser(x, beta):
        return xp.kaiser(int(x), beta).astype(to_dtype(config.floatx()))

    return public(locals(), names.CREATION)
