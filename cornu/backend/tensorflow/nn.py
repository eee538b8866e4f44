"""TensorFlow neural-network primitives: activations, softmax, one-hot, CTC loss and the fused
kernels layers ask for first. Convolutions, pooling and attention live in ``nn_conv``,
``nn_pooling`` and ``nn_attention`` and are re-exported here.

Integer inputs of float activations give floatx; everything runs eagerly and inside
``tf.function`` (with unknown batch sizes).

Example:
>>> softmax(tf.constant([[1.0, 2.0, 3.0]])).numpy().round(3)
array([[0.09 , 0.245, 0.665]], dtype=float32)
"""

import tensorflow as tf

from cornu.backend.common.dtypes import result_type
from cornu.backend.common.variables import VariableBase
from cornu.backend.tensorflow.core import convert_to_tensor, to_tf_dtype
from cornu.backend.tensorflow.nn_attention import dot_product_attention  # noqa: F401
from cornu.backend.tensorflow.nn_conv import (  # noqa: F401
    conv,
    conv_transpose,
    depthwise_conv,
    fold,
    separable_conv,
    unfold,
)
from cornu.backend.tensorflow.nn_pooling import (  # noqa: F401
    adaptive_average_pool,
    adaptive_max_pool,
    average_pool,
    max_pool,
)
from cornu.backend.tensorflow.numpy import _float_input

__all__ = [
    "relu", "relu6", "sigmoid", "softplus", "softsign", "silu", "log_sigmoid", "leaky_relu", "hard_sigmoid",
    "elu", "selu", "gelu", "softmax", "log_softmax", "one_hot", "conv", "depthwise_conv", "separable_conv",
    "conv_transpose", "max_pool", "average_pool", "dot_product_attention", "adaptive_average_pool",
    "adaptive_max_pool", "unfold", "fold", "ctc_loss", "matmul_add", "trailing_layer_norm",
    "sparse_categorical_crossentropy",
]


def relu(x):
    return tf.nn.relu(convert_to_tensor(x))


def relu6(x):
    return tf.nn.relu6(convert_to_tensor(x))


def sigmoid(x):
    return tf.nn.sigmoid(_float_input(x))


def softplus(x):
    return tf.math.softplus(_float_input(x))


def softsign(x):
    return tf.nn.softsign(_float_input(x))


def silu(x):
    return tf.nn.silu(_float_input(x))


def log_sigmoid(x):
    return tf.math.log_sigmoid(_float_input(x))


def leaky_relu(x, negative_slope=0.2):
    return tf.nn.leaky_relu(_float_input(x), alpha=negative_slope)


def hard_sigmoid(x):
    x = _float_input(x)
    return tf.nn.relu6(x + tf.constant(3.0, x.dtype)) / tf.constant(6.0, x.dtype)


def elu(x, alpha=1.0):
    x = _float_input(x)
    out = tf.nn.elu(x)
    if alpha == 1.0:
        return out
    return tf.where(x > 0, out, tf.cast(alpha, x.dtype) * out)


def selu(x):
    return tf.nn.selu(_float_input(x))


def gelu(x, approximate=True):
    return tf.nn.gelu(_float_input(x), approximate=approximate)


def _over_axes(fn, x, axis):
    """``fn`` (a softmax over the last axis) over ``axis``: an int, a tuple, or None for all."""
    if isinstance(axis, int):
        return fn(x, axis=axis)
    rank = x.shape.rank
    axes = list(range(rank)) if axis is None else sorted(a % rank for a in axis)
    rest = [a for a in range(rank) if a not in axes]
    moved = tf.transpose(x, rest + axes) if rest + axes != list(range(rank)) else x
    shape = tf.shape(moved)
    flat = tf.reshape(moved, tf.concat([shape[: len(rest)], [-1]], 0))
    out = tf.reshape(fn(flat, axis=-1), shape)
    if rest + axes != list(range(rank)):
        inverse = [0] * rank
        for i, a in enumerate(rest + axes):
            inverse[a] = i
        out = tf.transpose(out, inverse)
    return out


def softmax(x, axis=-1):
    return _over_axes(tf.nn.softmax, _float_input(x), axis)


def log_softmax(x, axis=-1):
    return _over_axes(tf.nn.log_softmax, _float_input(x), axis)


def one_hot(x, num_classes, axis=-1, dtype="float32", sparse=False):
    """Dense on every backend: ``sparse=True`` gives the same values as a dense tensor. Negative
    and too-large indices give all-zero rows."""
    x = convert_to_tensor(x)
    if not x.dtype.is_integer:
        x = tf.cast(x, tf.int64)
    dtype = to_tf_dtype(dtype)
    if axis < 0:
        axis += x.shape.rank + 1
    on, off = (True, False) if dtype == tf.bool else (None, None)
    return tf.one_hot(x, num_classes, on_value=on, off_value=off, axis=axis, dtype=dtype)


# ---------------------------------------------------------------- CTC loss


def _needed_steps(target, target_length):
    """How many time steps each label sequence needs at least: its length plus one blank between
    every two equal neighbours."""
    positions = tf.range(1, tf.shape(target)[1])
    repeats = tf.logical_and(
        tf.equal(target[:, 1:], target[:, :-1]),
        positions[None, :] < target_length[:, None],
    )
    return target_length + tf.reduce_sum(tf.cast(repeats, tf.int32), axis=1)


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    target = tf.cast(convert_to_tensor(target), tf.int32)
    output = convert_to_tensor(output)
    result_dtype = tf.as_dtype(result_type(output.dtype, "float32"))
    # tf.nn.ctc_loss computes in float32 (and refuses float64).
    output = tf.cast(output, tf.float32)
    target_length = tf.cast(convert_to_tensor(target_length), tf.int32)
    output_length = tf.cast(convert_to_tensor(output_length), tf.int32)
    loss = tf.nn.ctc_loss(
        labels=target, logits=output, label_length=target_length, logit_length=output_length,
        logits_time_major=False, blank_index=int(mask_index),
    )
    # A label sequence no alignment produces costs +inf, as on the other backends (TensorFlow
    # gives a large finite number).
    impossible = _needed_steps(target, target_length) > output_length
    loss = tf.where(impossible, tf.constant(float("inf"), loss.dtype), loss)
    return tf.cast(loss, result_dtype)


# ------------------------------------------------------------ fused kernels
# Layers and ops ask for these first; None means "no fused kernel here", and they use their
# composite form.


def _tensor_or_none(x):
    """``x`` as a tensor when it is one already (or a variable); None for host values."""
    if tf.is_tensor(x) or isinstance(x, (tf.Variable, VariableBase)):
        return convert_to_tensor(x)
    return None


def matmul_add(x, kernel, bias):
    """``x @ kernel + bias`` as ``tf.matmul`` and ``tf.nn.bias_add`` (leading axes of ``x``
    folded into one matrix product) when all three are floating tensors of one dtype; None
    otherwise (the caller uses matmul and add)."""
    x, kernel, bias = _tensor_or_none(x), _tensor_or_none(kernel), _tensor_or_none(bias)
    if x is None or kernel is None or bias is None:
        return None
    if x.shape.rank is None or x.shape.rank < 2 or kernel.shape.rank != 2 or bias.shape.rank != 1:
        return None
    if not (x.dtype.is_floating and x.dtype == kernel.dtype == bias.dtype):
        return None
    if x.shape.rank == 2:
        return tf.nn.bias_add(tf.matmul(x, kernel), bias)
    leading = tf.shape(x)[:-1]
    flat = tf.nn.bias_add(tf.matmul(tf.reshape(x, [-1, kernel.shape[0]]), kernel), bias)
    out = tf.reshape(flat, tf.concat([leading, [kernel.shape[1]]], 0))
    out.set_shape(x.shape[:-1].concatenate([kernel.shape[1]]))
    return out


def trailing_layer_norm(x, gamma, beta, num_axes, epsilon):
    """Layer normalization over the last ``num_axes`` axes with ``tf.nn.moments`` and
    ``tf.nn.batch_normalization`` (mean and biased variance, ``1 / sqrt(var + epsilon)``, then
    ``* gamma + beta``, the weights cast to ``x``'s dtype); None for a non-float ``x``."""
    if not tf.is_tensor(x) or not x.dtype.is_floating:
        return None
    axes = list(range(x.shape.rank - num_axes, x.shape.rank))
    mean, variance = tf.nn.moments(x, axes, keepdims=True)
    gamma, beta = (None if w is None else convert_to_tensor(w, x.dtype) for w in (gamma, beta))
    return tf.nn.batch_normalization(x, mean, variance, beta, gamma, epsilon)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Logits over the last axis: ``tf.nn.sparse_softmax_cross_entropy_with_logits`` (one
    kernel instead of log_softmax, one-hot and a sum); labels outside ``[0, num_classes)`` give
    0, as their all-zero one-hot row does. None otherwise (the caller's composite)."""
    output = _float_input(output)
    rank = output.shape.rank
    if not from_logits or rank is None or axis not in (-1, rank - 1):
        return None
    target = convert_to_tensor(target)
    labels = target if target.dtype in (tf.int32, tf.int64) else tf.cast(target, tf.int32)  # truncates, as a cast
    num_classes = output.shape[-1]
    if num_classes is None:
        return None
    valid = tf.logical_and(labels >= 0, labels < num_classes)
    safe = tf.where(valid, labels, tf.zeros((), labels.dtype))
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=safe, logits=output)
    return tf.where(valid, loss, tf.zeros((), loss.dtype))
