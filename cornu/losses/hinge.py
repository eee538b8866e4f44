"""Hinge losses (for -1/1 or 0/1 labels) and the overlap losses Dice and Tversky."""

from cornu import backend
from cornu import ops
from cornu.losses.loss import Loss
from cornu.losses.loss_function_wrapper import LossFunctionWrapper, PlainConfigWrapper
from cornu.serialization.registry import keras_export


def binary_labels_to_signs(y_true):
    """Maps labels to -1/1 when they are all 0 or 1; leaves other labels unchanged."""
    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1)))
    return ops.where(is_binary, 2.0 * y_true - 1.0, y_true)


@keras_export("keras.losses.hinge", "keras.metrics.hinge")
def hinge(y_true, y_pred):
    """Mean of ``max(1 - y_true * y_pred, 0)`` over the last axis (0/1 labels become -1/1).

    Example:
    >>> hinge([[0.0, 1.0]], [[-0.5, 0.5]])  # [0.5]
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = binary_labels_to_signs(ops.cast(y_true, y_pred.dtype))
    return ops.mean(ops.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


@keras_export("keras.losses.squared_hinge", "keras.metrics.squared_hinge")
def squared_hinge(y_true, y_pred):
    """Mean of ``max(1 - y_true * y_pred, 0) ** 2`` over the last axis (0/1 labels become -1/1).

    Example:
    >>> squared_hinge([[0.0, 1.0]], [[-0.5, 0.5]])  # [0.25]
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = binary_labels_to_signs(ops.cast(y_true, y_pred.dtype))
    return ops.mean(ops.square(ops.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


@keras_export("keras.losses.categorical_hinge", "keras.metrics.categorical_hinge")
def categorical_hinge(y_true, y_pred):
    """``max(max_wrong - true_score + 1, 0)`` for one-hot labels.

    Example:
    >>> categorical_hinge([[0.0, 1.0]], [[0.3, 0.6]])  # [0.7]
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    pos = ops.sum(y_true * y_pred, axis=-1)
    neg = ops.max((1.0 - y_true) * y_pred, axis=-1)
    return ops.maximum(neg - pos + 1.0, ops.cast(0.0, y_pred.dtype))


@keras_export("keras.losses.dice")
def dice(y_true, y_pred, axis=None):
    """``1 - 2 * |y_true * y_pred| / (|y_true| + |y_pred|)``, summed over ``axis``.

    Example:
    >>> dice([[1.0, 0.0]], [[1.0, 0.0]])  # ~0.0
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    intersection = ops.sum(y_true * y_pred, axis=axis)
    union = ops.sum(y_true, axis=axis) + ops.sum(y_pred, axis=axis) + backend.epsilon()
    return 1 - ops.divide(2.0 * intersection, union)


@keras_export("keras.losses.tversky")
def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """Tversky loss: Dice with false positives weighted by ``alpha`` and false negatives by ``beta``.

    Example:
    >>> tversky([[1.0, 0.0]], [[0.5, 0.5]], alpha=0.3, beta=0.7)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    intersection = ops.sum(y_true * y_pred, axis=axis)
    fp = ops.sum((1 - y_pred) * y_true, axis=axis)
    fn = ops.sum(y_pred * (1 - y_true), axis=axis)
    score = ops.divide(intersection, intersection + fp * alpha + fn * beta + backend.epsilon())
    return 1 - score


@keras_export("keras.losses.Hinge")
class Hinge(PlainConfigWrapper):
    """Hinge loss; 0/1 labels are converted to -1/1.

    Example:
    >>> float(Hinge()([[0.0, 1.0]], [[-0.5, 0.5]]))
    0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, name=name, reduction=reduction, dtype=dtype)


@keras_export("keras.losses.SquaredHinge")
class SquaredHinge(PlainConfigWrapper):
    """Squared hinge loss; 0/1 labels are converted to -1/1.

    Example:
    >>> float(SquaredHinge()([[0.0, 1.0]], [[-0.5, 0.5]]))
    0.25
    """

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name=name, reduction=reduction, dtype=dtype)


@keras_export("keras.losses.CategoricalHinge")
class CategoricalHinge(PlainConfigWrapper):
    """Categorical hinge loss for one-hot labels.

    Example:
    >>> loss = CategoricalHinge()([[0.0, 1.0]], [[0.3, 0.6]])  # 0.7
    """

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name=name, reduction=reduction, dtype=dtype)


@keras_export("keras.losses.Dice")
class Dice(LossFunctionWrapper):
    """Dice loss, for segmentation masks.

    Example:
    >>> loss = Dice()([[1.0, 0.0]], [[0.8, 0.1]])
    """

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, name=name, reduction=reduction, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        return {**Loss.get_config(self), "axis": self.axis}


@keras_export("keras.losses.Tversky")
class Tversky(LossFunctionWrapper):
    """Tversky loss, a Dice loss with separate weights for false positives and negatives.

    Example:
    >>> loss = Tversky(alpha=0.3, beta=0.7)([[1.0, 0.0]], [[0.8, 0.1]])
    """

    def __init__(self, alpha=0.5, beta=0.5, reduction="sum_over_batch_size", name="tversky", axis=None, dtype=None):
        super().__init__(tversky, name=name, reduction=reduction, dtype=dtype, alpha=alpha, beta=beta, axis=axis)
        self.alpha = alpha
        self.beta = beta
        self.axis = axis

    def get_config(self):
        return {**Loss.get_config(self), "alpha": self.alpha, "beta": self.beta, "axis": self.axis}
