"""The public function names of every backend's ``numpy`` package, one tuple per concern.

Each backend module (``cornu.backend.<name>.numpy.<concern>``) sets ``__all__`` to its tuple here, so
the three backends cannot drift apart: a name a backend forgets to define fails its import.

Example:
>>> "reshape" in SHAPE
True
"""


ARITHMETIC = (
    "abs", "absolute", "add", "angle", "cbrt", "ceil", "clip", "conj", "conjugate", "divide", "divide_no_nan", "fabs",
    "floor", "floor_divide", "fmax", "fmin", "fmod", "gcd", "heaviside", "hypot", "imag", "lcm", "ldexp", "maximum",
    "minimum", "mod", "multiply", "nan_to_num", "negative", "nextafter", "power", "real", "reciprocal", "round", "sign",
    "signbit", "sqrt", "square", "subtract", "true_divide", "trunc",
)

CREATION = (
    "arange", "array", "bartlett", "blackman", "copy", "diag", "diagflat", "empty", "empty_like", "eye", "full",
    "full_like", "geomspace", "hamming", "hanning", "identity", "kaiser", "linspace", "logspace", "meshgrid", "ones",
    "ones_like", "tri", "tril", "triu", "vander", "zeros", "zeros_like",
)

INDEXING = (
    "argpartition", "argsort", "diagonal", "digitize", "get_item", "nonzero", "searchsorted", "select", "sort", "take",
    "take_along_axis", "unique", "unravel_index", "where",
)

LOGIC = (
    "allclose", "bitwise_and", "bitwise_invert", "bitwise_left_shift", "bitwise_not", "bitwise_or",
    "bitwise_right_shift", "bitwise_xor", "equal", "greater", "greater_equal", "isclose", "isfinite", "isin", "isinf",
    "isnan", "isneginf", "isposinf", "isreal", "left_shift", "less", "less_equal", "logical_and", "logical_not",
    "logical_or", "logical_xor", "not_equal", "right_shift",
)

MATH_FUNCTIONS = (
    "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2", "arctanh", "cos", "cosh", "deg2rad", "exp", "exp2",
    "expm1", "i0", "log", "log10", "log1p", "log2", "logaddexp", "logaddexp2", "rad2deg", "sin", "sinc", "sinh", "tan",
    "tanh", "vectorize",
)

PRODUCTS = (
    "corrcoef", "correlate", "cross", "dot", "einsum", "inner", "kron", "matmul", "outer", "slogdet", "tensordot",
    "vdot",
)

REDUCTIONS = (
    "all", "amax", "amin", "any", "argmax", "argmin", "average", "bincount", "count_nonzero", "cumprod", "cumsum",
    "diff", "histogram", "max", "mean", "median", "min", "nanargmax", "nanargmin", "nancumprod", "nancumsum", "nanmax",
    "nanmean", "nanmedian", "nanmin", "nanpercentile", "nanprod", "nanquantile", "nanstd", "nansum", "nanvar",
    "percentile", "prod", "ptp", "quantile", "std", "sum", "trace", "trapezoid", "var",
)

SHAPE = (
    "append", "array_split", "broadcast_to", "concatenate", "dsplit", "dstack", "expand_dims", "flip", "fliplr",
    "flipud", "hsplit", "hstack", "moveaxis", "ndim", "pad", "ravel", "repeat", "reshape", "roll", "rot90", "size",
    "split", "squeeze", "stack", "swapaxes", "tile", "transpose", "view", "vsplit", "vstack",
)

# Every public name of a backend's ``numpy`` package, sorted.
ALL = tuple(sorted(ARITHMETIC + CREATION + INDEXING + LOGIC + MATH_FUNCTIONS + PRODUCTS + REDUCTIONS + SHAPE))
