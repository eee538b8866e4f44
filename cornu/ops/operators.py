"""Python operators (``+``, ``*``, ``<``, ``-x``, ``x[i]``, ...) on ``KerasTensor`` and
``Variable``, routed through the public ops.

The backend defines both classes but never imports ``cornu.ops``; importing ``cornu.ops``
(which ``import cornu`` always does) installs the operators here.

Example:
>>> x = cornu.KerasTensor((None, 3))
>>> (2 * x + 1).shape
(None, 3)
"""

from cornu.backend.common.keras_tensor import KerasTensor
from cornu.backend.common.variables import VariableBase
from cornu.ops import numpy as numpy_ops

_BINARY = {
    "add": "add", "sub": "subtract", "mul": "multiply", "truediv": "divide",
    "floordiv": "floor_divide", "mod": "mod", "pow": "power", "matmul": "matmul",
    "and": "logical_and", "or": "logical_or", "xor": "logical_xor",
}
_COMPARE = {"lt": "less", "le": "less_equal", "gt": "greater", "ge": "greater_equal", "eq": "equal", "ne": "not_equal"}
_UNARY = {"neg": "negative", "pos": "copy", "abs": "absolute", "invert": "logical_not"}


def _binary(fn, name):
    def method(self, other):
        return fn(self, other)

    method.__name__ = name
    return method


def _reflected(fn, name):
    def method(self, other):
        return fn(other, self)

    method.__name__ = name
    return method


def _unary(fn, name):
    def method(self):
        return fn(self)

    method.__name__ = name
    return method


def add_operator_overloads(cls):
    """Gives ``cls`` the arithmetic and comparison operators, each calling its op."""
    for dunder, op_name in _BINARY.items():
        fn = getattr(numpy_ops, op_name)
        setattr(cls, f"__{dunder}__", _binary(fn, f"__{dunder}__"))
        setattr(cls, f"__r{dunder}__", _reflected(fn, f"__r{dunder}__"))
    for dunder, op_name in _COMPARE.items():
        setattr(cls, f"__{dunder}__", _binary(getattr(numpy_ops, op_name), f"__{dunder}__"))
    for dunder, op_name in _UNARY.items():
        setattr(cls, f"__{dunder}__", _unary(getattr(numpy_ops, op_name), f"__{dunder}__"))
    cls.__hash__ = object.__hash__  # ``__eq__`` is an op: keep identity hashing
    return cls


def _keras_tensor_reshape(self, newshape):
    return numpy_ops.reshape(self, newshape)


def _keras_tensor_getitem(self, key):
    return numpy_ops.get_item(self, key)


add_operator_overloads(KerasTensor)
add_operator_overloads(VariableBase)
KerasTensor.reshape = _keras_tensor_reshape
KerasTensor.__getitem__ = _keras_tensor_getitem
