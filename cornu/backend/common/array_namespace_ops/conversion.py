"""Input conversion and dtype promotion shared by the backends' NumPy-like ops.

Keras promotes dtypes the JAX way (weak Python scalars) on every backend: these helpers find the
common dtype with ``result_type`` and convert inputs with the backend's ``convert_to_tensor``.
"""

from types import SimpleNamespace

from cornu.backend.common.dtypes import result_type

_PYTHON_SCALARS = (int, float, bool, complex)


def axis_argument(axis):
    """An ``axis`` argument as array libraries take it: a list of axes becomes a tuple.

    Example:
    >>> axis_argument([0, 2]), axis_argument(1)
    ((0, 2), 1)
    """
    return tuple(axis) if isinstance(axis, list) else axis


def conversion_helpers(convert_to_tensor):
    """The dtype helpers over one backend's ``convert_to_tensor(x, dtype=None)``.

    Returns a namespace of:

    - ``dtype_of(x)``: ``x``'s dtype, or the Python type of a scalar (weak in ``result_type``);
    - ``promote(x1, x2)``: both inputs converted to their ``result_type``;
    - ``float_pair(x1, x2)``: the same, with at least a float result;
    - ``same_dtype(xs)``: a list of the inputs converted to their common dtype.

    Example:
    >>> import numpy as np
    >>> helpers = conversion_helpers(lambda x, dtype=None: np.asarray(x, dtype))
    >>> [a.dtype.name for a in helpers.promote(np.ones(2, "int8"), 2.0)]
    ['float32', 'float32']
    """

    def dtype_of(x):
        if hasattr(x, "dtype"):
            return x.dtype
        if isinstance(x, _PYTHON_SCALARS):
            return type(x)
        return convert_to_tensor(x).dtype

    def promote(x1, x2):
        dtype = result_type(dtype_of(x1), dtype_of(x2))
        return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)

    def float_pair(x1, x2):
        dtype = result_type(dtype_of(x1), dtype_of(x2), float)
        return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)

    def same_dtype(xs):
        dtype = result_type(*[dtype_of(x) for x in xs])
        return [convert_to_tensor(x, dtype) for x in xs]

    return SimpleNamespace(dtype_of=dtype_of, promote=promote, float_pair=float_pair, same_dtype=same_dtype)
