"""Core ops: conversion, casting, shapes and control flow."""

from cornu import backend
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.ops.decorator import op


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


_m = backend.math


@op
def slice(inputs, start_indices, shape):
    """The block of ``inputs`` of size ``shape`` starting at ``start_indices`` (may be a tensor).

    Example: ``slice(ops.arange(6), [2], [3])  # [2, 3, 4]``
    """
    return _m.slice(inputs, start_indices, shape)


@op
def slice_update(inputs, start_indices, updates):
    """``inputs`` with the block at ``start_indices`` replaced by ``updates``.

    Example: ``slice_update(ops.zeros((4,)), [1], ops.ones((2,)))  # [0., 1., 1., 0.]``
    """
    return _m.slice_update(inputs, start_indices, updates)


@op
def scatter(indices, values, shape):
    """A zeros tensor of ``shape`` with ``values`` added at ``indices`` (last axis indexes dims).

    Example: ``scatter([[1], [3]], [5.0, 7.0], (4,))  # [0., 5., 0., 7.]``
    """
    return _m.scatter(indices, values, shape)


@op
def scatter_update(inputs, indices, updates, reduction=None):
    """``inputs`` with ``updates`` written (or combined with ``reduction``: 'add', 'max', 'min', 'mul') at ``indices``.

    Example: ``scatter_update(ops.zeros((3,)), [[0], [2]], [1.0, 2.0])  # [1., 0., 2.]``
    """
    return _m.scatter_update(inputs, indices, updates, reduction=reduction)


@op
def unstack(x, num=None, axis=0):
    """Splits ``x`` into a list of tensors along ``axis``. Example: ``unstack([[1, 2], [3, 4]])  # [[1, 2], [3, 4]]``"""
    size = x.shape[axis]
    if num is not None and size is not None and num != size:
        raise ValueError(f"unstack: `num` must equal x.shape[axis]. Received: num={num}, x.shape={tuple(x.shape)}")
    return _m.unstack(x, num=num, axis=axis)


@op(explain_errors=False)
def map(f, xs):
    """Applies ``f`` to each slice of ``xs`` along its first axis and stacks the results.

    Example: ``map(lambda v: v * 2, ops.arange(3))  # [0, 2, 4]``
    """
    return _m.map(f, xs)


@op(explain_errors=False)
def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loops ``carry, y = f(carry, x)`` over the leading axis of ``xs``; returns ``(carry, stacked ys)``.

    Example: ``scan(lambda c, x: (c + x, c), 0.0, ops.ones((3,)))  # (3., [0., 1., 2.])``
    """
    return _m.scan(f, init, xs=xs, length=length, reverse=reverse, unroll=unroll)


@op(explain_errors=False)
def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive scan of ``elems`` along ``axis`` with the associative function ``f``.

    Example: ``associative_scan(ops.add, ops.arange(4))  # [0, 1, 3, 6]``
    """
    return _m.associative_scan(f, elems, reverse=reverse, axis=axis)


@op(explain_errors=False)
def switch(index, branches, *operands):
    """Runs ``branches[index](*operands)``; ``index`` is clamped to the valid range.

    Example: ``switch(1, [lambda v: v + 1, lambda v: v * 2], 3)  # 6``
    """
    return _m.switch(index, branches, *operands)


@op(explain_errors=False)
def vectorized_map(function, elements):
    """Applies ``function`` to each slice of ``elements`` along the first axis (vmap where possible).

    Example: ``vectorized_map(lambda v: ops.sum(v), ops.ones((2, 3)))  # [3., 3.]``
    """
    return _m.vectorized_map(function, elements)


def custom_gradient(f):
    """Decorates ``f`` that returns ``(output, grad_fn)``, so gradients use ``grad_fn(upstream)``.

    Example::

        @ops.custom_gradient
        def clip_grad(x):
            return x, lambda upstream: ops.clip(upstream, -1.0, 1.0)
    """
    return _m.custom_gradient(f)


@op
def saturate_cast(x, dtype):
    """Casts ``x`` to ``dtype``, clamping values to the target dtype's range first.

    Example: ``saturate_cast([300, -5], "uint8")  # [255, 0]``
    """
    return _m.saturate_cast(x, dtype)


@op
def view_as_real(x):
    """A real tensor with a trailing axis of size 2 holding the real and imaginary parts of ``x``.

    Example: ``view_as_real(ops.array([1 + 2j]))  # [[1., 2.]]``
    """
    _n = backend.numpy
    return _n.stack([_n.real(x), _n.imag(x)], axis=-1)


@op
def view_as_complex(x):
    """The complex tensor whose real and imaginary parts are ``x[..., 0]`` and ``x[..., 1]``.

    Example: ``view_as_complex([[1.0, 2.0]])  # [1+2j]``
    """
    _n = backend.numpy
    x = backend.convert_to_tensor(x)
    return _n.add(_n.take(x, 0, axis=-1), _n.multiply(_n.take(x, 1, axis=-1), 1j))


__all__ = [n for n, v in list(globals().items()) if callable(v) and getattr(v, "__module__", None) == __name__ and not n.startswith("_")]
