"""PyTorch implementations of the NumPy-like ops.

torch treats 0-d tensors as weak in promotion and has no uint32 kernels, so
binary ops bring both inputs to Keras's ``result_type`` first (with fast paths
for the common same-dtype and tensor-with-Python-float cases), and reductions
pick their accumulation dtype explicitly.

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

from cornu.backend.torch.numpy import arithmetic, creation, indexing, logic, math_functions, products, reductions, shape
from cornu.backend.torch.numpy._common import UNTRANSLATED_ERRORS, _float_input, _float_pair, _t  # noqa: F401
from cornu.backend.torch.numpy.arithmetic import *  # noqa: F401,F403
from cornu.backend.torch.numpy.creation import *  # noqa: F401,F403
from cornu.backend.torch.numpy.indexing import *  # noqa: F401,F403
from cornu.backend.torch.numpy.logic import *  # noqa: F401,F403
from cornu.backend.torch.numpy.math_functions import *  # noqa: F401,F403
from cornu.backend.torch.numpy.products import *  # noqa: F401,F403
from cornu.backend.torch.numpy.reductions import *  # noqa: F401,F403
from cornu.backend.torch.numpy.shape import *  # noqa: F401,F403

_PARTS = (arithmetic, creation, indexing, logic, math_functions, products, reductions, shape)
__all__ = sorted(name for part in _PARTS for name in part.__all__) + ["UNTRANSLATED_ERRORS"]
