"""Tensor creation: ranges, constant fills, identity and triangular matrices, windows, grids.

Part of ``cornu.ops.numpy`` (also flattened into ``cornu.ops``); examples use ``ops``
for ``cornu.ops``.
"""

from cornu import backend
from cornu.ops.decorator import op

_b = backend.numpy


@op
def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in `[start, stop)`; Python ints give int32, floats floatx.

    Example: ``ops.arange(3)  # [0, 1, 2]``
    """
    return _b.arange(start, stop=stop, step=step, dtype=dtype)


@op
def array(x, dtype=None):
    """Creates a tensor from `x` (alias of `convert_to_tensor`). Example: ``ops.array([1, 2])  # int32 tensor``"""
    return _b.array(x, dtype=dtype)


def bartlett(x):
    """The Bartlett (triangular) window of `x` points, in floatx. Example: ``ops.bartlett(3)  # [0., 1., 0.]``"""
    return _b.bartlett(x)


def blackman(x):
    """The Blackman window of `x` points, in floatx. Example: ``ops.blackman(3)  # [0., 1., 0.]``"""
    return _b.blackman(x)


@op
def copy(x):
    """Returns a copy of `x`. Example: ``ops.copy([1, 2])  # [1, 2]``"""
    return _b.copy(x)


@op
def diag(x, k=0):
    """Extracts the `k`-th diagonal of a 2-D `x`, or builds a diagonal matrix from a 1-D `x`.

    Example: ``ops.diag([1, 2])  # [[1, 0], [0, 2]]``
    """
    return _b.diag(x, k=k)


@op
def diagflat(x, k=0):
    """A 2-D tensor with the flattened `x` on the `k`-th diagonal.

    Example: ``ops.diagflat([[1, 2]])  # [[1, 0], [0, 2]]``
    """
    return _b.diagflat(x, k=k)


def empty(shape, dtype=None):
    """An uninitialized-looking tensor of `shape` (cornu fills it with zeros).

    Example: ``ops.empty((2,))  # shape (2,)``
    """
    return _b.empty(shape, dtype=dtype)


@op
def empty_like(x, dtype=None):
    """A tensor with the shape and dtype of `x` (cornu fills it with zeros).

    Example: ``ops.empty_like([1, 2])  # shape (2,)``
    """
    return _b.empty_like(x, dtype=dtype)


def eye(N, M=None, k=0, dtype=None):
    """A 2-D tensor with ones on the `k`-th diagonal. Example: ``ops.eye(2)  # [[1., 0.], [0., 1.]]``"""
    return _b.eye(N, M=M, k=k, dtype=dtype)


@op
def full(shape, fill_value, dtype=None):
    """A tensor of `shape` filled with `fill_value`. Example: ``ops.full((2,), 7)  # [7, 7]``"""
    return _b.full(shape, fill_value, dtype=dtype)


@op
def full_like(x, fill_value, dtype=None):
    """`fill_value` in the shape (and dtype) of `x`. Example: ``ops.full_like([1, 2], 0)  # [0, 0]``"""
    return _b.full_like(x, fill_value, dtype=dtype)


@op
def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """`num` numbers spaced evenly on a log scale from `start` to `stop`.

    Example: ``ops.geomspace(1.0, 100.0, num=3)  # [1., 10., 100.]``
    """
    return _b.geomspace(start, stop, num=num, endpoint=endpoint, dtype=dtype, axis=axis)


def hamming(x):
    """The Hamming window of `x` points, in floatx. Example: ``ops.hamming(3)  # [0.08, 1., 0.08]``"""
    return _b.hamming(x)


def hanning(x):
    """The Hann window of `x` points, in floatx. Example: ``ops.hanning(3)  # [0., 1., 0.]``"""
    return _b.hanning(x)


def identity(n, dtype=None):
    """The `n x n` identity matrix. Example: ``ops.identity(2)  # [[1., 0.], [0., 1.]]``"""
    return _b.identity(n, dtype=dtype)


def kaiser(x, beta):
    """The Kaiser window of `x` points with shape parameter `beta`, in floatx.

    Example: ``ops.kaiser(3, 0.0)  # [1., 1., 1.]``
    """
    return _b.kaiser(x, beta)


@op
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """`num` evenly spaced numbers from `start` to `stop`.

    Example: ``ops.linspace(0.0, 1.0, num=3)  # [0., 0.5, 1.]``
    """
    return _b.linspace(start, stop, num=num, endpoint=endpoint, retstep=retstep, dtype=dtype, axis=axis)


@op
def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """`num` numbers spaced evenly on a log scale: `base ** linspace(start, stop)`.

    Example: ``ops.logspace(0.0, 2.0, num=3)  # [1., 10., 100.]``
    """
    return _b.logspace(start, stop, num=num, endpoint=endpoint, base=base, dtype=dtype, axis=axis)


@op
def meshgrid(*x, indexing='xy'):
    """Coordinate grids from 1-D coordinate vectors.

    Example: ``ops.meshgrid([1, 2], [3, 4])  # two (2, 2) tensors``
    """
    return _b.meshgrid(*x, indexing=indexing)


def ones(shape, dtype=None):
    """A tensor of ones (floatx unless `dtype`). Example: ``ops.ones((2,))  # [1., 1.]``"""
    return _b.ones(shape, dtype=dtype)


@op
def ones_like(x, dtype=None):
    """Ones with the shape (and dtype) of `x`. Example: ``ops.ones_like([1, 2])  # [1, 1]``"""
    return _b.ones_like(x, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    """An `N x M` tensor with ones at and below the `k`-th diagonal.

    Example: ``ops.tri(2)  # [[1., 0.], [1., 1.]]``
    """
    return _b.tri(N, M=M, k=k, dtype=dtype)


@op
def tril(x, k=0):
    """Zeroes the elements above the `k`-th diagonal. Example: ``ops.tril([[1, 2], [3, 4]])  # [[1, 0], [3, 4]]``"""
    return _b.tril(x, k=k)


@op
def triu(x, k=0):
    """Zeroes the elements below the `k`-th diagonal. Example: ``ops.triu([[1, 2], [3, 4]])  # [[1, 2], [0, 4]]``"""
    return _b.triu(x, k=k)


@op
def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of `x` with `N` columns. Example: ``ops.vander([1, 2], N=2)  # [[1, 1], [2, 1]]``"""
    return _b.vander(x, N=N, increasing=increasing)


def zeros(shape, dtype=None):
    """A tensor of zeros (floatx unless `dtype`). Example: ``ops.zeros((2,))  # [0., 0.]``"""
    return _b.zeros(shape, dtype=dtype)


@op
def zeros_like(x, dtype=None):
    """Zeros with the shape (and dtype) of `x`. Example: ``ops.zeros_like([1, 2])  # [0, 0]``"""
    return _b.zeros_like(x, dtype=dtype)


__all__ = [n for n, v in list(globals().items()) if callable(v) and getattr(v, "__module__", None) == __name__ and not n.startswith("_")]
