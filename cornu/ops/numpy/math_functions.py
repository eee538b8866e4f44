"""Element-wise transcendental functions (exponentials, logarithms, trigonometry) and `vectorize`.

Part of ``cornu.ops.numpy`` (also flattened into ``cornu.ops``); examples use ``ops``
for ``cornu.ops``.
"""

from cornu import backend
from cornu.ops.decorator import op

_b = backend.numpy


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
def cos(x):
    """Element-wise cosine. Example: ``ops.cos([0.0])  # [1.]``"""
    return _b.cos(x)


@op
def cosh(x):
    """Element-wise hyperbolic cosine. Example: ``ops.cosh([0.0])  # [1.]``"""
    return _b.cosh(x)


@op
def deg2rad(x):
    """Converts degrees to radians. Example: ``ops.deg2rad([180.0])  # [3.1416]``"""
    return _b.deg2rad(x)


@op
def exp(x):
    """Element-wise exponential; integers give floatx. Example: ``ops.exp([0.0])  # [1.]``"""
    return _b.exp(x)


@op
def exp2(x):
    """Element-wise `2 ** x`. Example: ``ops.exp2([3.0])  # [8.]``"""
    return _b.exp2(x)


@op
def expm1(x):
    """Element-wise `exp(x) - 1`, accurate near 0. Example: ``ops.expm1([0.0])  # [0.]``"""
    return _b.expm1(x)


@op
def i0(x):
    """Modified Bessel function of the first kind, order 0. Example: ``ops.i0([0.0])  # [1.]``"""
    return _b.i0(x)


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
def rad2deg(x):
    """Converts radians to degrees. Example: ``ops.rad2deg([3.14159265])  # [180.]``"""
    return _b.rad2deg(x)


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


@op
def tan(x):
    """Element-wise tangent. Example: ``ops.tan([0.0])  # [0.]``"""
    return _b.tan(x)


@op
def tanh(x):
    """Element-wise hyperbolic tangent. Example: ``ops.tanh([0.0])  # [0.]``"""
    return _b.tanh(x)


def vectorize(pyfunc, *, excluded=None, signature=None):
    """Turns a function on tensors into one that maps over leading axes, like `np.vectorize`.

    Example: ``ops.vectorize(lambda a: a * 2)([1, 2])  # [2, 4]``
    """
    return _b.vectorize(pyfunc, excluded=excluded, signature=signature)


__all__ = [n for n, v in list(globals().items()) if callable(v) and getattr(v, "__module__", None) == __name__ and not n.startswith("_")]
