"""JAX implementations of the NumPy-like ops.

``jax.numpy`` already promotes dtypes the way Keras does (weak Python scalars,
the JAX lattice), so most functions only convert non-JAX inputs (lists, NumPy
arrays, Variables) once and call ``jnp``. The few places where Keras departs
from ``jnp`` (integer inputs to float functions give floatx, integer counts
and indices are int32, ...) are spelled out.

The ops live in one file per concept, as in ``cornu.ops.numpy``:

- ``arithmetic``: sums, products, quotients, powers, rounding, signs and complex parts
- ``math_functions``: exponentials, logarithms, trigonometry, and ``vectorize``
- ``logic``: comparisons, logical and bitwise ops, element-wise tests
- ``reductions``: sums, means, extrema, statistics, cumulative ops, histograms
- ``shape``: reshaping, transposing, joining, splitting, padding, tiling
- ``creation``: ranges, fills, identity/triangular matrices, windows, grids
- ``indexing``: gathering, selecting, searching, sorting
- ``products``: matrix products, contractions, correlation

Private helpers shared by them (and by ``math``, ``linalg``, ``nn``, ...) are in ``_common``.
"""

from cornu.backend.jax.numpy import arithmetic, creation, indexing, logic, math_functions, products, reductions, shape
from cornu.backend.jax.numpy._common import UNTRANSLATED_ERRORS, _float_input, _float_pair, _t  # noqa: F401
from cornu.backend.jax.numpy.arithmetic import *  # noqa: F401,F403
from cornu.backend.jax.numpy.creation import *  # noqa: F401,F403
from cornu.backend.jax.numpy.indexing import *  # noqa: F401,F403
from cornu.backend.jax.numpy.logic import *  # noqa: F401,F403
from cornu.backend.jax.numpy.math_functions import *  # noqa: F401,F403
from cornu.backend.jax.numpy.products import *  # noqa: F401,F403
from cornu.backend.jax.numpy.reductions import *  # noqa: F401,F403
from cornu.backend.jax.numpy.shape import *  # noqa: F401,F403

_PARTS = (arithmetic, creation, indexing, logic, math_functions, products, reductions, shape)
__all__ = sorted(name for part in _PARTS for name in part.__all__) + ["UNTRANSLATED_ERRORS"]
