"""Element-wise math functions on PyTorch: exponentials, logarithms, trigonometry, and ``vectorize``.

Backs ``cornu.ops.numpy.math_functions``; re-exported by ``cornu.backend.torch.numpy``.
"""

import torch

from cornu.backend.torch.numpy._common import _binary_float, _float_input, _t, _unary_float

__all__ = [
    "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2", "arctanh", "cos", "cosh", "deg2rad", "exp", "exp2",
    "expm1", "i0", "log", "log10", "log1p", "log2", "logaddexp", "logaddexp2", "rad2deg", "sin", "sinc", "sinh", "tan",
    "tanh", "vectorize",
]


logaddexp = _binary_float(torch.logaddexp)
logaddexp2 = _binary_float(torch.logaddexp2)
arctan2 = _binary_float(torch.atan2)
exp = _unary_float(torch.exp)
exp2 = _unary_float(torch.exp2)
expm1 = _unary_float(torch.expm1)
log = _unary_float(torch.log)
log2 = _unary_float(torch.log2)
log10 = _unary_float(torch.log10)
log1p = _unary_float(torch.log1p)
sin = _unary_float(torch.sin)
cos = _unary_float(torch.cos)
tan = _unary_float(torch.tan)
arcsin = _unary_float(torch.asin)
arccos = _unary_float(torch.acos)
arctan = _unary_float(torch.atan)
sinh = _unary_float(torch.sinh)
cosh = _unary_float(torch.cosh)
tanh = _unary_float(torch.tanh)
arcsinh = _unary_float(torch.asinh)
arccosh = _unary_float(torch.acosh)
arctanh = _unary_float(torch.atanh)
sinc = _unary_float(torch.sinc)
deg2rad = _unary_float(torch.deg2rad)
rad2deg = _unary_float(torch.rad2deg)


def i0(x):
    x = _float_input(x)
    if x.dtype in (torch.float16, torch.bfloat16):
        return torch.special.i0(x.float()).to(x.dtype)
    return torch.special.i0(x)


def vectorize(pyfunc, *, excluded=None, signature=None):
    """Maps ``pyfunc`` over the broadcast loop dimensions of its tensor arguments with ``torch.vmap``."""
    excluded = excluded or set()
    core_ndims = None
    if signature is not None:
        inputs = signature.split("->")[0]
        core_ndims = [0 if part.strip() == "" else len(part.split(",")) for part in inputs.strip("()").split("),(")]

    def call(*args, **kwargs):
        positions = [i for i in range(len(args)) if i not in excluded]
        tensors = [_t(args[i]) for i in positions]
        cores = core_ndims or [0] * len(tensors)
        loop_shape = torch.broadcast_shapes(*[t.shape[: t.ndim - c] for t, c in zip(tensors, cores)])
        flat = [
            torch.broadcast_to(t, loop_shape + t.shape[t.ndim - c :]).reshape((-1,) + t.shape[t.ndim - c :])
            for t, c in zip(tensors, cores)
        ]

        def inner(*tensor_args):
            full = list(args)
            for i, v in zip(positions, tensor_args):
                full[i] = v
            return pyfunc(*full, **kwargs)

        out = torch.vmap(inner)(*flat)
        if isinstance(out, tuple):
            return tuple(o.reshape(loop_shape + o.shape[1:]) for o in out)
        return out.reshape(loop_shape + out.shape[1:])

    return call
