"""NumPy implementations of the NumPy-like ops.

NumPy's own promotion differs from Keras's (``int32 + float16`` is float64
there, float16 in Keras), so binary ops first bring both inputs to
``result_type``; results are always ndarrays (never NumPy scalars), so a
float64 result keeps its dtype when it is converted again.

The ops live in one file per concept, as in ``cornu.ops.numpy`` (which lists them); the code
that reads the same on JAX is written once in ``cornu.backend.common.array_namespace_ops``.
Private helpers shared by them (and by ``math``, ``linalg``, ``nn``, ...) are in ``_common``.
"""

from cornu.backend.common.array_namespace_ops import names
from cornu.backend.numpy.numpy._common import UNTRANSLATED_ERRORS, _float_input, _float_pair, _r, _t  # noqa: F401
from cornu.backend.numpy.numpy.arithmetic import *  # noqa: F401,F403
from cornu.backend.numpy.numpy.creation import *  # noqa: F401,F403
from cornu.backend.numpy.numpy.indexing import *  # noqa: F401,F403
from cornu.backend.numpy.numpy.logic import *  # noqa: F401,F403
from cornu.backend.numpy.numpy.math_functions import *  # noqa: F401,F403
from cornu.backend.numpy.numpy.products import *  # noqa: F401,F403
from cornu.backend.numpy.numpy.reductions import *  # noqa: F401,F403
from cornu.backend.numpy.numpy.shape import *  # noqa: F401,F403

__all__ = list(names.ALL) + ["UNTRANSLATED_ERRORS"]
