"""``cornu.ops``: the public op API, identical on every backend.

``cornu.ops.numpy`` and ``cornu.ops.nn`` are also flattened here, as in Keras.
"""

from cornu.ops import nn
from cornu.ops import numpy
from cornu.ops.core import *  # noqa: F401,F403
from cornu.ops.core import cast, cond, convert_to_numpy, convert_to_tensor, dtype, fori_loop, is_tensor, shape
from cornu.ops.core import stop_gradient, while_loop
from cornu.ops.nn import *  # noqa: F401,F403
from cornu.ops.numpy import *  # noqa: F401,F403
from cornu.ops.numpy import abs, all, any, max, min, round, sum  # noqa: F401  (shadow builtins on purpose)
from cornu.ops.operation import Operation, any_symbolic_tensors
