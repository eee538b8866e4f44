"""``x @ kernel + bias`` for layers (``Dense``): one fused kernel where the backend has one.

On PyTorch this is ``addmm`` (one kernel and one autograd node instead of two, the bias
added inside the matrix product); elsewhere, and whenever the fused kernel does not apply
(mixed dtypes, integer inputs), it is ``ops.add(ops.matmul(x, kernel), bias)`` with Keras's
dtype rules. Internal: not part of the Keras ops API.

Example:
>>> y = matmul_add(x, layer.kernel, layer.bias)   # same values as ops.add(ops.matmul(x, k), b)
"""

from cornu import backend
from cornu.ops import numpy as np_ops
from cornu.ops.decorator import any_symbolic_tensors


def matmul_add(x, kernel, bias):
    if not any_symbolic_tensors((x, kernel, bias)):
        out = backend.nn.matmul_add(x, kernel, bias)
        if out is not None:
            return out
    return np_ops.add(np_ops.matmul(x, kernel), bias)
