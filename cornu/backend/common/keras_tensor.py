"""KerasTensor: a symbolic placeholder (shape with ``None`` dims, dtype) used
to build Functional models and infer shapes without real data."""

from cornu.backend.common.dtypes import standardize_dtype


class KerasTensor:
    """A symbolic tensor: a shape (``None`` for unknown dims) and a dtype.

    Produced by ``cornu.Input`` and by calling layers or ops on other
    KerasTensors; it records which operation made it (``_keras_history``).

    Example:
    >>> x = cornu.KerasTensor((None, 3))
    >>> (x * 2).shape
    (None, 3)
    """

    __slots__ = ("shape", "dtype", "sparse", "ragged", "name", "_keras_history", "_keras_mask", "__weakref__")

    def __init__(self, shape, dtype="float32", sparse=False, ragged=False, record_history=True, name=None):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.name = name
        self._keras_history = None
        self._keras_mask = None

    @property
    def ndim(self):
        return len(self.shape)

    def reshape(self, newshape):
        from cornu import ops

        return ops.reshape(self, newshape)

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __array__(self, *args, **kwargs):
        raise ValueError(
            "A KerasTensor is symbolic: it is a placeholder for a shape and a dtype and "
            "holds no data. It reached code that needs real values (e.g. NumPy or a raw "
            "backend function). Use cornu.ops functions on it, or wrap the computation in "
            f"a Layer. Received: {self!r}"
        )

    def __jax_array__(self):
        self.__array__()

    def __bool__(self):
        raise TypeError(
            "A symbolic KerasTensor cannot be used as a Python bool (its value is unknown "
            f"while building the model). Use cornu.ops.cond or cornu.ops.where. Received: {self!r}"
        )

    def __len__(self):
        if self.shape and self.shape[0] is not None:
            return self.shape[0]
        raise TypeError(f"len() of a KerasTensor with unknown first dimension. Received: {self!r}")

    def __iter__(self):
        raise TypeError(f"A KerasTensor cannot be iterated over in Python. Use cornu.ops.unstack. Received: {self!r}")

    def __getitem__(self, key):
        from cornu import ops

        return ops.get_item(self, key)


def _binary(op_name, reflected=False):
    def method(self, other):
        from cornu import ops

        fn = getattr(ops, op_name)
        return fn(other, self) if reflected else fn(self, other)

    method.__name__ = op_name
    return method


def _unary(op_name):
    def method(self):
        from cornu import ops

        return getattr(ops, op_name)(self)

    return method


_BINARY = {
    "add": "add", "sub": "subtract", "mul": "multiply", "truediv": "divide",
    "floordiv": "floor_divide", "mod": "mod", "pow": "power", "matmul": "matmul",
    "and": "logical_and", "or": "logical_or", "xor": "logical_xor",
}
_COMPARE = {"lt": "less", "le": "less_equal", "gt": "greater", "ge": "greater_equal", "eq": "equal", "ne": "not_equal"}
_UNARY = {"neg": "negative", "pos": "copy", "abs": "absolute", "invert": "logical_not"}


def add_operator_overloads(cls):
    """Gives ``cls`` the arithmetic and comparison operators, routed through ``cornu.ops``."""
    for dunder, op_name in _BINARY.items():
        setattr(cls, f"__{dunder}__", _binary(op_name))
        setattr(cls, f"__r{dunder}__", _binary(op_name, reflected=True))
    for dunder, op_name in _COMPARE.items():
        setattr(cls, f"__{dunder}__", _binary(op_name))
    for dunder, op_name in _UNARY.items():
        setattr(cls, f"__{dunder}__", _unary(op_name))
    cls.__hash__ = object.__hash__
    return cls


add_operator_overloads(KerasTensor)


def is_keras_tensor(x):
    """Returns whether ``x`` is a symbolic ``KerasTensor``."""
    return isinstance(x, KerasTensor)
