"""NumPy-like ops: ``cornu.ops.numpy``, also flattened into ``cornu.ops``.

Each op is one plain function with Keras's exact signature that calls the
backend; :func:`~cornu.ops.operation.op` makes it work on symbolic tensors
too. Examples use ``ops`` for ``cornu.ops``.
"""

import math as _math

from cornu import backend
from cornu.ops.operation import op

_b = backend.numpy


@op
def abs(x):
    """Element-wise absolute value (alias of `absolute`). Example: ``ops.abs([-1, 2])  # [1, 2]``"""
    return _b.abs(x)


@op
def absolute(x):
    """Element-wise absolute value. Example: ``ops.absolute([-1.5])  # [1.5]``"""
    return _b.absolute(x)


@op
def add(x1, x2):
    """Element-wise `x1 + x2` with Keras dtype promotion (Python scalars are weak).

    Example: ``ops.add([1, 2], 3)  # [4, 5], int32``
    """
    return _b.add(x1, x2)


@op
def all(x, axis=None, keepdims=False):
    """Whether all elements along `axis` are true. Example: ``ops.all([True, False])  # False``"""
    return _b.all(x, axis=axis, keepdims=keepdims)


@op
def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether all elements of `x1` and `x2` are equal within `atol + rtol * abs(x2)`.

    Example: ``ops.allclose([1.0], [1.0 + 1e-7])  # True``
    """
    return _b.allclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


@op
def amax(x, axis=None, keepdims=False):
    """Maximum along `axis` (NumPy's `amax`). Example: ``ops.amax([[1, 5], [3, 2]], axis=0)  # [3, 5]``"""
    return _b.amax(x, axis=axis, keepdims=keepdims)


@op
def amin(x, axis=None, keepdims=False):
    """Minimum along `axis` (NumPy's `amin`). Example: ``ops.amin([[1, 5], [3, 2]], axis=0)  # [1, 2]``"""
    return _b.amin(x, axis=axis, keepdims=keepdims)


@op
def angle(x):
    """Element-wise argument of a complex number (0 or pi for reals); integers give floatx.

    Example: ``ops.angle([-1.0, 1.0])  # [3.1416, 0.]``
    """
    return _b.angle(x)


@op
def any(x, axis=None, keepdims=False):
    """Whether any element along `axis` is true. Example: ``ops.any([False, True])  # True``"""
    return _b.any(x, axis=axis, keepdims=keepdims)


@op
def append(x1, x2, axis=None):
    """Appends `x2` to `x1` along `axis` (both flattened when `axis` is None).

    Example: ``ops.append([1, 2], [3])  # [1, 2, 3]``
    """
    return _b.append(x1, x2, axis=axis)


@op
def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in `[start, stop)`; Python ints give int32, floats floatx.

    Example: ``ops.arange(3)  # [0, 1, 2]``
    """
    return _b.arange(start, stop=stop, step=step, dtype=dtype)


@op
def arccos(x):
    """Element-wise inverse cosine. Example: ``ops.arccos([1.0])  # [0.]``"""
    return _b.arccos(x)


@op
def arccosh(x):
    """Element-wise inverse hyperbolic cosine. Example: ``ops.arccosh([1.0])  # [0.]``"""
    return _b.arccosh(x)


@op
def arcsin(x):
    """Element-wise inverse sine. Example: ``ops.arcsin([0.0])  # [0.]``"""
    return _b.arcsin(x)


@op
def arcsinh(x):
    """Element-wise inverse hyperbolic sine. Example: ``ops.arcsinh([0.0])  # [0.]``"""
    return _b.arcsinh(x)


@op
def arctan(x):
    """Element-wise inverse tangent. Example: ``ops.arctan([0.0])  # [0.]``"""
    return _b.arctan(x)


@op
def arctan2(x1, x2):
    """Element-wise angle of the point `(x2, x1)`, choosing the quadrant correctly.

    Example: ``ops.arctan2([1.0], [1.0])  # [0.7854]``
    """
    return _b.arctan2(x1, x2)


@op
def arctanh(x):
    """Element-wise inverse hyperbolic tangent. Example: ``ops.arctanh([0.0])  # [0.]``"""
    return _b.arctanh(x)


@op
def argmax(x, axis=None, keepdims=False):
    """Index of the maximum along `axis` (int32). Example: ``ops.argmax([1, 9, 3])  # 1``"""
    return _b.argmax(x, axis=axis, keepdims=keepdims)


@op
def argmin(x, axis=None, keepdims=False):
    """Index of the minimum along `axis` (int32). Example: ``ops.argmin([4, 0, 3])  # 1``"""
    return _b.argmin(x, axis=axis, keepdims=keepdims)


@op
def argpartition(x, kth, axis=-1):
    """Indices that partition `x` around its `kth` element along `axis` (int32).

    Example: ``ops.argpartition([3, 1, 2], 1)  # e.g. [1, 2, 0]``
    """
    return _b.argpartition(x, kth, axis=axis)


@op
def argsort(x, axis=-1):
    """Indices that sort `x` along `axis` (int32). Example: ``ops.argsort([3, 1, 2])  # [1, 2, 0]``"""
    return _b.argsort(x, axis=axis)


@op
def array(x, dtype=None):
    """Creates a tensor from `x` (alias of `convert_to_tensor`). Example: ``ops.array([1, 2])  # int32 tensor``"""
    return _b.array(x, dtype=dtype)


@op
def array_split(x, indices_or_sections, axis=0):
    """Splits `x` into possibly unequal parts.

    Example: ``ops.array_split(ops.arange(5), 2)  # [[0, 1, 2], [3, 4]]``
    """
    return _b.array_split(x, indices_or_sections, axis=axis)


@op
def average(x, axis=None, weights=None):
    """Weighted average along `axis`. Example: ``ops.average([1.0, 3.0], weights=[3.0, 1.0])  # 1.5``"""
    return _b.average(x, axis=axis, weights=weights)


def bartlett(x):
    """The Bartlett (triangular) window of `x` points, in floatx. Example: ``ops.bartlett(3)  # [0., 1., 0.]``"""
    return _b.bartlett(x)


@op
def bincount(x, weights=None, minlength=0, sparse=False):
    """Counts occurrences of each non-negative integer in `x` (weighted sums if `weights`).

    Example: ``ops.bincount([0, 1, 1, 3])  # [1, 2, 0, 1]``
    """
    return _b.bincount(x, weights=weights, minlength=minlength, sparse=sparse)


@op
def bitwise_and(x, y):
    """Element-wise bitwise AND of integers or booleans. Example: ``ops.bitwise_and([12], [10])  # [8]``"""
    return _b.bitwise_and(x, y)


@op
def bitwise_invert(x):
    """Element-wise bitwise NOT. Example: ``ops.bitwise_invert(ops.array([0], 'uint8'))  # [255]``"""
    return _b.bitwise_invert(x)


@op
def bitwise_left_shift(x, y):
    """Shifts the bits of `x` left by `y`. Example: ``ops.bitwise_left_shift([1], [3])  # [8]``"""
    return _b.bitwise_left_shift(x, y)


@op
def bitwise_not(x):
    """Element-wise bitwise NOT (alias of `bitwise_invert`). Example: ``ops.bitwise_not([0])  # [-1]``"""
    return _b.bitwise_not(x)


@op
def bitwise_or(x, y):
    """Element-wise bitwise OR. Example: ``ops.bitwise_or([12], [10])  # [14]``"""
    return _b.bitwise_or(x, y)


@op
def bitwise_right_shift(x, y):
    """Shifts the bits of `x` right by `y`. Example: ``ops.bitwise_right_shift([8], [3])  # [1]``"""
    return _b.bitwise_right_shift(x, y)


@op
def bitwise_xor(x, y):
    """Element-wise bitwise XOR. Example: ``ops.bitwise_xor([12], [10])  # [6]``"""
    return _b.bitwise_xor(x, y)


def blackman(x):
    """The Blackman window of `x` points, in floatx. Example: ``ops.blackman(3)  # [0., 1., 0.]``"""
    return _b.blackman(x)


@op
def broadcast_to(x, shape):
    """Broadcasts `x` to `shape`. Example: ``ops.broadcast_to([1, 2], (2, 2))  # [[1, 2], [1, 2]]``"""
    return _b.broadcast_to(x, shape)


@op
def cbrt(x):
    """Element-wise cube root. Example: ``ops.cbrt([8.0])  # [2.]``"""
    return _b.cbrt(x)


@op
def ceil(x):
    """Element-wise ceiling; integers give floatx. Example: ``ops.ceil([1.2])  # [2.]``"""
    return _b.ceil(x)


@op
def clip(x, x_min, x_max):
    """Clips values to `[x_min, x_max]`; booleans are clipped as int32.

    Example: ``ops.clip([-1, 5], 0, 3)  # [0, 3]``
    """
    return _b.clip(x, x_min, x_max)


@op
def concatenate(xs, axis=0):
    """Joins a sequence of tensors along `axis`. Example: ``ops.concatenate([[1], [2, 3]])  # [1, 2, 3]``"""
    return _b.concatenate(xs, axis=axis)


@op
def conj(x):
    """Element-wise complex conjugate (alias of `conjugate`). Example: ``ops.conj([1.0])  # [1.]``"""
    return _b.conj(x)


@op
def conjugate(x):
    """Element-wise complex conjugate. Example: ``ops.conjugate([1.0])  # [1.]``"""
    return _b.conjugate(x)


@op
def copy(x):
    """Returns a copy of `x`. Example: ``ops.copy([1, 2])  # [1, 2]``"""
    return _b.copy(x)


@op
def corrcoef(x):
    """Pearson correlation coefficients of the rows of `x`.

    Example: ``ops.corrcoef([[1.0, 2.0], [2.0, 4.0]])  # [[1., 1.], [1., 1.]]``
    """
    return _b.corrcoef(x)


@op
def correlate(x1, x2, mode='valid'):
    """Cross-correlation of two 1-D sequences (`mode`: 'valid', 'same' or 'full').

    Example: ``ops.correlate([1.0, 2.0, 3.0], [0.0, 1.0])  # [2., 3.]``
    """
    return _b.correlate(x1, x2, mode=mode)


@op
def cos(x):
    """Element-wise cosine. Example: ``ops.cos([0.0])  # [1.]``"""
    return _b.cos(x)


@op
def cosh(x):
    """Element-wise hyperbolic cosine. Example: ``ops.cosh([0.0])  # [1.]``"""
    return _b.cosh(x)


@op
def count_nonzero(x, axis=None):
    """Number of non-zero values along `axis` (int32). Example: ``ops.count_nonzero([0, 3, 2])  # 2``"""
    return _b.count_nonzero(x, axis=axis)


@op
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 3-vectors (or 2-vectors) along the given axes.

    Example: ``ops.cross([1, 0, 0], [0, 1, 0])  # [0, 0, 1]``
    """
    return _b.cross(x1, x2, axisa=axisa, axisb=axisb, axisc=axisc, axis=axis)


@op
def cumprod(x, axis=None, dtype=None):
    """Cumulative product along `axis` (flattened when None). Example: ``ops.cumprod([1, 2, 3])  # [1, 2, 6]``"""
    return _b.cumprod(x, axis=axis, dtype=dtype)


@op
def cumsum(x, axis=None, dtype=None):
    """Cumulative sum along `axis` (flattened when None). Example: ``ops.cumsum([1, 2, 3])  # [1, 3, 6]``"""
    return _b.cumsum(x, axis=axis, dtype=dtype)


@op
def deg2rad(x):
    """Converts degrees to radians. Example: ``ops.deg2rad([180.0])  # [3.1416]``"""
    return _b.deg2rad(x)


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


@op
def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal of `x` over `axis1` and `axis2`, at `offset`.

    Example: ``ops.diagonal([[1, 2], [3, 4]])  # [1, 4]``
    """
    return _b.diagonal(x, offset=offset, axis1=axis1, axis2=axis2)


@op
def diff(a, n=1, axis=-1):
    """The `n`-th discrete difference along `axis`. Example: ``ops.diff([1, 4, 9])  # [3, 5]``"""
    return _b.diff(a, n=n, axis=axis)


@op
def digitize(x, bins):
    """Index of the bin of each value of `x` (int32).

    Example: ``ops.digitize([0.5, 2.5], [0.0, 1.0, 2.0])  # [1, 3]``
    """
    return _b.digitize(x, bins)


@op
def divide(x1, x2):
    """Element-wise true division; integer inputs give a float result.

    Example: ``ops.divide([1, 2], 2)  # [0.5, 1.]``
    """
    return _b.divide(x1, x2)


@op
def divide_no_nan(x1, x2):
    """Element-wise division that gives 0 where the divisor is 0.

    Example: ``ops.divide_no_nan([1.0, 1.0], [0.0, 2.0])  # [0., 0.5]``
    """
    return _b.divide_no_nan(x1, x2)


@op
def dot(x1, x2):
    """Dot product with NumPy semantics. Example: ``ops.dot([1, 2], [3, 4])  # 11``"""
    return _b.dot(x1, x2)


@op
def dsplit(x, indices_or_sections):
    """Splits `x` along its third axis. Example: ``ops.dsplit(ops.zeros((1, 1, 4)), 2)  # two (1, 1, 2) tensors``"""
    return _b.dsplit(x, indices_or_sections)


@op
def dstack(xs):
    """Stacks tensors along a third axis. Example: ``ops.dstack([[1], [2]])  # [[[1, 2]]]``"""
    return _b.dstack(xs)


@op
def einsum(subscripts, *operands, **kwargs):
    """Einstein summation, e.g. `einsum('ij,jk->ik', a, b)`. Example: ``ops.einsum('i,i->', [1, 2], [3, 4])  # 11``"""
    return _b.einsum(subscripts, *operands, **kwargs)


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


@op
def equal(x1, x2):
    """Element-wise `x1 == x2`. Example: ``ops.equal([1, 2], 2)  # [False, True]``"""
    return _b.equal(x1, x2)


@op
def exp(x):
    """Element-wise exponential; integers give floatx. Example: ``ops.exp([0.0])  # [1.]``"""
    return _b.exp(x)


@op
def exp2(x):
    """Element-wise `2 ** x`. Example: ``ops.exp2([3.0])  # [8.]``"""
    return _b.exp2(x)


@op
def expand_dims(x, axis):
    """Inserts length-1 axes at `axis` (an int or a tuple). Example: ``ops.expand_dims([1, 2], 0).shape  # (1, 2)``"""
    return _b.expand_dims(x, axis)


@op
def expm1(x):
    """Element-wise `exp(x) - 1`, accurate near 0. Example: ``ops.expm1([0.0])  # [0.]``"""
    return _b.expm1(x)


def eye(N, M=None, k=0, dtype=None):
    """A 2-D tensor with ones on the `k`-th diagonal. Example: ``ops.eye(2)  # [[1., 0.], [0., 1.]]``"""
    return _b.eye(N, M=M, k=k, dtype=dtype)


@op
def fabs(x):
    """Element-wise absolute value as a float. Example: ``ops.fabs([-2])  # [2.]``"""
    return _b.fabs(x)


@op
def flip(x, axis=None):
    """Reverses the order of elements along `axis` (all axes when None).

    Example: ``ops.flip([1, 2, 3])  # [3, 2, 1]``
    """
    return _b.flip(x, axis=axis)


@op
def fliplr(x):
    """Reverses the second axis. Example: ``ops.fliplr([[1, 2]])  # [[2, 1]]``"""
    return _b.fliplr(x)


@op
def flipud(x):
    """Reverses the first axis. Example: ``ops.flipud([[1], [2]])  # [[2], [1]]``"""
    return _b.flipud(x)


@op
def floor(x):
    """Element-wise floor; integers give floatx. Example: ``ops.floor([1.7])  # [1.]``"""
    return _b.floor(x)


@op
def floor_divide(x1, x2):
    """Element-wise floor division. Example: ``ops.floor_divide([7], [2])  # [3]``"""
    return _b.floor_divide(x1, x2)


@op
def fmax(x1, x2):
    """Element-wise maximum that ignores NaNs. Example: ``ops.fmax([1.0, float('nan')], [2.0, 0.0])  # [2., 0.]``"""
    return _b.fmax(x1, x2)


@op
def fmin(x1, x2):
    """Element-wise minimum that ignores NaNs. Example: ``ops.fmin([1.0, float('nan')], [2.0, 0.0])  # [1., 0.]``"""
    return _b.fmin(x1, x2)


@op
def fmod(x1, x2):
    """Element-wise remainder with the sign of the dividend (C `fmod`). Example: ``ops.fmod([-3], [2])  # [-1]``"""
    return _b.fmod(x1, x2)


@op
def full(shape, fill_value, dtype=None):
    """A tensor of `shape` filled with `fill_value`. Example: ``ops.full((2,), 7)  # [7, 7]``"""
    return _b.full(shape, fill_value, dtype=dtype)


@op
def full_like(x, fill_value, dtype=None):
    """`fill_value` in the shape (and dtype) of `x`. Example: ``ops.full_like([1, 2], 0)  # [0, 0]``"""
    return _b.full_like(x, fill_value, dtype=dtype)


@op
def gcd(x1, x2):
    """Element-wise greatest common divisor of integers. Example: ``ops.gcd([12], [18])  # [6]``"""
    return _b.gcd(x1, x2)


@op
def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """`num` numbers spaced evenly on a log scale from `start` to `stop`.

    Example: ``ops.geomspace(1.0, 100.0, num=3)  # [1., 10., 100.]``
    """
    return _b.geomspace(start, stop, num=num, endpoint=endpoint, dtype=dtype, axis=axis)


@op
def get_item(x, key):
    """`x[key]`. Example: ``ops.get_item([1, 2, 3], 1)  # 2``"""
    return _b.get_item(x, key)


@op
def greater(x1, x2):
    """Element-wise `x1 > x2`. Example: ``ops.greater([1, 3], 2)  # [False, True]``"""
    return _b.greater(x1, x2)


@op
def greater_equal(x1, x2):
    """Element-wise `x1 >= x2`. Example: ``ops.greater_equal([1, 2], 2)  # [False, True]``"""
    return _b.greater_equal(x1, x2)


def hamming(x):
    """The Hamming window of `x` points, in floatx. Example: ``ops.hamming(3)  # [0.08, 1., 0.08]``"""
    return _b.hamming(x)


def hanning(x):
    """The Hann window of `x` points, in floatx. Example: ``ops.hanning(3)  # [0., 1., 0.]``"""
    return _b.hanning(x)


@op
def heaviside(x1, x2):
    """Heaviside step: 0 for `x1 < 0`, `x2` for `x1 == 0`, 1 for `x1 > 0`.

    Example: ``ops.heaviside([-1.0, 0.0, 2.0], 0.5)  # [0., 0.5, 1.]``
    """
    return _b.heaviside(x1, x2)


@op
def histogram(x, bins=10, range=None):
    """Histogram of `x` with `bins` equal bins over `range`: `(counts, bin_edges)`.

    Example: ``ops.histogram([0.0, 1.0, 1.0], bins=2)  # ([1, 2], [0., 0.5, 1.])``
    """
    return _b.histogram(x, bins=bins, range=range)


@op
def hsplit(x, indices_or_sections):
    """Splits `x` horizontally (along axis 1, or 0 for 1-D).

    Example: ``ops.hsplit(ops.arange(4), 2)  # [[0, 1], [2, 3]]``
    """
    return _b.hsplit(x, indices_or_sections)


@op
def hstack(xs):
    """Stacks tensors horizontally (column-wise). Example: ``ops.hstack([[1], [2]])  # [1, 2]``"""
    return _b.hstack(xs)


@op
def hypot(x1, x2):
    """Element-wise `sqrt(x1**2 + x2**2)`. Example: ``ops.hypot([3.0], [4.0])  # [5.]``"""
    return _b.hypot(x1, x2)


@op
def i0(x):
    """Modified Bessel function of the first kind, order 0. Example: ``ops.i0([0.0])  # [1.]``"""
    return _b.i0(x)


def identity(n, dtype=None):
    """The `n x n` identity matrix. Example: ``ops.identity(2)  # [[1., 0.], [0., 1.]]``"""
    return _b.identity(n, dtype=dtype)


@op
def imag(x):
    """Imaginary part of `x` (zeros for real inputs). Example: ``ops.imag([1.0])  # [0.]``"""
    return _b.imag(x)


@op
def inner(x1, x2):
    """Inner product over the last axes. Example: ``ops.inner([1, 2], [3, 4])  # 11``"""
    return _b.inner(x1, x2)


@op
def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Element-wise closeness test within `atol + rtol * abs(x2)`.

    Example: ``ops.isclose([1.0, 2.0], [1.0, 2.1])  # [True, False]``
    """
    return _b.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


@op
def isfinite(x):
    """Element-wise finiteness test. Example: ``ops.isfinite([1.0, float('inf')])  # [True, False]``"""
    return _b.isfinite(x)


@op
def isin(x1, x2, assume_unique=False, invert=False):
    """Whether each element of `x1` occurs in `x2`. Example: ``ops.isin([1, 2], [2, 3])  # [False, True]``"""
    return _b.isin(x1, x2, assume_unique=assume_unique, invert=invert)


@op
def isinf(x):
    """Element-wise test for positive or negative infinity.

    Example: ``ops.isinf([1.0, float('inf')])  # [False, True]``
    """
    return _b.isinf(x)


@op
def isnan(x):
    """Element-wise NaN test. Example: ``ops.isnan([1.0, float('nan')])  # [False, True]``"""
    return _b.isnan(x)


@op
def isneginf(x):
    """Element-wise test for negative infinity. Example: ``ops.isneginf([-float('inf')])  # [True]``"""
    return _b.isneginf(x)


@op
def isposinf(x):
    """Element-wise test for positive infinity. Example: ``ops.isposinf([float('inf')])  # [True]``"""
    return _b.isposinf(x)


@op
def isreal(x):
    """Element-wise test for a zero imaginary part. Example: ``ops.isreal([1.0])  # [True]``"""
    return _b.isreal(x)


def kaiser(x, beta):
    """The Kaiser window of `x` points with shape parameter `beta`, in floatx.

    Example: ``ops.kaiser(3, 0.0)  # [1., 1., 1.]``
    """
    return _b.kaiser(x, beta)


@op
def kron(x1, x2):
    """Kronecker product. Example: ``ops.kron([1, 2], [1, 1])  # [1, 1, 2, 2]``"""
    return _b.kron(x1, x2)


@op
def lcm(x1, x2):
    """Element-wise least common multiple of integers. Example: ``ops.lcm([4], [6])  # [12]``"""
    return _b.lcm(x1, x2)


@op
def ldexp(x1, x2):
    """Element-wise `x1 * 2 ** x2` (`x2` must be an integer tensor). Example: ``ops.ldexp([1.0], [3])  # [8.]``"""
    return _b.ldexp(x1, x2)


@op
def left_shift(x, y):
    """Shifts the bits of `x` left by `y`. Example: ``ops.left_shift([1], [2])  # [4]``"""
    return _b.left_shift(x, y)


@op
def less(x1, x2):
    """Element-wise `x1 < x2`. Example: ``ops.less([1, 3], 2)  # [True, False]``"""
    return _b.less(x1, x2)


@op
def less_equal(x1, x2):
    """Element-wise `x1 <= x2`. Example: ``ops.less_equal([2, 3], 2)  # [True, False]``"""
    return _b.less_equal(x1, x2)


@op
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """`num` evenly spaced numbers from `start` to `stop`.

    Example: ``ops.linspace(0.0, 1.0, num=3)  # [0., 0.5, 1.]``
    """
    return _b.linspace(start, stop, num=num, endpoint=endpoint, retstep=retstep, dtype=dtype, axis=axis)


@op
def log(x):
    """Element-wise natural logarithm; integers give floatx. Example: ``ops.log([1.0])  # [0.]``"""
    return _b.log(x)


@op
def log10(x):
    """Element-wise base-10 logarithm. Example: ``ops.log10([100.0])  # [2.]``"""
    return _b.log10(x)


@op
def log1p(x):
    """Element-wise `log(1 + x)`, accurate near 0. Example: ``ops.log1p([0.0])  # [0.]``"""
    return _b.log1p(x)


@op
def log2(x):
    """Element-wise base-2 logarithm. Example: ``ops.log2([8.0])  # [3.]``"""
    return _b.log2(x)


@op
def logaddexp(x1, x2):
    """Element-wise `log(exp(x1) + exp(x2))`, computed stably. Example: ``ops.logaddexp([0.0], [0.0])  # [0.6931]``"""
    return _b.logaddexp(x1, x2)


@op
def logaddexp2(x1, x2):
    """Element-wise `log2(2**x1 + 2**x2)`, computed stably. Example: ``ops.logaddexp2([1.0], [1.0])  # [2.]``"""
    return _b.logaddexp2(x1, x2)


@op
def logical_and(x1, x2):
    """Element-wise logical AND. Example: ``ops.logical_and([True, True], [True, False])  # [True, False]``"""
    return _b.logical_and(x1, x2)


@op
def logical_not(x):
    """Element-wise logical NOT. Example: ``ops.logical_not([True])  # [False]``"""
    return _b.logical_not(x)


@op
def logical_or(x1, x2):
    """Element-wise logical OR. Example: ``ops.logical_or([False], [True])  # [True]``"""
    return _b.logical_or(x1, x2)


@op
def logical_xor(x1, x2):
    """Element-wise logical XOR. Example: ``ops.logical_xor([True], [True])  # [False]``"""
    return _b.logical_xor(x1, x2)


@op
def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """`num` numbers spaced evenly on a log scale: `base ** linspace(start, stop)`.

    Example: ``ops.logspace(0.0, 2.0, num=3)  # [1., 10., 100.]``
    """
    return _b.logspace(start, stop, num=num, endpoint=endpoint, base=base, dtype=dtype, axis=axis)


@op
def matmul(x1, x2):
    """Matrix product with NumPy broadcasting rules (int8 x int8 gives int32).

    Example: ``ops.matmul([[1, 2]], [[3], [4]])  # [[11]]``
    """
    return _b.matmul(x1, x2)


@op
def max(x, axis=None, keepdims=False, initial=None):
    """Maximum along `axis`, optionally at least `initial`. Example: ``ops.max([1, 5, 3])  # 5``"""
    return _b.max(x, axis=axis, keepdims=keepdims, initial=initial)


@op
def maximum(x1, x2):
    """Element-wise maximum. Example: ``ops.maximum([1, 5], 3)  # [3, 5]``"""
    return _b.maximum(x1, x2)


@op
def mean(x, axis=None, keepdims=False):
    """Mean along `axis` (all axes when None); integers give floatx. Example: ``ops.mean([1, 2])  # 1.5``"""
    return _b.mean(x, axis=axis, keepdims=keepdims)


@op
def median(x, axis=None, keepdims=False):
    """Median along `axis`. Example: ``ops.median([3.0, 1.0, 2.0])  # 2.``"""
    return _b.median(x, axis=axis, keepdims=keepdims)


@op
def meshgrid(*x, indexing='xy'):
    """Coordinate grids from 1-D coordinate vectors.

    Example: ``ops.meshgrid([1, 2], [3, 4])  # two (2, 2) tensors``
    """
    return _b.meshgrid(*x, indexing=indexing)


@op
def min(x, axis=None, keepdims=False, initial=None):
    """Minimum along `axis`, optionally at most `initial`. Example: ``ops.min([4, 2, 3])  # 2``"""
    return _b.min(x, axis=axis, keepdims=keepdims, initial=initial)


@op
def minimum(x1, x2):
    """Element-wise minimum. Example: ``ops.minimum([1, 5], 3)  # [1, 3]``"""
    return _b.minimum(x1, x2)


@op
def mod(x1, x2):
    """Element-wise remainder with the sign of the divisor. Example: ``ops.mod([-3], [2])  # [1]``"""
    return _b.mod(x1, x2)


@op
def moveaxis(x, source, destination):
    """Moves axes `source` to positions `destination`.

    Example: ``ops.moveaxis(ops.zeros((2, 3)), 0, 1).shape  # (3, 2)``
    """
    return _b.moveaxis(x, source, destination)


@op
def multiply(x1, x2):
    """Element-wise `x1 * x2`. Example: ``ops.multiply([1, 2], 2)  # [2, 4]``"""
    return _b.multiply(x1, x2)


@op
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replaces NaN and infinities with finite numbers. Example: ``ops.nan_to_num([float('nan')])  # [0.]``"""
    return _b.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


@op
def nanargmax(x, axis=None, keepdims=False):
    """Index of the maximum along `axis`, ignoring NaNs (int32).

    Example: ``ops.nanargmax([1.0, float('nan'), 3.0])  # 2``
    """
    return _b.nanargmax(x, axis=axis, keepdims=keepdims)


@op
def nanargmin(x, axis=None, keepdims=False):
    """Index of the minimum along `axis`, ignoring NaNs (int32).

    Example: ``ops.nanargmin([float('nan'), 2.0, 3.0])  # 1``
    """
    return _b.nanargmin(x, axis=axis, keepdims=keepdims)


@op
def nancumprod(x, axis=None, dtype=None):
    """Cumulative product treating NaNs as one.

    Example: ``ops.nancumprod([2.0, float('nan'), 3.0])  # [2., 2., 6.]``
    """
    return _b.nancumprod(x, axis=axis, dtype=dtype)


@op
def nancumsum(x, axis=None, dtype=None):
    """Cumulative sum treating NaNs as zero. Example: ``ops.nancumsum([1.0, float('nan'), 2.0])  # [1., 1., 3.]``"""
    return _b.nancumsum(x, axis=axis, dtype=dtype)


@op
def nanmax(x, axis=None, keepdims=False):
    """Maximum along `axis`, ignoring NaNs. Example: ``ops.nanmax([1.0, float('nan')])  # 1.``"""
    return _b.nanmax(x, axis=axis, keepdims=keepdims)


@op
def nanmean(x, axis=None, keepdims=False):
    """Mean along `axis`, ignoring NaNs. Example: ``ops.nanmean([1.0, float('nan'), 3.0])  # 2.``"""
    return _b.nanmean(x, axis=axis, keepdims=keepdims)


@op
def nanmedian(x, axis=None, keepdims=False):
    """Median along `axis`, ignoring NaNs. Example: ``ops.nanmedian([1.0, float('nan'), 3.0])  # 2.``"""
    return _b.nanmedian(x, axis=axis, keepdims=keepdims)


@op
def nanmin(x, axis=None, keepdims=False):
    """Minimum along `axis`, ignoring NaNs. Example: ``ops.nanmin([float('nan'), 2.0])  # 2.``"""
    return _b.nanmin(x, axis=axis, keepdims=keepdims)


@op
def nanpercentile(x, q, axis=None, method='linear', keepdims=False):
    """The `q`-th percentile along `axis`, ignoring NaNs.

    Example: ``ops.nanpercentile([1.0, float('nan'), 3.0], 50)  # 2.``
    """
    return _b.nanpercentile(x, q, axis=axis, method=method, keepdims=keepdims)


@op
def nanprod(x, axis=None, keepdims=False):
    """Product along `axis` treating NaNs as one. Example: ``ops.nanprod([2.0, float('nan'), 3.0])  # 6.``"""
    return _b.nanprod(x, axis=axis, keepdims=keepdims)


@op
def nanquantile(x, q, axis=None, method='linear', keepdims=False):
    """The `q`-th quantile along `axis`, ignoring NaNs.

    Example: ``ops.nanquantile([1.0, float('nan'), 3.0], 0.5)  # 2.``
    """
    return _b.nanquantile(x, q, axis=axis, method=method, keepdims=keepdims)


@op
def nanstd(x, axis=None, keepdims=False):
    """Standard deviation along `axis`, ignoring NaNs. Example: ``ops.nanstd([1.0, float('nan'), 3.0])  # 1.``"""
    return _b.nanstd(x, axis=axis, keepdims=keepdims)


@op
def nansum(x, axis=None, keepdims=False):
    """Sum along `axis` treating NaNs as zero. Example: ``ops.nansum([1.0, float('nan'), 2.0])  # 3.``"""
    return _b.nansum(x, axis=axis, keepdims=keepdims)


@op
def nanvar(x, axis=None, keepdims=False):
    """Variance along `axis`, ignoring NaNs. Example: ``ops.nanvar([1.0, float('nan'), 3.0])  # 1.``"""
    return _b.nanvar(x, axis=axis, keepdims=keepdims)


def ndim(x):
    """Number of dimensions of `x`. Example: ``ops.ndim([[1, 2]])  # 2``"""
    if backend.is_keras_tensor(x):
        return x.ndim
    return _b.ndim(x)


@op
def negative(x):
    """Element-wise `-x`. Example: ``ops.negative([1, -2])  # [-1, 2]``"""
    return _b.negative(x)


@op
def nextafter(x1, x2):
    """The next representable float after `x1` towards `x2`.

    Example: ``ops.nextafter([1.0], [2.0])  # [1.0000001]``
    """
    return _b.nextafter(x1, x2)


@op
def nonzero(x):
    """Indices of the non-zero elements, one int32 tensor per axis.

    Example: ``ops.nonzero([0, 3, 0, 5])  # ([1, 3],)``
    """
    return _b.nonzero(x)


@op
def not_equal(x1, x2):
    """Element-wise `x1 != x2`. Example: ``ops.not_equal([1, 2], 2)  # [True, False]``"""
    return _b.not_equal(x1, x2)


def ones(shape, dtype=None):
    """A tensor of ones (floatx unless `dtype`). Example: ``ops.ones((2,))  # [1., 1.]``"""
    return _b.ones(shape, dtype=dtype)


@op
def ones_like(x, dtype=None):
    """Ones with the shape (and dtype) of `x`. Example: ``ops.ones_like([1, 2])  # [1, 1]``"""
    return _b.ones_like(x, dtype=dtype)


@op
def outer(x1, x2):
    """Outer product of the flattened `x1` and `x2`. Example: ``ops.outer([1, 2], [3, 4])  # [[3, 4], [6, 8]]``"""
    return _b.outer(x1, x2)


@op
def pad(x, pad_width, mode='constant', constant_values=None):
    """Pads `x`; `pad_width` gives `(before, after)` per axis.

    Example: ``ops.pad([1, 2], [(1, 1)])  # [0, 1, 2, 0]``
    """
    return _b.pad(x, pad_width, mode=mode, constant_values=constant_values)


@op
def percentile(x, q, axis=None, method='linear', keepdims=False):
    """The `q`-th percentile (0 to 100) along `axis`. Example: ``ops.percentile([1.0, 2.0, 3.0], 50)  # 2.``"""
    return _b.percentile(x, q, axis=axis, method=method, keepdims=keepdims)


@op
def power(x1, x2):
    """Element-wise `x1 ** x2`. Example: ``ops.power([2, 3], 2)  # [4, 9]``"""
    return _b.power(x1, x2)


@op
def prod(x, axis=None, keepdims=False, dtype=None):
    """Product along `axis`. Example: ``ops.prod([1, 2, 3])  # 6``"""
    return _b.prod(x, axis=axis, keepdims=keepdims, dtype=dtype)


@op
def ptp(x, axis=None, keepdims=False):
    """Range (max - min) along `axis`. Example: ``ops.ptp([1, 5, 3])  # 4``"""
    return _b.ptp(x, axis=axis, keepdims=keepdims)


@op
def quantile(x, q, axis=None, method='linear', keepdims=False):
    """The `q`-th quantile (0 to 1) along `axis`. Example: ``ops.quantile([1.0, 2.0, 3.0], 0.5)  # 2.``"""
    return _b.quantile(x, q, axis=axis, method=method, keepdims=keepdims)


@op
def rad2deg(x):
    """Converts radians to degrees. Example: ``ops.rad2deg([3.14159265])  # [180.]``"""
    return _b.rad2deg(x)


@op
def ravel(x):
    """Flattens `x` to 1-D. Example: ``ops.ravel([[1, 2], [3, 4]])  # [1, 2, 3, 4]``"""
    return _b.ravel(x)


@op
def real(x):
    """Real part of `x`. Example: ``ops.real([1.0])  # [1.]``"""
    return _b.real(x)


@op
def reciprocal(x):
    """Element-wise `1 / x`; integers give floatx. Example: ``ops.reciprocal([2.0])  # [0.5]``"""
    return _b.reciprocal(x)


@op
def repeat(x, repeats, axis=None):
    """Repeats each element of `x` `repeats` times along `axis`. Example: ``ops.repeat([1, 2], 2)  # [1, 1, 2, 2]``"""
    return _b.repeat(x, repeats, axis=axis)


@op
def reshape(x, newshape):
    """Gives `x` a new shape; one dimension may be -1.

    Example: ``ops.reshape(ops.arange(6), (2, 3)).shape  # (2, 3)``
    """
    return _b.reshape(x, newshape)


@op
def right_shift(x, y):
    """Shifts the bits of `x` right by `y`. Example: ``ops.right_shift([8], [2])  # [2]``"""
    return _b.right_shift(x, y)


@op
def roll(x, shift, axis=None):
    """Rolls elements of `x` by `shift` along `axis` (flattened when None).

    Example: ``ops.roll([1, 2, 3], 1)  # [3, 1, 2]``
    """
    return _b.roll(x, shift, axis=axis)


@op
def rot90(array, k=1, axes=(0, 1)):
    """Rotates `array` by 90 degrees `k` times in the plane of `axes`.

    Example: ``ops.rot90([[1, 2], [3, 4]])  # [[2, 4], [1, 3]]``
    """
    return _b.rot90(array, k=k, axes=axes)


@op
def round(x, decimals=0):
    """Rounds half to even, to `decimals` places. Example: ``ops.round([0.5, 1.5])  # [0., 2.]``"""
    return _b.round(x, decimals=decimals)


@op
def searchsorted(sorted_sequence, values, side='left'):
    """Indices where `values` would be inserted to keep a 1-D `sorted_sequence` sorted (int32).

    Example: ``ops.searchsorted([1, 3, 5], [4])  # [2]``
    """
    return _b.searchsorted(sorted_sequence, values, side=side)


@op
def select(condlist, choicelist, default=0):
    """Picks from `choicelist` where the matching `condlist` entry is first true, else `default`.

    Example: ``ops.select([[True, False]], [[1, 2]], default=0)  # [1, 0]``
    """
    return _b.select(condlist, choicelist, default=default)


@op
def sign(x):
    """Element-wise sign: -1, 0 or 1. Example: ``ops.sign([-2, 0, 3])  # [-1, 0, 1]``"""
    return _b.sign(x)


@op
def signbit(x):
    """Element-wise test of the sign bit (true for -0.0). Example: ``ops.signbit([-1.0, 1.0])  # [True, False]``"""
    return _b.signbit(x)


@op
def sin(x):
    """Element-wise sine; integers give floatx. Example: ``ops.sin([0.0])  # [0.]``"""
    return _b.sin(x)


@op
def sinc(x):
    """Element-wise normalized sinc `sin(pi x) / (pi x)`. Example: ``ops.sinc([0.0])  # [1.]``"""
    return _b.sinc(x)


@op
def sinh(x):
    """Element-wise hyperbolic sine. Example: ``ops.sinh([0.0])  # [0.]``"""
    return _b.sinh(x)


def size(x):
    """Number of elements of `x`. Example: ``ops.size([[1, 2, 3]])  # 3``"""
    if backend.is_keras_tensor(x):
        if None in x.shape:
            raise ValueError(f"size() needs a fully known shape. Received: x={x!r}")
        return _math.prod(x.shape)
    return _b.size(x)


@op
def slogdet(x):
    """Sign and natural log of the absolute determinant: `(sign, logabsdet)`.

    Example: ``ops.slogdet([[2.0, 0.0], [0.0, 3.0]])  # (1., 1.7918)``
    """
    return _b.slogdet(x)


@op
def sort(x, axis=-1):
    """Sorts along `axis`. Example: ``ops.sort([3, 1, 2])  # [1, 2, 3]``"""
    return _b.sort(x, axis=axis)


@op
def split(x, indices_or_sections, axis=0):
    """Splits `x` into a list of sub-tensors (equal sections or at indices).

    Example: ``ops.split(ops.arange(4), 2)  # [[0, 1], [2, 3]]``
    """
    return _b.split(x, indices_or_sections, axis=axis)


@op
def sqrt(x):
    """Element-wise square root; integers give floatx. Example: ``ops.sqrt([4.0])  # [2.]``"""
    return _b.sqrt(x)


@op
def square(x):
    """Element-wise `x * x`; booleans give int32. Example: ``ops.square([3])  # [9]``"""
    return _b.square(x)


@op
def squeeze(x, axis=None):
    """Removes length-1 axes (only `axis` when given). Example: ``ops.squeeze(ops.zeros((1, 2))).shape  # (2,)``"""
    return _b.squeeze(x, axis=axis)


@op
def stack(x, axis=0):
    """Stacks tensors along a new `axis`. Example: ``ops.stack([[1, 2], [3, 4]])  # [[1, 2], [3, 4]]``"""
    return _b.stack(x, axis=axis)


@op
def std(x, axis=None, keepdims=False):
    """Population standard deviation along `axis`. Example: ``ops.std([1.0, 3.0])  # 1.``"""
    return _b.std(x, axis=axis, keepdims=keepdims)


@op
def subtract(x1, x2):
    """Element-wise `x1 - x2`. Example: ``ops.subtract([3, 4], 1)  # [2, 3]``"""
    return _b.subtract(x1, x2)


@op
def sum(x, axis=None, keepdims=False):
    """Sum along `axis` (all axes when None); small integers accumulate in int32.

    Example: ``ops.sum([1, 2, 3])  # 6``
    """
    return _b.sum(x, axis=axis, keepdims=keepdims)


@op
def swapaxes(x, axis1, axis2):
    """Swaps two axes of `x`. Example: ``ops.swapaxes(ops.zeros((2, 3)), 0, 1).shape  # (3, 2)``"""
    return _b.swapaxes(x, axis1, axis2)


@op
def take(x, indices, axis=None):
    """Gathers elements of `x` at `indices` along `axis` (flattened when None).

    Example: ``ops.take([10, 20, 30], [2, 0])  # [30, 10]``
    """
    return _b.take(x, indices, axis=axis)


@op
def take_along_axis(x, indices, axis=None):
    """Gathers along `axis` with indices broadcast against `x`.

    Example: ``ops.take_along_axis([[10, 20]], [[1]], axis=1)  # [[20]]``
    """
    return _b.take_along_axis(x, indices, axis=axis)


@op
def tan(x):
    """Element-wise tangent. Example: ``ops.tan([0.0])  # [0.]``"""
    return _b.tan(x)


@op
def tanh(x):
    """Element-wise hyperbolic tangent. Example: ``ops.tanh([0.0])  # [0.]``"""
    return _b.tanh(x)


@op
def tensordot(x1, x2, axes=2):
    """Tensor contraction over `axes`. Example: ``ops.tensordot([1, 2], [3, 4], axes=1)  # 11``"""
    return _b.tensordot(x1, x2, axes=axes)


@op
def tile(x, repeats):
    """Repeats the whole of `x` `repeats` times per axis. Example: ``ops.tile([1, 2], 2)  # [1, 2, 1, 2]``"""
    return _b.tile(x, repeats)


@op
def trace(x, offset=0, axis1=0, axis2=1):
    """Sum of the diagonal over `axis1` and `axis2`, at `offset`. Example: ``ops.trace([[1, 2], [3, 4]])  # 5``"""
    return _b.trace(x, offset=offset, axis1=axis1, axis2=axis2)


@op
def transpose(x, axes=None):
    """Permutes the axes of `x` (reverses them when `axes` is None).

    Example: ``ops.transpose(ops.zeros((2, 3))).shape  # (3, 2)``
    """
    return _b.transpose(x, axes=axes)


@op
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of `y` along `axis` by the trapezoidal rule. Example: ``ops.trapezoid([1.0, 2.0, 3.0])  # 4.``"""
    return _b.trapezoid(y, x=x, dx=dx, axis=axis)


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
def true_divide(x1, x2):
    """Element-wise true division (alias of `divide`). Example: ``ops.true_divide([1], [2])  # [0.5]``"""
    return _b.true_divide(x1, x2)


@op
def trunc(x):
    """Element-wise truncation towards zero; integers are returned unchanged.

    Example: ``ops.trunc([-1.7, 1.7])  # [-1., 1.]``
    """
    return _b.trunc(x)


@op
def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None, size=None, fill_value=None):
    """The sorted unique elements of `x`, optionally with indices, inverse and counts.

    Example: ``ops.unique([3, 1, 3])  # [1, 3]``
    """
    return _b.unique(x, sorted=sorted, return_index=return_index, return_inverse=return_inverse, return_counts=return_counts, axis=axis, size=size, fill_value=fill_value)


@op
def unravel_index(indices, shape):
    """Converts flat `indices` into a tuple of coordinate tensors for `shape`.

    Example: ``ops.unravel_index([5], (2, 3))  # ([1], [2])``
    """
    return _b.unravel_index(indices, shape)


@op
def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of `x` with `N` columns. Example: ``ops.vander([1, 2], N=2)  # [[1, 1], [2, 1]]``"""
    return _b.vander(x, N=N, increasing=increasing)


@op
def var(x, axis=None, keepdims=False):
    """Population variance along `axis`. Example: ``ops.var([1.0, 3.0])  # 1.``"""
    return _b.var(x, axis=axis, keepdims=keepdims)


@op
def vdot(x1, x2):
    """Dot product of the flattened inputs (conjugating the first). Example: ``ops.vdot([1, 2], [3, 4])  # 11``"""
    return _b.vdot(x1, x2)


def vectorize(pyfunc, *, excluded=None, signature=None):
    """Turns a function on tensors into one that maps over leading axes, like `np.vectorize`.

    Example: ``ops.vectorize(lambda a: a * 2)([1, 2])  # [2, 4]``
    """
    return _b.vectorize(pyfunc, excluded=excluded, signature=signature)


@op
def view(x, dtype=None):
    """Reinterprets the bytes of `x` as `dtype` (same itemsize or a compatible last axis).

    Example: ``ops.view(ops.array([1.0]), 'int32')  # [1065353216]``
    """
    return _b.view(x, dtype=dtype)


@op
def vsplit(x, indices_or_sections):
    """Splits `x` vertically (along axis 0). Example: ``ops.vsplit(ops.zeros((4, 1)), 2)  # two (2, 1) tensors``"""
    return _b.vsplit(x, indices_or_sections)


@op
def vstack(xs):
    """Stacks tensors vertically (row-wise). Example: ``ops.vstack([[1], [2]])  # [[1], [2]]``"""
    return _b.vstack(xs)


@op
def where(condition, x1=None, x2=None):
    """Picks `x1` where `condition` holds, else `x2`; with one argument, like `nonzero`.

    Example: ``ops.where([True, False], 1, 0)  # [1, 0]``
    """
    return _b.where(condition, x1=x1, x2=x2)


def zeros(shape, dtype=None):
    """A tensor of zeros (floatx unless `dtype`). Example: ``ops.zeros((2,))  # [0., 0.]``"""
    return _b.zeros(shape, dtype=dtype)


@op
def zeros_like(x, dtype=None):
    """Zeros with the shape (and dtype) of `x`. Example: ``ops.zeros_like([1, 2])  # [0, 0]``"""
    return _b.zeros_like(x, dtype=dtype)


__all__ = [n for n, v in list(globals().items()) if callable(v) and getattr(v, "__module__", None) == __name__ and not n.startswith("_")]
