"""Products on TensorFlow: matrix products, contractions, correlation.

Backs ``cornu.ops.numpy.products``; re-exported by ``cornu.backend.tensorflow.numpy``.

TensorFlow's matrix kernels take only floats on GPU (and under XLA), so integer products are
computed in a float dtype and cast back to Keras's result dtype, as Keras's TensorFlow backend does;
``int8 x int8`` matrix products use the accelerated ``int8 -> int32`` kernel and give int32.

Example:
>>> matmul(tf.ones((2, 3)), tf.ones((3, 4))).shape
TensorShape([2, 4])
"""

import tensorflow as tf

from cornu.backend import config
from cornu.backend.common.array_namespace_ops import names
from cornu.backend.common.dtypes import result_type, standardize_dtype
from cornu.backend.tensorflow.numpy.einsum_matmul import einsum_as_matmul
from cornu.backend.tensorflow.numpy._common import _float_input, _promote, _static_or_dynamic_shape, _t
from cornu.backend.tensorflow.numpy.shape import moveaxis

_NATIVE_TENSORDOT = ("int32", "int64", "float16", "float32", "float64", "bfloat16", "complex64", "complex128")


def _result_and_compute(x1, x2):
    """Keras's result dtype of a product of ``x1`` and ``x2``, and the float dtype to compute in."""
    out = result_type(x1.dtype, x2.dtype)
    return out, result_type(out, float)


def matmul(x1, x2):
    x1, x2 = _t(x1), _t(x2)
    r1, r2 = x1.shape.rank, x2.shape.rank
    if x1.dtype == tf.int8 and x2.dtype == tf.int8:
        if r1 != 1 and r2 != 1:
            return tf.linalg.matmul(x1, x2, output_type=tf.int32)
        out, compute = "int32", "float32"  # int8 x int8 gives int32 at every rank, as on JAX
    else:
        out, compute = _result_and_compute(x1, x2)
    x1, x2 = tf.cast(x1, compute), tf.cast(x2, compute)
    if r1 == 2 and r2 == 2:
        result = tf.linalg.matmul(x1, x2)
    elif r2 == 1:
        result = tf.tensordot(x1, x2, axes=[[r1 - 1], [0]])
    elif r1 == 1:
        result = tf.tensordot(x1, x2, axes=[[0], [r2 - 2]])
    elif r2 == 2 and r1 > 2:
        result = tf.tensordot(x1, x2, axes=[[r1 - 1], [0]])
    else:
        result = tf.linalg.matmul(x1, x2)
    return tf.cast(result, out)


def dot(x1, x2):
    x1, x2 = _t(x1), _t(x2)
    out, compute = _result_and_compute(x1, x2)
    x1, x2 = tf.cast(x1, compute), tf.cast(x2, compute)
    r1, r2 = x1.shape.rank, x2.shape.rank
    if r1 == 0 or r2 == 0:
        result = x1 * x2
    elif r2 == 1:
        result = tf.tensordot(x1, x2, axes=[[r1 - 1], [0]])
    else:
        result = tf.tensordot(x1, x2, axes=[[r1 - 1], [r2 - 2]])
    return tf.cast(result, out)


def vdot(x1, x2):
    x1, x2 = _t(x1), _t(x2)
    out, compute = _result_and_compute(x1, x2)
    x1 = tf.reshape(tf.cast(x1, compute), [-1])
    x2 = tf.reshape(tf.cast(x2, compute), [-1])
    if x1.dtype.is_complex:
        x1 = tf.math.conj(x1)
    return tf.cast(tf.tensordot(x1, x2, axes=1), out)


def inner(x1, x2):
    x1, x2 = _t(x1), _t(x2)
    out, compute = _result_and_compute(x1, x2)
    x1, x2 = tf.cast(x1, compute), tf.cast(x2, compute)
    r1, r2 = x1.shape.rank, x2.shape.rank
    if r1 == 0 or r2 == 0:
        return tf.cast(x1 * x2, out)
    return tf.cast(tf.tensordot(x1, x2, axes=[[r1 - 1], [r2 - 1]]), out)


def outer(x1, x2):
    x1, x2 = _promote(x1, x2)
    return tf.reshape(x1, [-1, 1]) * tf.reshape(x2, [1, -1])


def tensordot(x1, x2, axes=2):
    x1, x2 = _t(x1), _t(x2)
    out = result_type(x1.dtype, x2.dtype)
    compute = out if out in _NATIVE_TENSORDOT else result_type(out, float)
    if isinstance(axes, (list, tuple)):
        first, second = axes
        axes = [[first] if isinstance(first, int) else list(first), [second] if isinstance(second, int) else list(second)]
    return tf.cast(tf.tensordot(tf.cast(x1, compute), tf.cast(x2, compute), axes=axes), out)


def einsum(subscripts, *operands, **kwargs):
    operands = [_t(o) for o in operands]
    if operands and all(o.dtype == tf.int8 for o in operands):
        out = "int32"
    else:
        out = result_type(*[o.dtype for o in operands])
    # tf.einsum has no integer kernels on GPU: integers are contracted in floatx.
    compute = out if tf.as_dtype(out).is_floating or tf.as_dtype(out).is_complex else config.floatx()
    operands = [tf.cast(o, compute) for o in operands]
    result = einsum_as_matmul(subscripts, *operands) if len(operands) == 2 and not kwargs else None
    if result is None:
        result = tf.einsum(subscripts, *operands, **kwargs)
    return tf.cast(result, out)


def kron(x1, x2):
    x1, x2 = _promote(x1, x2)
    r1, r2 = x1.shape.rank, x2.shape.rank
    rank = max(r1, r2)
    s1 = [1] * (rank - r1) + _static_or_dynamic_shape(x1)
    s2 = [1] * (rank - r2) + _static_or_dynamic_shape(x2)
    # Interleave the axes: x1 as (a0, 1, a1, 1, ...), x2 as (1, b0, 1, b1, ...), then multiply.
    a = tf.reshape(x1, [d for pair in zip(s1, [1] * rank) for d in pair])
    b = tf.reshape(x2, [d for pair in zip([1] * rank, s2) for d in pair])
    return tf.reshape(a * b, [p * q for p, q in zip(s1, s2)])


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    x1, x2 = _promote(x1, x2)
    if axis is not None:
        axisa = axisb = axisc = axis
    x1, x2 = moveaxis(x1, axisa, -1), moveaxis(x2, axisb, -1)
    d1, d2 = x1.shape[-1], x2.shape[-1]
    if d1 is None or d2 is None:
        raise ValueError(f"cross needs the size (2 or 3) of the vector axes when tracing. Received: {x1.shape}, {x2.shape}")
    for d in (d1, d2):
        if d not in (2, 3):
            raise ValueError(f"cross needs vectors of 2 or 3 components. Received: x1.shape={x1.shape}, x2.shape={x2.shape}")
    zeros_axis = [[0, 0]] * (x1.shape.rank - 1)
    if d1 == 2:
        x1 = tf.pad(x1, zeros_axis + [[0, 1]])
    pads2 = [[0, 0]] * (x2.shape.rank - 1)
    if d2 == 2:
        x2 = tf.pad(x2, pads2 + [[0, 1]])
    shape = tf.broadcast_dynamic_shape(tf.shape(x1), tf.shape(x2))
    x1, x2 = tf.broadcast_to(x1, shape), tf.broadcast_to(x2, shape)
    dtype = x1.dtype
    if dtype in (tf.bool, tf.int8, tf.uint8, tf.int16, tf.uint16, tf.uint32):
        x1, x2 = tf.cast(x1, tf.int32), tf.cast(x2, tf.int32)
    out = tf.cast(tf.linalg.cross(x1, x2), dtype)
    if d1 == 2 and d2 == 2:
        return out[..., 2]
    return moveaxis(out, -1, axisc)


def slogdet(x):
    x = _float_input(x)
    if x.dtype in (tf.float16, tf.bfloat16):
        sign, logdet = tf.linalg.slogdet(tf.cast(x, tf.float32))
        return tf.cast(sign, x.dtype), tf.cast(logdet, x.dtype)
    return tuple(tf.linalg.slogdet(x))


def _correlate_dtype(x1, x2):
    dtype = result_type(x1.dtype, x2.dtype)
    if dtype == "int64":
        return "float64"
    return dtype if dtype in ("bfloat16", "float16", "float64") else "float32"


def correlate(x1, x2, mode="valid"):
    x1, x2 = _t(x1), _t(x2)
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"`mode` must be 'valid', 'same' or 'full'. Received: mode={mode!r}")
    dtype = _correlate_dtype(x1, x2)
    x1, x2 = tf.cast(x1, dtype), tf.cast(x2, dtype)
    n, m = _static_or_dynamic_shape(x1)[0], _static_or_dynamic_shape(x2)[0]
    if isinstance(n, int) and isinstance(m, int):
        if m > n:  # NumPy swaps the inputs and reverses the result
            return tf.reverse(_correlate(x2, x1, m, n, mode), [0])
        return _correlate(x1, x2, n, m, mode)
    return tf.cond(
        m > n,
        lambda: tf.reverse(_correlate(x2, x1, m, n, mode), [0]),
        lambda: _correlate(x1, x2, n, m, mode),
    )


def _correlate(x1, x2, n, m, mode):
    """NumPy's correlate of ``x1`` (length ``n``) with a filter ``x2`` (length ``m <= n``)."""
    compute = tf.float32 if x1.dtype in (tf.float16, tf.bfloat16) else x1.dtype
    signal = tf.cast(x1, compute)
    if mode != "valid":
        signal = tf.pad(signal, [[m - 1, m - 1]])
    out = tf.nn.conv1d(tf.reshape(signal, [1, -1, 1]), tf.reshape(tf.cast(x2, compute), [-1, 1, 1]), 1, "VALID")
    out = tf.cast(tf.reshape(out, [-1]), x1.dtype)
    if mode == "same":
        return out[(m - 1) // 2 : (m - 1) // 2 + n]
    return out


def corrcoef(x):
    x = _t(x)
    if standardize_dtype(x.dtype) in ("bool", "int8", "int16", "int32", "uint8", "uint16", "uint32"):
        x = tf.cast(x, config.floatx())
    elif x.dtype == tf.int64:
        x = tf.cast(x, tf.float64)
    if x.shape.rank == 0:
        return tf.constant(float("nan"), config.floatx())
    vector = x.shape.rank == 1
    if vector:
        x = x[tf.newaxis]
    centered = x - tf.reduce_mean(x, axis=-1, keepdims=True)
    samples = tf.cast(tf.shape(x)[-1], x.dtype)
    cov = tf.linalg.matmul(centered, centered, adjoint_b=True) / (samples - 1)
    std = tf.sqrt(tf.math.real(tf.linalg.diag_part(cov)))
    std = tf.cast(std, cov.dtype)
    corr = cov / (std[:, tf.newaxis] * std[tf.newaxis, :])
    if corr.dtype.is_complex:
        corr = tf.complex(
            tf.clip_by_value(tf.math.real(corr), -1.0, 1.0), tf.clip_by_value(tf.math.imag(corr), -1.0, 1.0)
        )
    else:
        corr = tf.clip_by_value(corr, -1.0, 1.0)
    return corr[0, 0] if vector else corr


__all__ = names.PRODUCTS
