"""Private helpers shared by the JAX implementations of the NumPy-like ops: input
conversion, dtype promotion, op factories, and the errors ops let through unchanged.

Other backend modules import ``_t``/``_float_input``/... through ``cornu.backend.jax.numpy``.
"""

import jax
import jax.numpy as jnp

from cornu.backend import config
from cornu.backend.common.dtypes import result_type
from cornu.backend.jax.core import convert_to_tensor


_SCALARS = (int, float, bool, complex)


# Raised while tracing or running (a tracer used as a Python value, out of memory):
# ops let these through unchanged instead of re-explaining them.
UNTRANSLATED_ERRORS = (jax.errors.JAXTypeError, jax.errors.JAXIndexError, jax.errors.JaxRuntimeError)


def _t(x):
    """Converts ``x`` to a JAX array (no-op for arrays)."""
    return x if isinstance(x, jax.Array) else convert_to_tensor(x)


def _ts(x):
    """Like :func:`_t` but keeps Python scalars weak, as ``jnp`` expects."""
    return x if isinstance(x, (jax.Array,) + _SCALARS) else convert_to_tensor(x)


def _dtype_of(x):
    if hasattr(x, "dtype"):
        return x.dtype
    if isinstance(x, (int, float, bool, complex)):
        return type(x)
    return convert_to_tensor(x).dtype


def _promote(x1, x2):
    dtype = result_type(_dtype_of(x1), _dtype_of(x2))
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def _float_input(x):
    x = _t(x)
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        x = x.astype(config.floatx())
    return x


def _float_pair(x1, x2):
    dtype = result_type(_dtype_of(x1), _dtype_of(x2), float)
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _unary_float(fn):
    def apply(x):
        return fn(_float_input(x))

    apply.__name__ = fn.__name__
    return apply


def _same_dtype(xs):
    dtype = result_type(*[_dtype_of(x) for x in xs])
    return [convert_to_tensor(x, dtype) for x in xs]
