"""Core ops: conversion, casting, shapes and control flow."""

from cornu import backend
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.ops.operation import op


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """Converts ``x`` (array, list, scalar, Variable) to a backend tensor.

    Example:
    >>> t = cornu.ops.convert_to_tensor([1.0, 2.0])
    """
    if isinstance(x, KerasTensor):
        return x if dtype is None else cast(x, dtype)
    return backend.convert_to_tensor(x, dtype=dtype, sparse=sparse, ragged=ragged)


def convert_to_numpy(x):
    """Converts a tensor to a NumPy array."""
    if isinstance(x, KerasTensor):
        x.__array__()
    return backend.convert_to_numpy(x)


def is_tensor(x):
    """Whether ``x`` is a native tensor of the active backend."""
    return backend.is_tensor(x)


def shape(x):
    """The shape of ``x`` as a tuple (``None`` for unknown symbolic dims)."""
    if isinstance(x, KerasTensor):
        return x.shape
    return backend.shape(x)


def dtype(x):
    """The standardized dtype name of ``x``."""
    return backend.standardize_dtype(x.dtype)


@op
def cast(x, dtype):
    """Casts ``x`` to ``dtype``."""
    return backend.cast(x, dtype)


@op
def stop_gradient(variable):
    """Returns ``variable`` with gradients blocked."""
    return backend.stop_gradient(variable)


def cond(pred, true_fn, false_fn):
    """Runs ``true_fn()`` if ``pred`` else ``false_fn()``; traceable on JAX."""
    return backend.cond(pred, true_fn, false_fn)


def fori_loop(lower, upper, body_fun, init_val):
    """``for i in range(lower, upper): val = body_fun(i, val)``; traceable on JAX."""
    return backend.fori_loop(lower, upper, body_fun, init_val)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Runs ``body`` while ``cond`` holds; traceable on JAX."""
    return backend.while_loop(cond, body, loop_vars, maximum_iterations=maximum_iterations)
