"""Products on JAX: matrix products, contractions, correlation.

Backs ``cornu.ops.numpy.products``; re-exported by ``cornu.backend.jax.numpy``.
"""

import builtins

import jax.numpy as jnp

from cornu.backend.common.array_namespace_ops import names
from cornu.backend.jax.numpy._common import _float_input, _float_pair, _t

__all__ = names.PRODUCTS


def _int8_pair(x1, x2):
    return "int32" if x1.dtype == jnp.int8 and x2.dtype == jnp.int8 else None


def matmul(x1, x2):
    x1, x2 = _t(x1), _t(x2)
    return jnp.matmul(x1, x2, preferred_element_type=_int8_pair(x1, x2))


def dot(x1, x2):
    return jnp.dot(_t(x1), _t(x2))


def vdot(x1, x2):
    return jnp.vdot(_t(x1), _t(x2))


def inner(x1, x2):
    return jnp.inner(_t(x1), _t(x2))


def outer(x1, x2):
    return jnp.outer(_t(x1), _t(x2))


def tensordot(x1, x2, axes=2):
    return jnp.tensordot(_t(x1), _t(x2), axes=axes)


def einsum(subscripts, *operands, **kwargs):
    operands = [_t(o) for o in operands]
    if operands and builtins.all(o.dtype == jnp.int8 for o in operands):
        kwargs.setdefault("preferred_element_type", "int32")
    return jnp.einsum(subscripts, *operands, **kwargs)


def kron(x1, x2):
    return jnp.kron(_t(x1), _t(x2))


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    return jnp.cross(_t(x1), _t(x2), axisa=axisa, axisb=axisb, axisc=axisc, axis=axis)


def slogdet(x):
    return tuple(jnp.linalg.slogdet(_float_input(x)))


def correlate(x1, x2, mode="valid"):
    x1, x2 = _float_pair(x1, x2)
    return jnp.correlate(x1, x2, mode=mode)


def corrcoef(x):
    return jnp.corrcoef(_float_input(x))
