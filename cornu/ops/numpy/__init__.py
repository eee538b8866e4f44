"""NumPy-like ops: ``cornu.ops.numpy``, also flattened into ``cornu.ops``.

Each op is one plain function with Keras's exact signature that calls the
backend; ``@op`` (``cornu/ops/decorator.py``) makes it work on symbolic tensors and
gives clear errors. The ops live in one file per concept:

- ``arithmetic``: element-wise arithmetic, rounding, signs, complex parts
- ``math_functions``: exponentials, logarithms, trigonometry, ``vectorize``
- ``logic``: comparisons, logical and bitwise ops, element-wise tests
- ``reductions``: sums, means, extrema, statistics, cumulative ops, histograms
- ``shape``: reshaping, transposing, joining, splitting, padding, tiling
- ``creation``: ranges, fills, identity/triangular matrices, windows, grids
- ``indexing``: gathering, selecting, searching, sorting
- ``products``: matrix products, contractions, correlation

Example: ``cornu.ops.numpy.add([1, 2], 3)  # [4, 5]``
"""

from cornu.ops.numpy import arithmetic, creation, indexing, logic, math_functions, products, reductions, shape
from cornu.ops.numpy.arithmetic import *  # noqa: F401,F403
from cornu.ops.numpy.arithmetic import abs, round  # noqa: F401  (shadow builtins on purpose, as Keras does)
from cornu.ops.numpy.creation import *  # noqa: F401,F403
from cornu.ops.numpy.indexing import *  # noqa: F401,F403
from cornu.ops.numpy.logic import *  # noqa: F401,F403
from cornu.ops.numpy.math_functions import *  # noqa: F401,F403
from cornu.ops.numpy.products import *  # noqa: F401,F403
from cornu.ops.numpy.reductions import *  # noqa: F401,F403
from cornu.ops.numpy.reductions import all, any, max, min, sum  # noqa: F401  (shadow builtins on purpose)
from cornu.ops.numpy.shape import *  # noqa: F401,F403

_PARTS = (arithmetic, creation, indexing, logic, math_functions, products, reductions, shape)
__all__ = sorted(name for part in _PARTS for name in part.__all__)

# Graph configs name an op by its public module (``keras.src.ops.numpy.Add``), not by the file it lives in.
for _name in __all__:
    globals()[_name].__module__ = __name__
del _name
