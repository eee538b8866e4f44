"""KerasTensor: a symbolic placeholder (shape with ``None`` dims, dtype) used
to build Functional models and infer shapes without real data."""

from cornu.backend.common.dtypes import standardize_dtype


class KerasTensor:
    """A symbolic tensor: a shape (``None`` for unknown dims) and a dtype.

    Produced by ``cornu.Input`` and by calling layers or ops on other
    KerasTensors; it records which operation made it (``_keras_history``). Its operators
    (``x * 2``), ``reshape`` and indexing are the public ops, installed by
    ``cornu.ops.operators``.

    Example:
    >>> x = cornu.KerasTensor((None, 3))
    >>> (x * 2).shape
    (None, 3)
    """

    __slots__ = ("shape", "dtype", "sparse", "ragged", "name", "_keras_history", "_keras_mask", "__weakref__")

    def __init__(self, shape, dtype="float32", sparse=False, ragged=False, record_history=True, name=None,
                 **kwargs):
        unknown = set(kwargs) - {"ragged_rank", "row_splits_dtype"}  # Keras's ragged-only options
        if unknown:
            raise TypeError(f"KerasTensor() got unexpected keyword arguments. Received: {sorted(unknown)}")
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


def is_keras_tensor(x):
    """Returns whether ``x`` is a symbolic ``KerasTensor``."""
    return isinstance(x, KerasTensor)
