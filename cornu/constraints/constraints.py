"""Projections applied to a weight after each optimizer update."""

from cornu import backend
from cornu import ops
from cornu.serialization.registry import keras_export


def _norms(w, axis):
    return ops.sqrt(ops.sum(ops.square(w), axis=axis, keepdims=True))


@keras_export("keras.constraints.Constraint")
class Constraint:
    """Base of all constraints: a callable ``weight -> projected weight``.

    Example:
    >>> class NonNegative(cornu.constraints.Constraint):
    ...     def __call__(self, w):
    ...         return cornu.ops.maximum(w, 0.0)
    """

    def __call__(self, w):
        return w

    def get_config(self):
        """The constructor arguments, as a JSON-serializable dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """Builds a constraint from the output of ``get_config()``."""
        return cls(**config)


@keras_export("keras.constraints.MaxNorm", "keras.constraints.max_norm")
class MaxNorm(Constraint):
    """Rescales each weight vector (the slices along ``axis``) to a norm of at most ``max_value``.

    For a Dense kernel ``(input_dim, units)`` keep ``axis=0``; for a Conv2D
    kernel ``(rows, cols, in, out)`` use ``axis=[0, 1, 2]``.

    Example:
    >>> w = cornu.constraints.MaxNorm(1.0)(cornu.ops.ones((4, 2)))  # columns of norm 1
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        desired = ops.clip(norms, 0, self.max_value)
        return ops.cast(w, norms.dtype) * (desired / (backend.epsilon() + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


@keras_export("keras.constraints.NonNeg", "keras.constraints.non_neg")
class NonNeg(Constraint):
    """Replaces negative weights by 0.

    Example:
    >>> cornu.constraints.NonNeg()(cornu.ops.convert_to_tensor([-1.0, 2.0]))  # [0., 2.]
    """

    def __call__(self, w):
        return ops.maximum(ops.convert_to_tensor(w), 0)


@keras_export("keras.constraints.UnitNorm", "keras.constraints.unit_norm")
class UnitNorm(Constraint):
    """Rescales each weight vector (the slices along ``axis``) to norm 1.

    Example:
    >>> w = cornu.constraints.UnitNorm()(cornu.ops.ones((4, 2)))  # every column is 0.5
    """

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        return ops.cast(w, norms.dtype) / (backend.epsilon() + norms)

    def get_config(self):
        return {"axis": self.axis}


@keras_export("keras.constraints.MinMaxNorm", "keras.constraints.min_max_norm")
class MinMaxNorm(Constraint):
    """Moves the norm of each weight vector into ``[min_value, max_value]``.

    The new norm is ``rate * clip(norm, min_value, max_value) + (1 - rate) * norm``,
    so ``rate=1`` enforces the bounds at once and a smaller rate approaches them.

    Example:
    >>> w = cornu.constraints.MinMaxNorm(0.5, 1.0)(cornu.ops.ones((4, 2)))
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        desired = self.rate * ops.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return ops.cast(w, norms.dtype) * (desired / (backend.epsilon() + norms))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}
