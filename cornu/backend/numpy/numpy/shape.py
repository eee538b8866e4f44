"""Shape manipulation on NumPy: reshaping, transposing, joining, splitting, padding, tiling.

Backs ``cornu.ops.numpy.shape``; re-exported by ``cornu.backend.numpy.numpy``.
"""

import numpy as np

from cornu.backend.common.array_namespace_ops import install, names
from cornu.backend.common.array_namespace_ops.shape import shape_functions
from cornu.backend.numpy.core import to_numpy_dtype
from cornu.backend.numpy.numpy._common import _promote, _same_dtype, _t

__all__ = names.SHAPE

# All but ``repeat``: written once for NumPy and JAX in array_namespace_ops.shape.
install(globals(), shape_functions(np, _t, _promote, _same_dtype, to_dtype=to_numpy_dtype))


def repeat(x, repeats, axis=None):
    # NumPy takes per-element repeats as an array (a list of them converts like any input).
    return np.repeat(_t(x), repeats if isinstance(repeats, int) else _t(repeats), axis=axis)
