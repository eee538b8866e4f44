"""Weight penalties added to the loss: L1, L2, L1L2 and orthogonality."""

import math

import numpy as np

from cornu import backend
from cornu import ops
from cornu.serialization.registry import keras_export


def validate_float_arg(value, name):
    """Returns ``value`` as a float, or raises if it is not a finite number >= 0."""
    is_number = isinstance(value, (float, int)) and not isinstance(value, bool)
    if not is_number or math.isinf(value) or math.isnan(value) or value < 0:
        raise ValueError(f"Invalid value for argument {name}: expected a non-negative float. Received: {name}={value}")
    return float(value)


def _as_float32(value):
    return float(np.float32(value))


@keras_export("keras.regularizers.Regularizer", "keras.Regularizer")
class Regularizer:
    """Base of all regularizers: a callable ``weights -> scalar penalty``.

    Example:
    >>> class Sum(cornu.regularizers.Regularizer):
    ...     def __call__(self, x):
    ...         return 0.01 * cornu.ops.sum(x)
    ...     def get_config(self):
    ...         return {}
    """

    def __call__(self, x):
        return 0.0

    @classmethod
    def from_config(cls, config):
        """Builds a regularizer from the output of ``get_config()``."""
        return cls(**config)

    def get_config(self):
        """The constructor arguments, as a JSON-serializable dict."""
        raise NotImplementedError(f"{self} does not implement get_config()")


@keras_export("keras.regularizers.L1L2", "keras.regularizers.l1_l2")
class L1L2(Regularizer):
    """``l1 * sum(abs(x)) + l2 * sum(square(x))``.

    Example:
    >>> cornu.regularizers.L1L2(l1=0.1, l2=0.01)(cornu.ops.ones((2, 2)))  # 0.44
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = validate_float_arg(0.0 if l1 is None else l1, name="l1")
        self.l2 = validate_float_arg(0.0 if l2 is None else l2, name="l2")

    def __call__(self, x):
        x = ops.convert_to_tensor(x)
        penalty = ops.convert_to_tensor(0.0, dtype=x.dtype)
        if self.l1 != 0.0:
            penalty = penalty + ops.cast(self.l1, x.dtype) * ops.sum(ops.absolute(x))
        if self.l2 != 0.0:
            penalty = penalty + ops.cast(self.l2, x.dtype) * ops.sum(ops.square(x))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


@keras_export("keras.regularizers.L1", "keras.regularizers.l1")
class L1(Regularizer):
    """``l1 * sum(abs(x))``.

    Example:
    >>> cornu.regularizers.L1(0.5)(cornu.ops.ones((2,)))  # 1.0
    """

    def __init__(self, l1=0.01):
        self.l1 = validate_float_arg(0.01 if l1 is None else l1, name="l1")

    def __call__(self, x):
        x = ops.convert_to_tensor(x)
        return ops.cast(self.l1, x.dtype) * ops.sum(ops.absolute(x))

    def get_config(self):
        # Keras holds this factor as a float32 tensor, so its config carries the rounded value.
        return {"l1": _as_float32(self.l1)}


@keras_export("keras.regularizers.L2", "keras.regularizers.l2")
class L2(Regularizer):
    """``l2 * sum(square(x))``.

    Example:
    >>> cornu.regularizers.L2(0.5)(cornu.ops.ones((2,)))  # 1.0
    """

    def __init__(self, l2=0.01):
        self.l2 = validate_float_arg(0.01 if l2 is None else l2, name="l2")

    def __call__(self, x):
        x = ops.convert_to_tensor(x)
        return ops.cast(self.l2, x.dtype) * ops.sum(ops.square(x))

    def get_config(self):
        return {"l2": self.l2}


def _l2_normalize(x, axis):
    inv_norm = 1.0 / ops.sqrt(ops.sum(ops.square(x), axis=axis, keepdims=True))
    return x * ops.minimum(inv_norm, 1.0 / backend.epsilon())


@keras_export("keras.regularizers.OrthogonalRegularizer", "keras.regularizers.orthogonal_regularizer")
class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (or columns) of a 2D weight towards being orthogonal.

    The penalty is ``factor`` times the mean absolute dot product between
    distinct L2-normalized rows (``mode="rows"``) or columns (``mode="columns"``).

    Example:
    >>> reg = cornu.regularizers.OrthogonalRegularizer(factor=0.1, mode="columns")
    >>> penalty = reg(cornu.ops.ones((3, 2)))
    """

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = validate_float_arg(factor, name="factor")
        if mode not in ("rows", "columns"):
            raise ValueError(
                f'Invalid value for argument `mode`. Expected one of {{"rows", "columns"}}. Received: mode={mode}'
            )
        self.mode = mode

    def __call__(self, inputs):
        inputs = ops.convert_to_tensor(inputs)
        if len(inputs.shape) != 2:
            raise ValueError(
                f"Inputs to OrthogonalRegularizer must have rank 2. Received: inputs.shape={tuple(inputs.shape)}"
            )
        if self.mode == "rows":
            normalized = _l2_normalize(inputs, axis=1)
            product = ops.matmul(normalized, ops.transpose(normalized))
            size = inputs.shape[0]
        else:
            normalized = _l2_normalize(inputs, axis=0)
            product = ops.matmul(ops.transpose(normalized), normalized)
            size = inputs.shape[1]
        off_diagonal = product * (1.0 - ops.eye(size, dtype=inputs.dtype))
        num_pairs = size * (size - 1.0) / 2.0
        return ops.cast(self.factor, inputs.dtype) * 0.5 * ops.sum(ops.absolute(off_diagonal)) / num_pairs

    def get_config(self):
        return {"factor": _as_float32(self.factor), "mode": self.mode}
