"""Keras's result dtypes for the ops whose rule is not plain ``result_type`` promotion.

Example:
>>> heaviside_dtype("int8"), SMALL_INT_SUM_DTYPES["uint8"]
('float32', 'uint32')
"""

from cornu.backend import config

# Keras sums (and multiplies) small integers in 32 bits, keeping the signedness.
SMALL_INT_SUM_DTYPES = {"bool": "int32", "int8": "int32", "int16": "int32", "uint8": "uint32", "uint16": "uint32"}

# Element-wise functions that compute in floats (integer and bool inputs become floatx), by the
# ``cornu.ops.numpy`` concern that holds them; each backend wraps its own library's functions.
FLOAT_ARITHMETIC = ("sqrt", "cbrt", "floor", "ceil")
FLOAT_MATH_FUNCTIONS = (
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin", "arccos", "arctan",
    "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "sinc", "deg2rad", "rad2deg", "i0",
)

_FLOATX_HEAVISIDE_DTYPES = ("int8", "int16", "int32", "uint8", "uint16", "uint32", "bool")


def heaviside_dtype(dtype):
    """The dtype ``heaviside`` computes in for inputs promoted to ``dtype``: ints and bools become
    floats (floatx, or float64 for int64); floats stay.

    Example:
    >>> heaviside_dtype("int64"), heaviside_dtype("float16")
    ('float64', 'float16')
    """
    if dtype in _FLOATX_HEAVISIDE_DTYPES:
        return config.floatx()
    if dtype == "int64":
        return "float64"
    return dtype
