"""Indexing and sorting over an array namespace: diagonals, sorting, non-zero positions, ``where``.

Bound by ``cornu.backend.jax.numpy.indexing`` and ``cornu.backend.numpy.numpy.indexing``, which keep
gathering and searching (JAX clips out-of-range indices, NumPy has to be told to).
"""

from cornu.backend.common.array_namespace_ops import names, public


def check_sorted_sequence(sorted_sequence):
    """Raises unless ``sorted_sequence`` (an array) is 1-D, as ``searchsorted`` needs.

    Example:
    >>> import numpy as np
    >>> check_sorted_sequence(np.arange(3))
    """
    if sorted_sequence.ndim != 1:
        raise ValueError(
            "searchsorted only supports a 1-D `sorted_sequence`; use `vectorized_map` for more "
            f"dimensions. Received: sorted_sequence.shape={sorted_sequence.shape}"
        )


def indexing_functions(xp, to_array, where_operands):
    """The indexing ops that read the same on every array namespace, keyed by name.

    ``to_array(x)`` converts an input to the backend's array type; ``where_operands(x1, x2)``
    prepares the two value inputs of ``where`` (promoted, or left weak where ``xp`` promotes).

    Example:
    >>> import numpy as np
    >>> fns = indexing_functions(np, np.asarray, lambda a, b: (a, b))
    >>> fns["nonzero"]([0, 3, 0, 4])
    (array([1, 3], dtype=int32),)
    """

    def diagonal(x, offset=0, axis1=0, axis2=1):
        return xp.diagonal(to_array(x), offset=offset, axis1=axis1, axis2=axis2)

    def where(condition, x1=None, x2=None):
        condition = to_array(condition)
        if x1 is None and x2 is None:
            return nonzero(condition)
        if x1 is None or x2 is None:
            raise ValueError("where: give both `x1` and `x2`, or neither. Received: one of them is None.")
        x1, x2 = where_operands(x1, x2)
        return xp.where(condition, x1, x2)

    def nonzero(x):
        return tuple(i.astype("int32") for i in xp.nonzero(to_array(x)))

    def sort(x, axis=-1):
        return xp.sort(to_array(x), axis=axis)

    return public(locals(), names.INDEXING)
