"""Shape manipulation on JAX: reshaping, transposing, joining, splitting, padding, tiling.

Backs ``cornu.ops.numpy.shape``; re-exported by ``cornu.backend.jax.numpy``.
"""

import jax.numpy as jnp

from cornu.backend.common.array_namespace_ops import install, names
from cornu.backend.common.array_namespace_ops.shape import shape_functions
from cornu.backend.common.dtypes import standardize_dtype
from cornu.backend.jax.numpy._common import _promote, _same_dtype, _t

__all__ = names.SHAPE

# All but ``repeat``: written once for NumPy and JAX in array_namespace_ops.shape.
install(globals(), shape_functions(jnp, _t, _promote, _same_dtype, to_dtype=standardize_dtype))


def repeat(x, repeats, axis=None):
    return jnp.repeat(_t(x), repeats, axis=axis)
