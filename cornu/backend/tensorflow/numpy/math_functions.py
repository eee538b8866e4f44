"""Element-wise math functions on TensorFlow: exponentials, logarithms, trigonometry, and ``vectorize``.

Integer and bool inputs compute in floatx; functions TensorFlow has no kernel for (``exp2``,
``log2``, ``sinc``, ...) are composed from those it has.

Backs ``cornu.ops.numpy.math_functions``; re-exported by ``cornu.backend.tensorflow.numpy``.
"""

import math

import tensorflow as tf

from cornu.backend.common.array_namespace_ops import names
from cornu.backend.tensorflow.numpy._common import _float_pair, _in_float32_if_half, _t, _unary_float


def _constant_like(value, x):
    return tf.constant(value, x.dtype.real_dtype)


def _exp2(x):
    return tf.pow(tf.constant(2, x.dtype), x)


def _log2(x):
    return tf.math.log(x) / _constant_like(math.log(2.0), x)


def _log10(x):
    return tf.math.log(x) / _constant_like(math.log(10.0), x)


def _sinc(x):
    zero = tf.equal(x, 0)
    scaled = _constant_like(math.pi, x) * tf.where(zero, tf.ones((), x.dtype), x)  # no 0/0, even in gradients
    return tf.where(zero, tf.ones((), x.dtype), tf.sin(scaled) / scaled)


def _deg2rad(x):
    return x * _constant_like(math.pi / 180.0, x)


def _rad2deg(x):
    return x * _constant_like(180.0 / math.pi, x)


exp = _unary_float(tf.exp)
exp2 = _unary_float(_in_float32_if_half(_exp2))  # composed: one rounding, in float32
expm1 = _unary_float(tf.math.expm1)
log = _unary_float(tf.math.log)
log2 = _unary_float(_in_float32_if_half(_log2))  # composed: one rounding, in float32
log10 = _unary_float(_in_float32_if_half(_log10))  # composed: one rounding, in float32
log1p = _unary_float(tf.math.log1p)
sin = _unary_float(tf.sin)
cos = _unary_float(tf.cos)
tan = _unary_float(tf.tan)
arcsin = _unary_float(tf.asin)
arccos = _unary_float(tf.acos)
arctan = _unary_float(tf.atan)
sinh = _unary_float(tf.sinh)
cosh = _unary_float(tf.cosh)
tanh = _unary_float(tf.tanh)
arcsinh = _unary_float(tf.asinh)
arccosh = _unary_float(tf.acosh)
arctanh = _unary_float(tf.atanh)
sinc = _unary_float(_sinc)
deg2rad = _unary_float(_deg2rad)
rad2deg = _unary_float(_rad2deg)
i0 = _unary_float(_in_float32_if_half(tf.math.bessel_i0))
for _name in names.MATH_FUNCTIONS:
    _function = globals().get(_name)
    if _function is not None:
        _function.__name__ = _function.__qualname__ = _name


def logaddexp(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    delta = x1 - x2
    # Where delta is NaN (equal infinities, or a NaN input) x1 + x2 is the answer.
    return tf.where(tf.math.is_nan(delta), x1 + x2, tf.maximum(x1, x2) + tf.math.log1p(tf.exp(-tf.abs(delta))))


def logaddexp2(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    delta = x1 - x2
    ln2 = _constant_like(math.log(2.0), x1)
    spread = tf.math.log1p(tf.exp(-tf.abs(delta) * ln2)) / ln2
    return tf.where(tf.math.is_nan(delta), x1 + x2, tf.maximum(x1, x2) + spread)


def arctan2(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    return tf.atan2(x1, x2)


def _core_ndims(signature):
    """The number of core dimensions of each input of a gufunc ``signature`` like ``"(n),()->()"``."""
    inputs = signature.split("->")[0].strip()
    return [0 if not part.strip() else len(part.split(",")) for part in inputs[1:-1].split("),(")]


def vectorize(pyfunc, *, excluded=None, signature=None):
    """Maps ``pyfunc`` over the broadcast loop dimensions of its tensor arguments with
    ``tf.vectorized_map`` (core dimensions from ``signature`` stay whole)."""
    excluded = excluded or set()
    core_ndims = None if signature is None else _core_ndims(signature)

    def call(*args, **kwargs):
        positions = [i for i in range(len(args)) if i not in excluded]
        tensors = [_t(args[i]) for i in positions]
        cores = core_ndims or [0] * len(tensors)
        loop_shape = tf.constant([], tf.int32)
        for tensor, core in zip(tensors, cores):
            loop_shape = tf.broadcast_dynamic_shape(loop_shape, tf.shape(tensor)[: tensor.shape.rank - core])
        flat = []
        for tensor, core in zip(tensors, cores):
            core_shape = tf.shape(tensor)[tensor.shape.rank - core:]
            full = tf.broadcast_to(tensor, tf.concat([loop_shape, core_shape], 0))
            flat.append(tf.reshape(full, tf.concat([[-1], core_shape], 0)))

        def inner(tensor_args):
            full_args = list(args)
            for i, value in zip(positions, tensor_args):
                full_args[i] = value
            return pyfunc(*full_args, **kwargs)

        out = tf.vectorized_map(inner, tuple(flat), fallback_to_while_loop=True)

        def unflatten(o):
            return tf.reshape(o, tf.concat([loop_shape, tf.shape(o)[1:]], 0))

        if isinstance(out, (tuple, list)):
            return tuple(unflatten(o) for o in out)
        return unflatten(out)

    return call


__all__ = names.MATH_FUNCTIONS
