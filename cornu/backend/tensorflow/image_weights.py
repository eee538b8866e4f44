"""The ``(out, in)`` matrices that resample one image axis, built with TensorFlow ops.

They sample the way ``jax.image.resize``/``scale_and_translate`` do (half-pixel centres, Keys
cubic with ``a = -0.5``, Lanczos windows, the kernel widened by the scale when antialiasing a
downsample, weights renormalized and zero outside the input), in float64, so this backend gives
the numbers of the others. Sizes, scales and translations may be tensors (dimensions unknown
while tracing a ``tf.function``); with Python numbers the matrix is a constant that
``tf.function`` folds, and it compiles with XLA.

Example:
>>> resize_weights(4, 2, "bilinear", antialias=True)  # each output averages two inputs
"""

import math

import tensorflow as tf

_F64 = tf.float64
# A weight row summing to less than this is treated as all-zero (as JAX does, in float32 units).
_TINY_TOTAL = 1000 * 1.1920929e-07


def _triangle(x):
    return tf.maximum(tf.constant(0.0, _F64), 1.0 - x)


def _keys_cubic(x):
    a = -0.5
    near = ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
    far = ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a
    return tf.where(x < 1.0, near, tf.where(x < 2.0, far, tf.zeros_like(x)))


def _lanczos(radius):
    def kernel(x):
        safe = tf.where(x < 1e-3, tf.ones_like(x), x)
        value = radius * tf.sin(math.pi * safe) * tf.sin(math.pi * safe / radius) / (math.pi * math.pi * safe * safe)
        return tf.where(x > radius, tf.zeros_like(x), tf.where(x < 1e-3, tf.ones_like(x), value))

    return kernel


KERNELS = {"bilinear": _triangle, "bicubic": _keys_cubic, "lanczos3": _lanczos(3.0), "lanczos5": _lanczos(5.0)}


def _nearest_weights(in_size, out_size):
    """One-hot rows picking input ``floor((i + 0.5) * in / out)`` for output ``i``."""
    in_f = tf.cast(in_size, _F64)
    source = tf.floor((tf.range(out_size, dtype=_F64) + 0.5) * in_f / tf.cast(out_size, _F64))
    source = tf.minimum(tf.cast(source, tf.int32), tf.cast(in_size, tf.int32) - 1)
    return tf.one_hot(source, in_size, dtype=_F64)


def resize_weights(in_size, out_size, method, antialias, scale=None, translation=0.0):
    """The ``(out_size, in_size)`` float64 matrix that resamples one axis.

    Output pixel ``i`` samples the input at ``(i + 0.5 - translation) / scale - 0.5``;
    ``scale`` defaults to ``out_size / in_size`` (a plain resize). ``method`` is 'nearest',
    'bilinear', 'bicubic', 'lanczos3' or 'lanczos5'.
    """
    if method == "nearest":
        return _nearest_weights(in_size, out_size)
    in_f, out_f = tf.cast(in_size, _F64), tf.cast(out_size, _F64)
    inv_scale = in_f / out_f if scale is None else 1.0 / tf.cast(scale, _F64)
    kernel_scale = tf.maximum(inv_scale, 1.0) if antialias else tf.constant(1.0, _F64)
    sample = (tf.range(out_size, dtype=_F64) + 0.5 - tf.cast(translation, _F64)) * inv_scale - 0.5
    distance = tf.abs(sample[:, None] - tf.range(in_size, dtype=_F64)[None, :]) / kernel_scale
    weights = KERNELS[method](distance)
    total = tf.reduce_sum(weights, axis=1, keepdims=True)
    usable = tf.abs(total) > _TINY_TOTAL
    weights = tf.where(usable, weights / tf.where(usable, total, tf.ones_like(total)), tf.zeros_like(weights))
    inside = tf.logical_and(sample >= -0.5, sample <= in_f - 0.5)
    return tf.where(inside[:, None], weights, tf.zeros_like(weights))


def _letters(rank):
    return "abcdefghijklmnopqrstuvwxy"[:rank]


def apply_weights(x, weights, axis):
    """``x`` with axis ``axis`` replaced by ``weights @ x`` along it (``weights`` cast to ``x``'s dtype)."""
    rank = len(x.shape)
    axis %= rank
    source = _letters(rank)
    target = source[:axis] + "z" + source[axis + 1:]
    return tf.einsum(f"z{source[axis]},{source}->{target}", tf.cast(weights, x.dtype), x)


def dim(x, axis):
    """``x.shape[axis]`` as a Python int when known, else as a scalar tensor."""
    known = x.shape[axis]
    return int(known) if known is not None else tf.shape(x)[axis]
