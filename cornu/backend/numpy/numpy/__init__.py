"""NumPy implementations of the NumPy-like ops.

NumPy's own promotion differs from Keras's (``int32 + float16`` is float64
there, float16 in Keras), so binary ops first bring both inputs to
``result_type``; results are always ndarrays (never NumPy scalars), so a
float64 result keeps its dtype when it is converted again.

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

from cornu.backend.numpy.numpy import arithmetic, creation, indexing, logic, math_functions, products, reductions, shape
from cornu.backend.numpy.numpy._common import UNTRANSLATED_ERRORS, _float_input, _float_pair, _r, _t  # noqa: F401
from cornu.backend.numpy.numpy.arithmetic import *  # noqa: F401,F403
from cornu.backend.numpy.numpy.creation import *  # noqa: F401,F403
from cornu.backend.numpy.numpy.indexing import *  # noqa: F401,F403
from cornu.backend.numpy.numpy.logic import *  # noqa: F401,F403
from cornu.backend.numpy.numpy.math_functions import *  # noqa: F401,F403
from cornu.backend.numpy.numpy.products import *  # noqa: F401,F403
from cornu.backend.numpy.numpy.reductions import *  # noqa: F401,F403
from cornu.backend.numpy.numpy.shape import *  # noqa: F401,F403

_PARTS = (arithmetic, creation, indexing, logic, math_functions, products, reductions, shape)
__all__ = sorted(name for part in _PARTS for name in part.__all__) + ["UNTRANSLATED_ERRORS"]
