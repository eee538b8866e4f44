"""NumPy neural-network primitives."""

import numpy as np

from cornu.backend.numpy.core import convert_to_tensor, to_numpy_dtype
from cornu.backend.numpy.numpy import _float_input


def _cast_like(out, x):
    return np.asarray(out, dtype=x.dtype)


def relu(x):
    x = convert_to_tensor(x)
    return np.maximum(x, np.asarray(0, dtype=x.dtype))


def relu6(x):
    x = convert_to_tensor(x)
    return np.clip(x, np.asarray(0, dtype=x.dtype), np.asarray(6, dtype=x.dtype))


def sigmoid(x):
    x = _float_input(x)
    return _cast_like(0.5 * (np.tanh(0.5 * x) + 1.0), x)


def softplus(x):
    x = _float_input(x)
    return _cast_like(np.logaddexp(x, 0.0), x)


def softsign(x):
    x = _float_input(x)
    return _cast_like(x / (1.0 + np.abs(x)), x)


def silu(x):
    x = _float_input(x)
    return _cast_like(x * sigmoid(x), x)


def log_sigmoid(x):
    x = _float_input(x)
    return _cast_like(-np.logaddexp(-x, 0.0), x)


def leaky_relu(x, negative_slope=0.2):
    x = _float_input(x)
    return _cast_like(np.where(x >= 0, x, negative_slope * x), x)


def hard_sigmoid(x):
    x = _float_input(x)
    return _cast_like(np.clip(x / 6.0 + 0.5, 0.0, 1.0), x)


def elu(x, alpha=1.0):
    x = _float_input(x)
    return _cast_like(np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))), x)


def selu(x):
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    x = _float_input(x)
    return _cast_like(scale * np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))), x)


def gelu(x, approximate=True):
    x = _float_input(x)
    if approximate:
        out = 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3)))
    else:
        from scipy.special import erf

        out = 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))
    return _cast_like(out, x)


def softmax(x, axis=-1):
    x = _float_input(x)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return _cast_like(e / np.sum(e, axis=axis, keepdims=True), x)


def log_softmax(x, axis=-1):
    x = _float_input(x)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return _cast_like(shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True)), x)


def one_hot(x, num_classes, axis=-1, dtype="float32", sparse=False):
    x = convert_to_tensor(x)
    out = (x[..., None] == np.arange(num_classes)).astype(to_numpy_dtype(dtype))
    if axis != -1:
        out = np.moveaxis(out, -1, axis)
    return out
