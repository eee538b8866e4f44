"""Neural-network ops (``cornu.ops.nn``, also flattened into ``cornu.ops``)."""

from cornu import backend
from cornu.backend import config
from cornu.ops import numpy as np_ops
from cornu.ops.core import cast, convert_to_tensor
from cornu.ops.operation import op

_b = backend.nn


@op
def relu(x):
    """Rectified linear unit: ``max(x, 0)``."""
    return _b.relu(x)


@op
def relu6(x):
    """``min(max(x, 0), 6)``."""
    return _b.relu6(x)


@op
def sigmoid(x):
    """Logistic sigmoid ``1 / (1 + exp(-x))``."""
    return _b.sigmoid(x)


@op
def softplus(x):
    """``log(exp(x) + 1)``."""
    return _b.softplus(x)


@op
def softsign(x):
    """``x / (abs(x) + 1)``."""
    return _b.softsign(x)


@op
def silu(x):
    """``x * sigmoid(x)`` (also known as swish)."""
    return _b.silu(x)


swish = silu


@op
def log_sigmoid(x):
    """``log(sigmoid(x))``, computed stably."""
    return _b.log_sigmoid(x)


@op
def leaky_relu(x, negative_slope=0.2):
    """``x`` for ``x >= 0``, ``negative_slope * x`` otherwise."""
    return _b.leaky_relu(x, negative_slope=negative_slope)


@op
def hard_sigmoid(x):
    """Piecewise-linear sigmoid: ``clip(x / 6 + 0.5, 0, 1)``."""
    return _b.hard_sigmoid(x)


@op
def elu(x, alpha=1.0):
    """Exponential linear unit."""
    return _b.elu(x, alpha=alpha)


@op
def selu(x):
    """Scaled exponential linear unit."""
    return _b.selu(x)


@op
def gelu(x, approximate=True):
    """Gaussian error linear unit (tanh approximation by default)."""
    return _b.gelu(x, approximate=approximate)


@op
def softmax(x, axis=-1):
    """Softmax along ``axis``."""
    return _b.softmax(x, axis=axis)


@op
def log_softmax(x, axis=-1):
    """Log-softmax along ``axis``."""
    return _b.log_softmax(x, axis=axis)


@op
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encodes integer labels; negative labels give all zeros."""
    if sparse:
        raise ValueError("Sparse one-hot tensors are not supported by cornu yet. Pass sparse=False.")
    return _b.one_hot(x, int(num_classes), axis=axis, dtype=dtype or config.floatx())


@op
def moments(x, axes, keepdims=False, synchronized=False):
    """Mean and variance of ``x`` over ``axes``."""
    x = convert_to_tensor(x)
    compute_dtype = x.dtype
    if backend.standardize_dtype(x.dtype) in ("float16", "bfloat16"):
        x = cast(x, "float32")
    mean = np_ops.mean(x, axis=axes, keepdims=True)
    variance = np_ops.mean(np_ops.square(x - backend.stop_gradient(mean)), axis=axes, keepdims=True)
    if not keepdims:
        mean = np_ops.squeeze(mean, axis=axes)
        variance = np_ops.squeeze(variance, axis=axes)
    return cast(mean, compute_dtype), cast(variance, compute_dtype)


@op
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """Normalizes ``x`` with the given statistics: ``(x - mean) / sqrt(var + eps) * scale + offset``."""
    x = convert_to_tensor(x)
    shape = [1] * len(x.shape)
    shape[axis] = x.shape[axis]

    def bcast(v):
        return np_ops.reshape(v, shape)

    inv = 1.0 / np_ops.sqrt(bcast(variance) + epsilon)
    if scale is not None:
        inv = inv * bcast(scale)
    res = -bcast(mean) * inv
    if offset is not None:
        res = res + bcast(offset)
    return x * inv + res


def _check_same_rank(target, output, name):
    if len(target.shape) != len(output.shape):
        raise ValueError(
            f"{name}: `target` and `output` must have the same rank. "
            f"Received: target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
        )


@op
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy between one-hot ``target`` and probabilities (or logits) ``output``."""
    target = convert_to_tensor(target)
    output = convert_to_tensor(output)
    _check_same_rank(target, output, "categorical_crossentropy")
    if from_logits:
        log_prob = log_softmax(output, axis=axis)
    else:
        output = output / np_ops.sum(output, axis=axis, keepdims=True)
        eps = config.epsilon()
        log_prob = np_ops.log(np_ops.clip(output, eps, 1.0 - eps))
    return -np_ops.sum(cast(target, log_prob.dtype) * log_prob, axis=axis)


@op
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy between integer labels ``target`` and probabilities (or logits) ``output``."""
    target = convert_to_tensor(target)
    output = convert_to_tensor(output)
    if len(target.shape) == len(output.shape) and target.shape[-1] == 1:
        target = np_ops.squeeze(target, axis=-1)
    if len(target.shape) != len(output.shape) - 1:
        raise ValueError(
            "sparse_categorical_crossentropy: `target` must have one dimension fewer than "
            f"`output`. Received: target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
        )
    if from_logits:
        log_prob = log_softmax(output, axis=axis)
    else:
        output = output / np_ops.sum(output, axis=axis, keepdims=True)
        eps = config.epsilon()
        log_prob = np_ops.log(np_ops.clip(output, eps, 1.0 - eps))
    labels = one_hot(cast(target, "int32"), output.shape[axis], axis=axis, dtype=log_prob.dtype)
    return -np_ops.sum(labels * log_prob, axis=axis)


@op
def binary_crossentropy(target, output, from_logits=False):
    """Element-wise binary crossentropy between ``target`` and probabilities (or logits)."""
    target = convert_to_tensor(target)
    output = convert_to_tensor(output)
    if tuple(target.shape) != tuple(output.shape):
        raise ValueError(
            "binary_crossentropy: `target` and `output` must have the same shape. "
            f"Received: target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
        )
    target = cast(target, output.dtype)
    if from_logits:
        # max(x, 0) - x * z + log(1 + exp(-abs(x)))
        return relu(output) - output * target + np_ops.log1p(np_ops.exp(-np_ops.abs(output)))
    eps = config.epsilon()
    output = np_ops.clip(output, eps, 1.0 - eps)
    return -(target * np_ops.log(output) + (1.0 - target) * np_ops.log(1.0 - output))
