"""Reductions over an array namespace: differences and histograms.

Bound by ``cornu.backend.jax.numpy.reductions`` and ``cornu.backend.numpy.numpy.reductions``, which
keep the reductions themselves (NumPy needs its dtypes, scalars and NaN warnings handled by hand).
"""

from cornu.backend.common.array_namespace_ops import names, public


def check_dense_bincount(sparse):
    """Raises for ``sparse=True``: ``bincount`` only gives dense counts.

    Example:
    >>> check_dense_bincount(False)
    """
    if sparse:
        raise ValueError("bincount: sparse outputs are not supported by cornu. Pass sparse=False.")


def reduction_functions(xp, to_array):
    """The reductions that read the same on every array namespace, keyed by name.

    ``to_array(x)`` converts an input to the backend's array type.

    Example:
    >>> import numpy as np
    >>> fns = reduction_functions(np, np.asarray)
    >>> fns["diff"]([1, 4, 9]).tolist()
    [3, 5]
    """

    def diff(a, n=1, axis=-1):
        return xp.diff(to_array(a), n=n, axis=axis)

    def histogram(x, bins=10, range=None):
        x = to_array(x)
        hist, edges = xp.histogram(x, bins=bins, range=range)
        return hist.astype(x.dtype), edges.astype(x.dtype)

    return public(locals(), names.REDUCTIONS)
