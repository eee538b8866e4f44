"""TensorFlow random ops: TensorFlow's stateless kernels (``tf.random.stateless_*``) keyed by the
shape-(2,) seed a SeedGenerator draws, so every draw depends on its seed alone, is the same
eagerly and inside ``tf.function``, and compiles with XLA.

Seeds are int64, as Keras's TensorFlow backend keeps them; the kernels read them as int32
(folded into ``[0, 2**31 - 2]``, as Keras does), so a seed gives Keras's TensorFlow numbers.

Example:
>>> normal((2, 3), seed=tf.constant([42, 0], "int64")).shape
TensorShape([2, 3])
"""

import tensorflow as tf

from cornu.backend.common.dtypes import standardize_dtype
from cornu.backend.tensorflow.numpy._common import _t

SEED_DTYPE = "int64"

_INT32_SPAN = 2**31 - 2


def _seed(seed):
    """The int32 ``[2]`` key the stateless kernels take."""
    seed = _t(seed)
    if seed.dtype == tf.int32:
        return seed
    return tf.cast(tf.math.floormod(tf.cast(seed, tf.int64), _INT32_SPAN), tf.int32)


def _shape(shape):
    return shape if isinstance(shape, tf.Tensor) else tuple(shape)


def _kernel_dtype(dtype, supported=("float16", "float32", "float64")):
    """``dtype``'s name and the dtype to draw in (float32 where the kernel lacks ``dtype``)."""
    dtype = standardize_dtype(dtype)
    return dtype, (dtype if dtype in supported else "float32")


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = standardize_dtype(dtype)
    return tf.random.stateless_normal(_shape(shape), seed=_seed(seed), mean=tf.cast(mean, dtype),
                                      stddev=tf.cast(stddev, dtype), dtype=dtype)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    dtype = standardize_dtype(dtype)
    return tf.random.stateless_uniform(_shape(shape), seed=_seed(seed), minval=tf.cast(minval, dtype),
                                       maxval=tf.cast(maxval, dtype), dtype=dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = standardize_dtype(dtype)
    return tf.random.stateless_truncated_normal(_shape(shape), seed=_seed(seed), mean=tf.cast(mean, dtype),
                                                stddev=tf.cast(stddev, dtype), dtype=dtype)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    dtype = standardize_dtype(dtype)
    draw_dtype = dtype if dtype in ("int32", "int64") else "int64"
    out = tf.random.stateless_uniform(_shape(shape), seed=_seed(seed), minval=tf.cast(minval, draw_dtype),
                                      maxval=tf.cast(maxval, draw_dtype), dtype=draw_dtype)
    return tf.cast(out, dtype)


def _noise_shape(inputs, noise_shape):
    if noise_shape is None:
        return tf.shape(inputs)
    dims = tf.shape(inputs)
    return tf.stack([dims[i] if d is None else tf.constant(d, tf.int32) for i, d in enumerate(noise_shape)])


def dropout(inputs, rate, noise_shape=None, seed=None):
    inputs = _t(inputs)
    if isinstance(rate, (int, float)) and rate == 0:
        return inputs
    return tf.nn.experimental.stateless_dropout(inputs, rate=rate, noise_shape=_noise_shape(inputs, noise_shape),
                                                seed=_seed(seed))


def shuffle(x, axis=0, seed=None):
    x = _t(x)
    keys = tf.random.stateless_uniform(tf.reshape(tf.shape(x)[axis], [1]), seed=_seed(seed))
    return tf.gather(x, tf.argsort(keys), axis=axis)


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = _t(logits)
    if logits.dtype not in (tf.float32, tf.float64):
        logits = tf.cast(logits, tf.float32)
    samples = tf.random.stateless_categorical(logits, num_samples, seed=_seed(seed), dtype=tf.int64)
    return tf.cast(samples, standardize_dtype(dtype))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    dtype, draw_dtype = _kernel_dtype(dtype)
    parameter_dtype = "float64" if draw_dtype == "float64" else "float32"
    shape = _shape(shape)
    counts = tf.broadcast_to(tf.cast(_t(counts), parameter_dtype), shape)
    probabilities = tf.broadcast_to(tf.cast(_t(probabilities), parameter_dtype), shape)
    out = tf.random.stateless_binomial(shape, seed=_seed(seed), counts=counts, probs=probabilities,
                                       output_dtype=draw_dtype)
    return tf.cast(out, dtype)


def _gamma(shape, alpha, draw_dtype, seed):
    # The kernel broadcasts `alpha` against the trailing dimensions of `shape` only: broadcast it
    # to the whole shape first.
    alpha = tf.broadcast_to(tf.cast(_t(alpha), draw_dtype), shape)
    return tf.random.stateless_gamma(shape, seed=seed, alpha=alpha, dtype=draw_dtype)


def gamma(shape, alpha, dtype=None, seed=None):
    dtype, draw_dtype = _kernel_dtype(dtype)
    return tf.cast(_gamma(_shape(shape), alpha, draw_dtype, _seed(seed)), dtype)


def beta(shape, alpha, beta, dtype=None, seed=None):
    # Beta(a, b) = X / (X + Y) for X ~ Gamma(a), Y ~ Gamma(b), Y keyed by the seed plus 12 (Keras's
    # choice, so the numbers match Keras's TensorFlow backend).
    dtype, draw_dtype = _kernel_dtype(dtype)
    shape, key = _shape(shape), _seed(seed)
    x = _gamma(shape, alpha, draw_dtype, key)
    y = _gamma(shape, beta, draw_dtype, key + 12)
    return tf.cast(x / (x + y), dtype)


def set_global_seed(seed):
    """Seeds TensorFlow's global generator (read by stateful TF ops outside cornu's seeded ones)."""
    tf.random.set_seed(int(seed))
