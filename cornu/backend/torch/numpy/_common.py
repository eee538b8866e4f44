"""Private helpers shared by the PyTorch implementations of the NumPy-like ops: input
conversion, dtype promotion, op factories, and the errors ops let through unchanged.

Other backend modules import ``_t``/``_float_input``/... through ``cornu.backend.torch.numpy``.
"""

import builtins

import torch

from cornu.backend import config
from cornu.backend.common.dtypes import result_type
from cornu.backend.common.op_wrappers import op_wrappers
from cornu.backend.torch.core import Variable, convert_to_tensor, to_torch_dtype


_FLOATING = (torch.float16, torch.bfloat16, torch.float32, torch.float64)
_SCALARS = (int, float, bool, complex)


# Out-of-memory errors explain themselves: ops let them through unchanged.
UNTRANSLATED_ERRORS = (torch.OutOfMemoryError,)


def _t(x):
    return x if isinstance(x, torch.Tensor) else convert_to_tensor(x)


def _dtype_of(x):
    if hasattr(x, "dtype"):
        return x.dtype
    if isinstance(x, _SCALARS):
        return type(x)
    return convert_to_tensor(x).dtype


def _promote(x1, x2):
    if isinstance(x1, Variable):
        x1 = x1.value
    if isinstance(x2, Variable):
        x2 = x2.value
    # Fast paths: two tensors of one dtype, or a float tensor and a Python number.
    if isinstance(x1, torch.Tensor):
        if isinstance(x2, torch.Tensor):
            if x1.dtype == x2.dtype:
                return x1, x2
        elif isinstance(x2, (int, float)) and not isinstance(x2, bool) and x1.dtype in _FLOATING:
            return x1, convert_to_tensor(x2, x1.dtype)
    elif isinstance(x2, torch.Tensor) and isinstance(x1, (int, float)) and not isinstance(x1, bool) and x2.dtype in _FLOATING:
        return convert_to_tensor(x1, x2.dtype), x2
    dtype = result_type(_dtype_of(x1), _dtype_of(x2))
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def _float_input(x):
    x = _t(x)
    if not (x.is_floating_point() or x.is_complex()):
        x = x.to(to_torch_dtype(config.floatx()))
    return x


def _float_pair(x1, x2):
    dtype = result_type(_dtype_of(x1), _dtype_of(x2), float)
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def _axis(a, ndim):
    """``a`` in ``[0, ndim)``; out-of-range axes raise (as NumPy and JAX do) instead of wrapping."""
    if not -builtins.max(ndim, 1) <= a < builtins.max(ndim, 1):
        raise ValueError(f"axis {a} is out of bounds for array of dimension {ndim}")
    return a % ndim if ndim else a


_binary, _binary_float, _unary_float = op_wrappers(_promote, _float_pair, _float_input)


def _same_dtype(xs):
    xs = [x if isinstance(x, torch.Tensor) or isinstance(x, _SCALARS) else convert_to_tensor(x) for x in xs]
    if xs and builtins.all(isinstance(x, torch.Tensor) and x.dtype == xs[0].dtype for x in xs):
        return xs
    dtype = result_type(*[_dtype_of(x) for x in xs])
    return [convert_to_tensor(x, dtype) for x in xs]
