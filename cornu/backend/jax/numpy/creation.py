"""Array creation on JAX: ranges, fills, identity/triangular matrices, windows, grids.

Backs ``cornu.ops.numpy.creation``; re-exported by ``cornu.backend.jax.numpy``.
"""

import jax
import jax.numpy as jnp
import numpy as np

from cornu.backend.common.array_namespace_ops import install, names
from cornu.backend.common.array_namespace_ops.creation import creation_functions
from cornu.backend.common.dtypes import result_type, standardize_dtype
from cornu.backend.jax.core import convert_to_tensor
from cornu.backend.jax.numpy._common import _dtype_of, _t, _ts

__all__ = names.CREATION

# Diagonals, triangles, identity matrices, grids and windows: written once for NumPy and JAX in
# array_namespace_ops.creation.
install(globals(), creation_functions(jnp, _t, convert_to_tensor, to_dtype=standardize_dtype))


def vander(x, N=None, increasing=False):
    return jnp.vander(_t(x), N=N, increasing=increasing)


def zeros(shape, dtype=None):
    dtype = standardize_dtype(dtype)
    if _outside_traces(shape, dtype):
        return jax.device_put(np.zeros(shape, dtype=dtype))
    return jnp.zeros(shape, dtype=dtype)


def ones(shape, dtype=None):
    dtype = standardize_dtype(dtype)
    if _outside_traces(shape, dtype):
        return jax.device_put(np.ones(shape, dtype=dtype))
    return jnp.ones(shape, dtype=dtype)


def _outside_traces(shape, dtype):
    """Whether a constant array can be made by NumPy and copied over instead of by ``jnp``: eagerly
    (no trace running: inside one the array must stay an op of the traced function) and for a
    dtype JAX keeps as is. ``jnp.zeros`` compiles one XLA program per new shape (~20 ms each,
    for every optimizer slot and bias shape of a model); a copy compiles nothing."""
    if not _trace_state_clean():
        return False
    if not all(isinstance(d, int) for d in (shape if isinstance(shape, (tuple, list)) else (shape,))):
        return False
    return np.dtype(jnp.dtype(dtype)).itemsize <= 4 or jax.config.jax_enable_x64


def _trace_state_clean():
    try:
        from jax._src.core import trace_state_clean
    except ImportError:  # a JAX without it: always take the jnp path
        return False
    return trace_state_clean()


def empty(shape, dtype=None):
    return jnp.empty(shape, dtype=standardize_dtype(dtype))


def full(shape, fill_value, dtype=None):
    return jnp.full(shape, _ts(fill_value), dtype=standardize_dtype(dtype))


def _like_dtype(dtype):
    return None if dtype is None else standardize_dtype(dtype)


def zeros_like(x, dtype=None):
    return jnp.zeros_like(_t(x), dtype=_like_dtype(dtype))


def ones_like(x, dtype=None):
    return jnp.ones_like(_t(x), dtype=_like_dtype(dtype))


def empty_like(x, dtype=None):
    return jnp.empty_like(_t(x), dtype=_like_dtype(dtype))


def full_like(x, fill_value, dtype=None):
    return jnp.full_like(_t(x), _ts(fill_value), dtype=_like_dtype(dtype))


def arange(start, stop=None, step=None, dtype=None):
    if dtype is None:
        dtype = result_type(*[_dtype_of(v) for v in (start, stop, step) if v is not None])
    return jnp.arange(start, stop, step, dtype=standardize_dtype(dtype))


def _space_dtype(dtype, *values):
    if dtype is not None:
        return standardize_dtype(dtype)
    return result_type(*[_dtype_of(v) for v in values], float)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    dtype = _space_dtype(dtype, start, stop)
    return jnp.linspace(_ts(start), _ts(stop), num=num, endpoint=endpoint, retstep=retstep, dtype=dtype, axis=axis)


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    dtype = _space_dtype(dtype, start, stop)
    return jnp.logspace(_ts(start), _ts(stop), num=num, endpoint=endpoint, base=base, dtype=dtype, axis=axis)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    dtype = _space_dtype(dtype, start, stop)
    return jnp.geomspace(_ts(start), _ts(stop), num=num, endpoint=endpoint, dtype=dtype, axis=axis)
