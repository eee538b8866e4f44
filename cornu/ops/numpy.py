"""NumPy-like ops (``cornu.ops.numpy``, also flattened into ``cornu.ops``).

Each op is one plain function over the backend; :func:`op` makes it work on
symbolic tensors too.
"""

from cornu import backend
from cornu.ops.operation import op

_b = backend.numpy


@op
def add(x1, x2):
    """Element-wise ``x1 + x2`` with Keras dtype promotion.

    Example:
    >>> cornu.ops.add([1, 2], 3)  # [4, 5], int32
    """
    return _b.add(x1, x2)


@op
def subtract(x1, x2):
    """Element-wise ``x1 - x2``."""
    return _b.subtract(x1, x2)


@op
def multiply(x1, x2):
    """Element-wise ``x1 * x2``."""
    return _b.multiply(x1, x2)


@op
def divide(x1, x2):
    """Element-wise true division; integer inputs give a float result."""
    return _b.divide(x1, x2)


@op
def true_divide(x1, x2):
    """Alias of :func:`divide`."""
    return _b.true_divide(x1, x2)


@op
def floor_divide(x1, x2):
    """Element-wise floor division."""
    return _b.floor_divide(x1, x2)


@op
def mod(x1, x2):
    """Element-wise remainder (sign of the divisor)."""
    return _b.mod(x1, x2)


@op
def power(x1, x2):
    """Element-wise ``x1 ** x2``."""
    return _b.power(x1, x2)


@op
def maximum(x1, x2):
    """Element-wise maximum."""
    return _b.maximum(x1, x2)


@op
def minimum(x1, x2):
    """Element-wise minimum."""
    return _b.minimum(x1, x2)


@op
def matmul(x1, x2):
    """Matrix product with NumPy broadcasting rules."""
    return _b.matmul(x1, x2)


@op
def dot(x1, x2):
    """Dot product (NumPy semantics)."""
    return _b.dot(x1, x2)


@op
def tensordot(x1, x2, axes=2):
    """Tensor contraction over ``axes``."""
    return _b.tensordot(x1, x2, axes=axes)


@op
def einsum(subscripts, *operands, **kwargs):
    """Einstein summation, e.g. ``einsum("ij,jk->ik", a, b)``."""
    return _b.einsum(subscripts, *operands, **kwargs)


@op
def equal(x1, x2):
    """Element-wise ``x1 == x2``."""
    return _b.equal(x1, x2)


@op
def not_equal(x1, x2):
    """Element-wise ``x1 != x2``."""
    return _b.not_equal(x1, x2)


@op
def less(x1, x2):
    """Element-wise ``x1 < x2``."""
    return _b.less(x1, x2)


@op
def less_equal(x1, x2):
    """Element-wise ``x1 <= x2``."""
    return _b.less_equal(x1, x2)


@op
def greater(x1, x2):
    """Element-wise ``x1 > x2``."""
    return _b.greater(x1, x2)


@op
def greater_equal(x1, x2):
    """Element-wise ``x1 >= x2``."""
    return _b.greater_equal(x1, x2)


@op
def logical_and(x1, x2):
    """Element-wise logical AND."""
    return _b.logical_and(x1, x2)


@op
def logical_or(x1, x2):
    """Element-wise logical OR."""
    return _b.logical_or(x1, x2)


@op
def logical_xor(x1, x2):
    """Element-wise logical XOR."""
    return _b.logical_xor(x1, x2)


@op
def logical_not(x):
    """Element-wise logical NOT."""
    return _b.logical_not(x)


@op
def negative(x):
    """Element-wise ``-x``."""
    return _b.negative(x)


@op
def absolute(x):
    """Element-wise absolute value."""
    return _b.absolute(x)


@op
def abs(x):
    """Element-wise absolute value (alias of :func:`absolute`)."""
    return _b.absolute(x)


@op
def sign(x):
    """Element-wise sign: -1, 0 or 1."""
    return _b.sign(x)


@op
def square(x):
    """Element-wise ``x * x``."""
    return _b.square(x)


@op
def sqrt(x):
    """Element-wise square root (integers are promoted to floatx)."""
    return _b.sqrt(x)


@op
def exp(x):
    """Element-wise exponential."""
    return _b.exp(x)


@op
def log(x):
    """Element-wise natural logarithm."""
    return _b.log(x)


@op
def log1p(x):
    """Element-wise ``log(1 + x)``."""
    return _b.log1p(x)


@op
def tanh(x):
    """Element-wise hyperbolic tangent."""
    return _b.tanh(x)


@op
def floor(x):
    """Element-wise floor."""
    return _b.floor(x)


@op
def ceil(x):
    """Element-wise ceiling."""
    return _b.ceil(x)


@op
def round(x, decimals=0):
    """Round half to even, to ``decimals`` places."""
    return _b.round(x, decimals=decimals)


@op
def clip(x, x_min, x_max):
    """Clips values to ``[x_min, x_max]``."""
    return _b.clip(x, x_min, x_max)


@op
def where(condition, x1=None, x2=None):
    """Picks ``x1`` where ``condition`` holds, else ``x2``."""
    return _b.where(condition, x1, x2)


@op
def sum(x, axis=None, keepdims=False):
    """Sum over ``axis`` (all axes when None)."""
    return _b.sum(x, axis=axis, keepdims=keepdims)


@op
def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over ``axis``."""
    return _b.prod(x, axis=axis, keepdims=keepdims, dtype=dtype)


@op
def mean(x, axis=None, keepdims=False):
    """Mean over ``axis``; integer inputs give floatx."""
    return _b.mean(x, axis=axis, keepdims=keepdims)


@op
def var(x, axis=None, keepdims=False):
    """Population variance over ``axis``."""
    return _b.var(x, axis=axis, keepdims=keepdims)


@op
def std(x, axis=None, keepdims=False):
    """Population standard deviation over ``axis``."""
    return _b.std(x, axis=axis, keepdims=keepdims)


@op
def max(x, axis=None, keepdims=False, initial=None):
    """Maximum over ``axis``."""
    return _b.max(x, axis=axis, keepdims=keepdims, initial=initial)


@op
def min(x, axis=None, keepdims=False, initial=None):
    """Minimum over ``axis``."""
    return _b.min(x, axis=axis, keepdims=keepdims, initial=initial)


@op
def argmax(x, axis=None, keepdims=False):
    """Index of the maximum along ``axis`` (int32)."""
    return _b.argmax(x, axis=axis, keepdims=keepdims)


@op
def argmin(x, axis=None, keepdims=False):
    """Index of the minimum along ``axis`` (int32)."""
    return _b.argmin(x, axis=axis, keepdims=keepdims)


@op
def any(x, axis=None, keepdims=False):
    """Whether any element along ``axis`` is true."""
    return _b.any(x, axis=axis, keepdims=keepdims)


@op
def all(x, axis=None, keepdims=False):
    """Whether all elements along ``axis`` are true."""
    return _b.all(x, axis=axis, keepdims=keepdims)


@op
def cumsum(x, axis=None, dtype=None):
    """Cumulative sum along ``axis``."""
    return _b.cumsum(x, axis=axis, dtype=dtype)


@op
def reshape(x, newshape):
    """Gives ``x`` a new shape; one dim may be -1."""
    return _b.reshape(x, newshape)


@op
def transpose(x, axes=None):
    """Permutes the axes of ``x``."""
    return _b.transpose(x, axes=axes)


@op
def expand_dims(x, axis):
    """Inserts a length-1 axis at ``axis``."""
    return _b.expand_dims(x, axis)


@op
def squeeze(x, axis=None):
    """Removes length-1 axes."""
    return _b.squeeze(x, axis=axis)


@op
def concatenate(xs, axis=0):
    """Joins a sequence of tensors along ``axis``."""
    return _b.concatenate(xs, axis=axis)


@op
def stack(x, axis=0):
    """Stacks a sequence of tensors along a new ``axis``."""
    return _b.stack(x, axis=axis)


@op
def split(x, indices_or_sections, axis=0):
    """Splits ``x`` into a list of sub-tensors."""
    return _b.split(x, indices_or_sections, axis=axis)


@op
def broadcast_to(x, shape):
    """Broadcasts ``x`` to ``shape``."""
    return _b.broadcast_to(x, shape)


@op
def tile(x, repeats):
    """Repeats the whole of ``x`` ``repeats`` times per axis."""
    return _b.tile(x, repeats)


@op
def repeat(x, repeats, axis=None):
    """Repeats each element of ``x``."""
    return _b.repeat(x, repeats, axis=axis)


@op
def take(x, indices, axis=None):
    """Gathers elements of ``x`` at ``indices`` along ``axis``."""
    return _b.take(x, indices, axis=axis)


@op
def take_along_axis(x, indices, axis=None):
    """Gathers along ``axis`` with indices shaped like ``x``."""
    return _b.take_along_axis(x, indices, axis=axis)


@op
def get_item(x, key):
    """``x[key]``."""
    return _b.get_item(x, key)


@op
def pad(x, pad_width, mode="constant", constant_values=None):
    """Pads ``x``; ``pad_width`` is a list of ``(before, after)`` per axis."""
    return _b.pad(x, pad_width, mode=mode, constant_values=constant_values)


@op
def flip(x, axis=None):
    """Reverses the order of elements along ``axis``."""
    return _b.flip(x, axis=axis)


@op
def sort(x, axis=-1):
    """Sorts along ``axis``."""
    return _b.sort(x, axis=axis)


@op
def argsort(x, axis=-1):
    """Indices that sort ``x`` along ``axis``."""
    return _b.argsort(x, axis=axis)


@op
def copy(x):
    """Returns a copy of ``x``."""
    return _b.copy(x)


def zeros(shape, dtype=None):
    """A tensor of zeros."""
    return _b.zeros(shape, dtype=dtype)


def ones(shape, dtype=None):
    """A tensor of ones."""
    return _b.ones(shape, dtype=dtype)


def full(shape, fill_value, dtype=None):
    """A tensor filled with ``fill_value``."""
    return _b.full(shape, fill_value, dtype=dtype)


@op
def zeros_like(x, dtype=None):
    """Zeros with the shape (and dtype) of ``x``."""
    return _b.zeros_like(x, dtype=dtype)


@op
def ones_like(x, dtype=None):
    """Ones with the shape (and dtype) of ``x``."""
    return _b.ones_like(x, dtype=dtype)


@op
def full_like(x, fill_value, dtype=None):
    """``fill_value`` with the shape (and dtype) of ``x``."""
    return _b.full_like(x, fill_value, dtype=dtype)


def eye(N, M=None, k=0, dtype=None):
    """A 2-D tensor with ones on the k-th diagonal."""
    return _b.eye(N, M=M, k=k, dtype=dtype)


def arange(start, stop=None, step=1, dtype=None):
    """Evenly spaced values in ``[start, stop)``."""
    return _b.arange(start, stop, step=step, dtype=dtype)


def size(x):
    """Number of elements of ``x``."""
    if backend.is_keras_tensor(x):
        import math

        if None in x.shape:
            raise ValueError(f"size() needs a fully known shape. Received: x={x!r}")
        return math.prod(x.shape)
    return _b.size(x)


def ndim(x):
    """Number of dimensions of ``x``."""
    if backend.is_keras_tensor(x):
        return x.ndim
    return _b.ndim(x)


@op
def isnan(x):
    """Element-wise NaN test."""
    return _b.isnan(x)


@op
def isfinite(x):
    """Element-wise finiteness test."""
    return _b.isfinite(x)


@op
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replaces NaN and infinities with finite numbers."""
    return _b.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)
