"""Probabilistic losses: crossentropies (plain and focal), KL divergence, Poisson."""

import warnings

from cornu import backend
from cornu import ops
from cornu.losses.loss import Loss
from cornu.losses.loss_function_wrapper import LossFunctionWrapper, PlainConfigWrapper
from cornu.serialization.registry import keras_export


def _check_int_axis(axis):
    if isinstance(axis, bool):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis} of type {type(axis)}")


def _warn_single_class(y_pred, fn_name):
    if y_pred.shape and y_pred.shape[-1] == 1:
        warnings.warn(
            f"In loss {fn_name}, expected y_pred.shape to be (batch_size, num_classes) with "
            f"num_classes > 1. Received: y_pred.shape={tuple(y_pred.shape)}. "
            "Consider using 'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=3,
        )


def _check_same_shape(y_true, y_pred, fn_name):
    if len(y_true.shape) != len(y_pred.shape) or any(
        a is not None and b is not None and a != b for a, b in zip(y_true.shape, y_pred.shape)
    ):
        raise ValueError(
            f"In `{fn_name}`, `y_true` (one-hot labels) and `y_pred` must have the same shape. "
            "For integer labels use `sparse_categorical_crossentropy`. "
            f"Received: y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}"
        )


def _smooth_categorical(y_true, label_smoothing, dtype):
    num_classes = ops.cast(ops.shape(y_true)[-1], dtype)
    return y_true * (1.0 - label_smoothing) + (label_smoothing / num_classes)


@keras_export("keras.losses.kl_divergence", "keras.metrics.kl_divergence")
def kl_divergence(y_true, y_pred):
    """``sum(y_true * log(y_true / y_pred))`` over the last axis (both clipped to ``[epsilon, 1]``).

    Example:
    >>> kl_divergence([[0.5, 0.5]], [[0.25, 0.75]])
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, y_pred.dtype)
    y_true = ops.clip(y_true, backend.epsilon(), 1)
    y_pred = ops.clip(y_pred, backend.epsilon(), 1)
    return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)


@keras_export("keras.losses.poisson", "keras.metrics.poisson")
def poisson(y_true, y_pred):
    """Mean of ``y_pred - y_true * log(y_pred + epsilon)`` over the last axis.

    Example:
    >>> poisson([[1.0, 0.0]], [[1.0, 1.0]])  # [0.5]
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=y_pred.dtype)
    epsilon = ops.convert_to_tensor(backend.epsilon(), dtype=y_pred.dtype)
    return ops.mean(y_pred - y_true * ops.log(y_pred + epsilon), axis=-1)


@keras_export("keras.losses.binary_crossentropy", "keras.metrics.binary_crossentropy")
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary crossentropy averaged over ``axis``.

    Args:
        from_logits: whether ``y_pred`` holds logits rather than probabilities.
        label_smoothing: in ``[0, 1]``; labels move towards 0.5 by this much.

    Example:
    >>> binary_crossentropy([[0.0, 1.0]], [[0.4, 0.6]])  # [-log(0.6)]
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


@keras_export("keras.losses.categorical_crossentropy", "keras.metrics.categorical_crossentropy")
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Crossentropy between one-hot labels and predicted class probabilities (or logits).

    Example:
    >>> categorical_crossentropy([[0.0, 1.0]], [[0.2, 0.8]])  # [-log(0.8)]
    """
    _check_int_axis(axis)
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    _check_same_shape(y_true, y_pred, "categorical_crossentropy")
    _warn_single_class(y_pred, "categorical_crossentropy")
    if label_smoothing:
        y_true = _smooth_categorical(y_true, label_smoothing, y_pred.dtype)
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


@keras_export("keras.losses.sparse_categorical_crossentropy", "keras.metrics.sparse_categorical_crossentropy")
def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Crossentropy between integer labels and predicted class probabilities (or logits).

    Args:
        ignore_class: a label value whose entries get loss 0 and are masked
            out of the mean (e.g. a padding or "void" class).

    Example:
    >>> sparse_categorical_crossentropy([1], [[0.2, 0.8]])  # [-log(0.8)]
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[axis] == 1:
        y_true = ops.squeeze(y_true, axis=axis)
    if ignore_class is not None:
        class_axis = axis % len(y_pred.shape)
        result_shape = tuple(d for i, d in enumerate(ops.shape(y_pred)) if i != class_axis)
        valid_mask = ops.not_equal(y_true, ops.cast(ignore_class, y_true.dtype))
        y_true = ops.where(valid_mask, y_true, ops.zeros_like(y_true))
        # Ignored rows become uniform (Keras uses zeros, which gives 0/0 = NaN before masking).
        y_pred = ops.where(ops.expand_dims(valid_mask, axis), y_pred, ops.ones_like(y_pred))
    result = ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)
    if ignore_class is not None:
        valid_mask = ops.reshape(valid_mask, result_shape)
        result = ops.where(valid_mask, result, ops.zeros_like(result))
        backend.set_keras_mask(result, valid_mask)
    return result


@keras_export("keras.losses.binary_focal_crossentropy", "keras.metrics.binary_focal_crossentropy")
def binary_focal_crossentropy(
    y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1
):
    """Binary crossentropy scaled by ``(1 - p_t) ** gamma``, averaged over ``axis``.

    Example:
    >>> binary_focal_crossentropy([[0.0, 1.0]], [[0.4, 0.6]], gamma=2.0)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        y_pred = ops.sigmoid(y_pred)
    bce = ops.binary_crossentropy(y_true, y_pred, from_logits=False)
    p_t = y_true * y_pred + (1 - y_true) * (1 - y_pred)
    focal_bce = ops.power(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal_bce = (y_true * alpha + (1 - y_true) * (1 - alpha)) * focal_bce
    return ops.mean(focal_bce, axis=axis)


@keras_export("keras.losses.categorical_focal_crossentropy", "keras.metrics.categorical_focal_crossentropy")
def categorical_focal_crossentropy(
    y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1
):
    """Categorical crossentropy scaled per class by ``alpha * (1 - p) ** gamma``.

    Example:
    >>> categorical_focal_crossentropy([[0.0, 1.0]], [[0.2, 0.8]])
    """
    _check_int_axis(axis)
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    _warn_single_class(y_pred, "categorical_focal_crossentropy")
    if label_smoothing:
        y_true = _smooth_categorical(y_true, label_smoothing, y_pred.dtype)
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    output = y_pred / ops.sum(y_pred, axis=axis, keepdims=True)
    output = ops.clip(output, backend.epsilon(), 1.0 - backend.epsilon())
    cce = -y_true * ops.log(output)
    weight = ops.multiply(ops.power(1.0 - output, gamma), alpha)
    return ops.sum(ops.multiply(weight, cce), axis=axis)


@keras_export("keras.losses.categorical_generalized_cross_entropy")
def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """Generalized crossentropy ``(1 - p_true ** q) / q`` for integer labels (robust to label noise).

    Example:
    >>> categorical_generalized_cross_entropy([1], [[0.2, 0.8]], q=0.5)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    one_hot = ops.one_hot(ops.cast(y_true, "int32"), num_classes=ops.shape(y_pred)[-1])
    one_hot = ops.cast(one_hot, y_pred.dtype)
    p = ops.sum(y_pred * one_hot, axis=-1)
    return (1 - ops.power(p, q)) / q


def _with_fields(loss, names):
    return {**Loss.get_config(loss), **{n: getattr(loss, n) for n in names}}


@keras_export("keras.losses.KLDivergence")
class KLDivergence(PlainConfigWrapper):
    """Kullback-Leibler divergence between label and predicted distributions.

    Example:
    >>> loss = KLDivergence()([[0.5, 0.5]], [[0.25, 0.75]])
    """

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, name=name, reduction=reduction, dtype=dtype)


@keras_export("keras.losses.Poisson")
class Poisson(PlainConfigWrapper):
    """Poisson loss ``y_pred - y_true * log(y_pred)``.

    Example:
    >>> loss = Poisson()([[1.0, 0.0]], [[1.0, 1.0]])
    """

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, name=name, reduction=reduction, dtype=dtype)


@keras_export("keras.losses.BinaryCrossentropy")
class BinaryCrossentropy(LossFunctionWrapper):
    """Crossentropy for binary (0 or 1) labels.

    Example:
    >>> loss = BinaryCrossentropy(from_logits=True)
    >>> value = loss([[0.0, 1.0]], [[-2.0, 3.0]])
    """

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        return _with_fields(self, ("from_logits", "label_smoothing", "axis"))


@keras_export("keras.losses.BinaryFocalCrossentropy")
class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary crossentropy that down-weights easy examples by ``(1 - p_t) ** gamma``.

    Example:
    >>> loss = BinaryFocalCrossentropy(gamma=2.0)([[0.0, 1.0]], [[0.4, 0.6]])
    """

    def __init__(
        self,
        apply_class_balancing=False,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_focal_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma

    def get_config(self):
        return _with_fields(
            self, ("from_logits", "label_smoothing", "axis", "apply_class_balancing", "alpha", "gamma")
        )


@keras_export("keras.losses.CategoricalCrossentropy")
class CategoricalCrossentropy(LossFunctionWrapper):
    """Crossentropy for one-hot labels over two or more classes.

    Example:
    >>> loss = CategoricalCrossentropy()([[0.0, 1.0]], [[0.2, 0.8]])  # -log(0.8)
    """

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        return _with_fields(self, ("from_logits", "label_smoothing", "axis"))


@keras_export("keras.losses.CategoricalFocalCrossentropy")
class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Categorical crossentropy that down-weights well-classified examples.

    Example:
    >>> loss = CategoricalFocalCrossentropy()([[0.0, 1.0]], [[0.2, 0.8]])
    """

    def __init__(
        self,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_focal_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.alpha = alpha
        self.gamma = gamma

    def get_config(self):
        return _with_fields(self, ("from_logits", "label_smoothing", "axis", "alpha", "gamma"))


@keras_export("keras.losses.SparseCategoricalCrossentropy")
class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Crossentropy for integer class labels.

    Example:
    >>> loss = SparseCategoricalCrossentropy(from_logits=True)
    >>> value = loss([1, 0], [[0.1, 2.0], [1.5, -1.0]])
    """

    _integer_targets = True

    def __init__(
        self,
        from_logits=False,
        ignore_class=None,
        reduction="sum_over_batch_size",
        axis=-1,
        name="sparse_categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def get_config(self):
        config = _with_fields(self, ("from_logits", "ignore_class"))
        if self.axis != -1:
            # Keras drops `axis` from this config; keep it when it matters (Keras accepts the key).
            config["axis"] = self.axis
        return config


@keras_export("keras.losses.CategoricalGeneralizedCrossEntropy")
class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """Generalized crossentropy for integer labels, between crossentropy (q -> 0) and MAE (q = 1).

    Example:
    >>> loss = CategoricalGeneralizedCrossEntropy(q=0.5)([1], [[0.2, 0.8]])
    """

    def __init__(
        self, q=0.5, reduction="sum_over_batch_size", name="categorical_generalized_cross_entropy", dtype=None
    ):
        if not 0 < q < 1:
            raise ValueError(f"Argument `q` must be in the interval (0, 1). Received: q={q}")
        super().__init__(categorical_generalized_cross_entropy, name=name, reduction=reduction, dtype=dtype, q=q)
        self.q = q

    def get_config(self):
        return _with_fields(self, ("q",))
