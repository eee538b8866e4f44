"""Private helpers shared by the JAX implementations of the NumPy-like ops: input
conversion, dtype promotion, op factories, and the errors ops let through unchanged.

Other backend modules import ``_t``/``_float_input``/... through ``cornu.backend.jax.numpy``.
"""

import jax
import jax.numpy as jnp

from cornu.backend import config
from cornu.backend.common.array_namespace_ops.conversion import axis_argument as _axis  # noqa: F401
from cornu.backend.common.array_namespace_ops.conversion import conversion_helpers
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


_conversion = conversion_helpers(convert_to_tensor)
_dtype_of = _conversion.dtype_of
_promote = _conversion.promote
_float_pair = _conversion.float_pair
_same_dtype = _conversion.same_dtype


def _float_input(x):
    x = _t(x)
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        x = x.astype(config.floatx())
    return x


def _unary_float(fn):
    def apply(x):
        return fn(_float_input(x))

    apply.__name__ = fn.__name__
    return apply
