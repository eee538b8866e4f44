"""Dtype names and the type-promotion rules shared by every backend.

Promotion follows Keras 3 (JAX-style): Python scalars are *weak* and adopt the
dtype of the tensor they meet; two strong dtypes meet at their least upper
bound in a fixed lattice, so ``int8 + uint8 -> int16`` and ``int32 + float16
-> float16`` on every backend alike.
"""

import functools

import numpy as np

from cornu.backend import config

BOOL = ("bool",)
INT = ("uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64")
FLOAT = ("bfloat16", "float16", "float32", "float64")
COMPLEX = ("complex64", "complex128")
ALLOWED_DTYPES = BOOL + INT + FLOAT + COMPLEX + ("string",)

_ALIASES = {
    "float": "float32",
    "double": "float64",
    "half": "float16",
    "int": "int32",
    "long": "int64",
    "uint": "uint32",
    "bool_": "bool",
    "boolean": "bool",
    "complex": "complex64",
    "str": "string",
}

# Weak (Python-scalar) types are the pseudo dtypes "int", "float", "complex".
_WEAK_INT, _WEAK_FLOAT, _WEAK_COMPLEX = "weak_int", "weak_float", "weak_complex"

_LATTICE = {
    "bool": [_WEAK_INT],
    _WEAK_INT: ["uint8", "int8"],
    "uint8": ["int16", "uint16"],
    "uint16": ["int32", "uint32"],
    "uint32": ["int64", "uint64"],
    "uint64": [_WEAK_FLOAT],
    "int8": ["int16"],
    "int16": ["int32"],
    "int32": ["int64"],
    "int64": [_WEAK_FLOAT],
    _WEAK_FLOAT: ["bfloat16", "float16", _WEAK_COMPLEX],
    "bfloat16": ["float32"],
    "float16": ["float32"],
    "float32": ["float64", "complex64"],
    "float64": ["complex128"],
    _WEAK_COMPLEX: ["complex64"],
    "complex64": ["complex128"],
    "complex128": [],
}


@functools.lru_cache(maxsize=None)
def _upper_closure(node):
    seen = {node}
    stack = [node]
    while stack:
        for up in _LATTICE[stack.pop()]:
            if up not in seen:
                seen.add(up)
                stack.append(up)
    return frozenset(seen)


@functools.lru_cache(maxsize=4096)
def _least_upper_bound(nodes):
    common = frozenset.intersection(*(_upper_closure(n) for n in nodes))
    for candidate in common:
        if _upper_closure(candidate) == common:
            return candidate
    raise ValueError(f"No common dtype for {nodes}.")


def standardize_dtype(dtype):
    """Returns the canonical string name of ``dtype`` (e.g. ``"float32"``).

    Accepts strings, NumPy dtypes, Python types and backend dtypes.

    Example:
    >>> standardize_dtype(np.float32)
    'float32'
    """
    try:
        return _STANDARD_NAMES[dtype]
    except (KeyError, TypeError):
        pass
    if dtype is None:
        return config.floatx()
    name = _standardize_uncached(dtype)
    if dtype is not float:  # floatx may change later
        try:
            _STANDARD_NAMES[dtype] = name
        except TypeError:
            pass
    return name


_STANDARD_NAMES = {}


def _standardize_uncached(dtype):
    if isinstance(dtype, str):
        name = dtype
    elif dtype is int:
        return "int64" if config.backend() == "tensorflow" else "int32"
    elif dtype is float:
        return config.floatx()
    elif dtype is bool:
        return "bool"
    elif hasattr(dtype, "name") and isinstance(dtype.name, str):
        name = dtype.name
    elif hasattr(dtype, "__str__") and "torch" in str(dtype):
        name = str(dtype).split(".")[-1]
    else:
        try:
            name = np.dtype(dtype).name
        except TypeError:
            name = str(dtype)
    if getattr(dtype, "kind", None) in ("U", "S"):  # a NumPy unicode or bytes array: Keras's "string"
        name = "string"
    name = _ALIASES.get(name, name)
    if name.startswith("dtype("):
        name = name[7:-2]
    if name not in ALLOWED_DTYPES:
        raise ValueError(f"Invalid dtype: expected one of {ALLOWED_DTYPES}. Received: dtype={dtype!r}")
    return name


def is_float_dtype(dtype):
    return standardize_dtype(dtype) in FLOAT


def is_int_dtype(dtype):
    return standardize_dtype(dtype) in INT


def _node_of(value):
    """Maps one argument of ``result_type`` to a lattice node."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int) or value is int:
        return _WEAK_INT
    if isinstance(value, float) or value is float:
        return _WEAK_FLOAT
    if isinstance(value, complex) or value is complex:
        return _WEAK_COMPLEX
    if value is bool:
        return "bool"
    return standardize_dtype(value)


def _resolve_weak(node):
    if node == _WEAK_INT:
        return "int32"
    if node == _WEAK_FLOAT:
        return config.floatx()
    if node == _WEAK_COMPLEX:
        return "complex64"
    return node


def result_type(*dtypes):
    """Returns the dtype that the given dtypes (or Python scalars) promote to.

    Python ``int``/``float`` values or types are weak: they never widen a tensor.

    Example:
    >>> result_type("int8", "uint8")
    'int16'
    >>> result_type("float16", float)
    'float16'
    """
    if not dtypes:
        return config.floatx()
    nodes = tuple(sorted({_node_of(d) for d in dtypes}))
    return _resolve_weak(_least_upper_bound(nodes))
