"""JAX neural-network primitives."""

import jax
import jax.numpy as jnp

from cornu.backend.jax.core import convert_to_tensor
from cornu.backend.jax.numpy import _float_input


def relu(x):
    return jax.nn.relu(convert_to_tensor(x))


def relu6(x):
    return jax.nn.relu6(convert_to_tensor(x))


def sigmoid(x):
    return jax.nn.sigmoid(_float_input(x))


def softplus(x):
    return jax.nn.softplus(_float_input(x))


def softsign(x):
    return jax.nn.soft_sign(_float_input(x))


def silu(x):
    return jax.nn.silu(_float_input(x))


def log_sigmoid(x):
    return jax.nn.log_sigmoid(_float_input(x))


def leaky_relu(x, negative_slope=0.2):
    return jax.nn.leaky_relu(_float_input(x), negative_slope=negative_slope)


def hard_sigmoid(x):
    return jax.nn.hard_sigmoid(_float_input(x))


def elu(x, alpha=1.0):
    return jax.nn.elu(_float_input(x), alpha=alpha)


def selu(x):
    return jax.nn.selu(_float_input(x))


def gelu(x, approximate=True):
    return jax.nn.gelu(_float_input(x), approximate=approximate)


def softmax(x, axis=-1):
    return jax.nn.softmax(_float_input(x), axis=axis)


def log_softmax(x, axis=-1):
    return jax.nn.log_softmax(_float_input(x), axis=axis)


def one_hot(x, num_classes, axis=-1, dtype="float32", sparse=False):
    return jax.nn.one_hot(convert_to_tensor(x), num_classes, axis=axis, dtype=dtype)
