"""Array creation on NumPy: ranges, fills, identity/triangular matrices, windows, grids.

Backs ``cornu.ops.numpy.creation``; re-exported by ``cornu.backend.numpy.numpy``.
"""

import numpy as np

from cornu.backend.common.array_namespace_ops import install, names
from cornu.backend.common.array_namespace_ops.creation import creation_functions
from cornu.backend.common.dtypes import result_type, standardize_dtype
from cornu.backend.numpy.core import convert_to_tensor, to_numpy_dtype
from cornu.backend.numpy.numpy._common import _dtype_of, _r, _t

__all__ = names.CREATION

# Diagonals, triangles, identity matrices, grids and windows: written once for NumPy and JAX in
# array_namespace_ops.creation.
install(globals(), creation_functions(np, _t, convert_to_tensor, to_dtype=to_numpy_dtype))


def vander(x, N=None, increasing=False):
    x = _t(x)
    return _r(np.vander(x, N=N, increasing=increasing), dtype=x.dtype)


def zeros(shape, dtype=None):
    return np.zeros(shape, dtype=to_numpy_dtype(dtype))


def ones(shape, dtype=None):
    return np.ones(shape, dtype=to_numpy_dtype(dtype))


def empty(shape, dtype=None):
    return np.zeros(shape, dtype=to_numpy_dtype(dtype))


def full(shape, fill_value, dtype=None):
    dtype = standardize_dtype(dtype)
    return np.full(shape, convert_to_tensor(fill_value, dtype), dtype=to_numpy_dtype(dtype))


def _like(fn, x, dtype, *args):
    x = _t(x)
    return fn(x, *args, dtype=x.dtype if dtype is None else to_numpy_dtype(dtype))


def zeros_like(x, dtype=None):
    return _like(np.zeros_like, x, dtype)


def ones_like(x, dtype=None):
    return _like(np.ones_like, x, dtype)


def empty_like(x, dtype=None):
    return _like(np.zeros_like, x, dtype)


def full_like(x, fill_value, dtype=None):
    return _like(np.full_like, x, dtype, fill_value)


def arange(start, stop=None, step=None, dtype=None):
    if dtype is None:
        dtype = result_type(*[_dtype_of(v) for v in (start, stop, step) if v is not None])
    if stop is None:
        start, stop = 0, start
    return np.arange(start, stop, 1 if step is None else step, dtype=to_numpy_dtype(dtype))


def _space_dtype(dtype, *values):
    if dtype is not None:
        return to_numpy_dtype(dtype)
    return to_numpy_dtype(result_type(*[_dtype_of(v) for v in values], float))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    dtype = _space_dtype(dtype, start, stop)
    out = np.linspace(_t(start), _t(stop), num=num, endpoint=endpoint, retstep=retstep, axis=axis)
    if retstep:
        return out[0].astype(dtype), _r(out[1], dtype=dtype)
    return out.astype(dtype)


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    dtype = _space_dtype(dtype, start, stop)
    return np.logspace(_t(start), _t(stop), num=num, endpoint=endpoint, base=base, axis=axis).astype(dtype)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    dtype = _space_dtype(dtype, start, stop)
    return np.geomspace(_t(start), _t(stop), num=num, endpoint=endpoint, axis=axis).astype(dtype)
