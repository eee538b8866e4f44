"""JAX implementations of the NumPy-like ops.

``jax.numpy`` already promotes dtypes the way Keras does (weak Python scalars,
the JAX lattice), so most functions only convert non-JAX inputs (lists, NumPy
arrays, Variables) once and call ``jnp``. The few places where Keras departs
from ``jnp`` (integer inputs to float functions give floatx, integer counts
and indices are int32, ...) are spelled out.

The ops live in one file per concept, as in ``cornu.ops.numpy`` (which lists them); the code
that reads the same on NumPy is written once in ``cornu.backend.common.array_namespace_ops``.
Private helpers shared by them (and by ``math``, ``linalg``, ``nn``, ...) are in ``_common``.
"""

from cornu.backend.common.array_namespace_ops import names
from cornu.backend.jax.numpy._common import UNTRANSLATED_ERRORS, _float_input, _float_pair, _t  # noqa: F401
from cornu.backend.jax.numpy.arithmetic import *  # noqa: F401,F403
from cornu.backend.jax.numpy.creation import *  # noqa: F401,F403
from cornu.backend.jax.numpy.indexing import *  # noqa: F401,F403
from cornu.backend.jax.numpy.logic import *  # noqa: F401,F403
from cornu.backend.jax.numpy.math_functions import *  # noqa: F401,F403
from cornu.backend.jax.numpy.products import *  # noqa: F401,F403
from cornu.backend.jax.numpy.reductions import *  # noqa: F401,F403
from cornu.backend.jax.numpy.shape import *  # noqa: F401,F403

__all__ = list(names.ALL) + ["UNTRANSLATED_ERRORS"]
