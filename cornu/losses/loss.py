"""The ``Loss`` base class and the reduction rules every loss shares.

A loss turns ``(y_true, y_pred)`` into per-sample values in ``call()``; the
base class converts the inputs to the loss dtype, folds any Keras mask on
``y_pred`` (or on the values ``call()`` returns) into the sample weights, and
reduces the weighted values the way Keras 3 does.
"""

import math

from cornu import backend
from cornu import ops
from cornu.backend.common.naming import auto_name
from cornu.serialization.registry import keras_export

REDUCTIONS = ("sum_over_batch_size", "sum", None, "none", "mean", "mean_with_sample_weight")


def compute_dtype_of(dtype):
    """The dtype computations run in, for a dtype name, a dtype policy (or its config) or None (floatx)."""
    from cornu import dtype_policies

    return dtype_policies.get(dtype or backend.floatx()).compute_dtype


def standardize_reduction(reduction):
    """Checks ``reduction`` is one Keras knows and returns it unchanged."""
    if reduction not in REDUCTIONS:
        raise ValueError(
            "Invalid value for argument `reduction`. Expected one of "
            f"{set(REDUCTIONS)}. Received: reduction={reduction!r}"
        )
    return reduction


@keras_export("keras.Loss", "keras.losses.Loss")
class Loss:
    """Base class of losses: subclass it and implement ``call(y_true, y_pred)``.

    Args:
        name: Name of the loss instance (a unique snake_case name by default).
        reduction: How per-sample losses become one number: ``"sum_over_batch_size"``
            (default) and ``"mean"`` divide the weighted sum by the number of
            elements, ``"mean_with_sample_weight"`` by the sum of the sample
            weights, ``"sum"`` only sums, ``"none"``/``None`` returns them as is.
        dtype: dtype the loss computes in (``floatx()`` by default).

    Example:
    >>> class MyMSE(cornu.losses.Loss):
    ...     def call(self, y_true, y_pred):
    ...         return cornu.ops.mean(cornu.ops.square(y_pred - y_true), axis=-1)
    >>> float(MyMSE()([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
    """

    # Whether ``y_true`` holds class indices, which the loss makes integers itself: they are
    # not cast to the loss's float dtype first (two casts per step saved, same values).
    _integer_targets = False

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or auto_name(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype = compute_dtype_of(dtype)

    @property
    def dtype(self):
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        in_mask = backend.get_keras_mask(y_pred)
        y_pred = _convert_structure(y_pred, self.dtype)
        y_true = _convert_structure(y_true, None if self._integer_targets else self.dtype)
        losses = self.call(y_true, y_pred)
        out_mask = backend.get_keras_mask(losses)
        if in_mask is not None and out_mask is not None:
            mask = ops.logical_and(ops.cast(in_mask, "bool"), ops.cast(out_mask, "bool"))
        else:
            mask = in_mask if in_mask is not None else out_mask
        return reduce_weighted_values(
            losses, sample_weight=sample_weight, mask=mask, reduction=self.reduction, dtype=self.dtype
        )

    def call(self, y_true, y_pred):
        raise NotImplementedError(f"Loss subclass {type(self).__name__} must implement `call(y_true, y_pred)`.")

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def _obj_type(self):
        return "Loss"

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def _convert_structure(x, dtype):
    """Converts a tensor, or each tensor of a dict, to ``dtype``.

    Lists and tuples become one tensor when they can (nested numbers, or equal
    shaped arrays), which gives the same numbers as Keras's leaf-by-leaf
    conversion followed by the loss function's own conversion.
    """
    if isinstance(x, dict):
        return {k: _convert_structure(v, dtype) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        try:
            return ops.convert_to_tensor(x, dtype=dtype)
        except (TypeError, ValueError, RuntimeError):
            return type(x)(_convert_structure(v, dtype) for v in x)
    return ops.convert_to_tensor(x, dtype=dtype)


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Makes two tensors whose ranks differ by one (with a trailing 1) the same rank.

    The tensor with the extra trailing axis of size 1 loses it, except that a
    rank-1 partner gains one instead when ``expand_rank_1``.

    Example:
    >>> a, b = squeeze_or_expand_to_same_rank(ops.ones((4, 1)), ops.ones((4, 3, 1)))
    >>> a.shape, b.shape
    ((4, 1), (4, 3))
    """
    rank1, rank2 = len(x1.shape), len(x2.shape)
    if rank1 == rank2:
        return x1, x2
    if rank1 == rank2 + 1 and x1.shape[-1] == 1:
        if rank2 == 1 and expand_rank_1:
            x2 = ops.expand_dims(x2, axis=-1)
        else:
            x1 = ops.squeeze(x1, axis=-1)
    if rank2 == rank1 + 1 and x2.shape[-1] == 1:
        if rank1 == 1 and expand_rank_1:
            x1 = ops.expand_dims(x1, axis=-1)
        else:
            x2 = ops.squeeze(x2, axis=-1)
    return x1, x2


def _num_elements(x, dtype):
    shape = tuple(x.shape)
    if all(isinstance(d, int) for d in shape):
        # Static shape: a Python count (converted to ``dtype`` by the division that uses it)
        # instead of three ops per step.
        return math.prod(shape)
    return ops.cast(ops.prod(ops.convert_to_tensor(ops.shape(x), dtype="int32")), dtype)


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Reduces (already weighted) loss values to a scalar, per ``reduction``."""
    if reduction is None or reduction == "none" or tuple(values.shape) in ((), (0,)):
        return values
    if reduction in ("sum_over_batch_size", "mean", "mean_with_sample_weight") and sample_weight is None:
        count = _num_elements(values, values.dtype)
        if isinstance(count, int) and count > 0:
            return ops.mean(values)  # the same sum / count, as one op (and one autograd node)
    loss = ops.sum(values)
    if reduction in ("sum_over_batch_size", "mean", "mean_with_sample_weight"):
        if reduction == "mean_with_sample_weight" and sample_weight is not None:
            divisor = ops.cast(ops.sum(sample_weight), loss.dtype)
        else:
            divisor = _num_elements(values, loss.dtype)
        loss = ops.divide_no_nan(loss, divisor)
    return loss


def apply_mask(sample_weight, mask, dtype, reduction):
    """Folds a mask into the sample weights.

    For the averaging reductions the kept entries are scaled by
    ``total / kept`` so that dividing by the number of elements later gives
    the mean over the kept entries only.
    """
    if mask is None:
        return sample_weight
    if reduction in ("mean", "sum_over_batch_size"):
        total = _num_elements(mask, dtype)
        valid = ops.sum(ops.cast(mask, dtype))
        mask_weight = ops.divide_no_nan(total, valid)
        float_mask = ops.where(ops.cast(mask, "bool"), mask_weight, ops.zeros_like(mask_weight))
    else:
        float_mask = ops.cast(mask, dtype)
    if sample_weight is None:
        return float_mask
    sample_weight = ops.cast(sample_weight, dtype)
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    return sample_weight * float_mask


def reduce_weighted_values(values, sample_weight=None, mask=None, reduction="sum_over_batch_size", dtype=None):
    """Weights loss values by ``sample_weight`` and ``mask``, then reduces them.

    Example:
    >>> float(reduce_weighted_values(ops.convert_to_tensor([1.0, 3.0]), sample_weight=[1.0, 0.0]))
    0.5
    """
    reduction = standardize_reduction(reduction)
    values = ops.convert_to_tensor(values, dtype=dtype)
    if sample_weight is not None:
        sample_weight = ops.convert_to_tensor(sample_weight, dtype=dtype)
    if mask is not None:
        mask = ops.convert_to_tensor(mask)
    sample_weight = apply_mask(sample_weight, mask, dtype=values.dtype, reduction=reduction)
    if sample_weight is not None:
        sample_weight = ops.cast(sample_weight, values.dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)
