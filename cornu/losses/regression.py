"""Regression losses: squared, absolute, percentage, log errors, Huber, log-cosh, cosine."""

from cornu import backend
from cornu import ops
from cornu.losses.loss import Loss, squeeze_or_expand_to_same_rank
from cornu.losses.loss_function_wrapper import PlainConfigWrapper
from cornu.serialization.registry import keras_export


def check_broadcastable(y_true, y_pred, fn_name):
    """Raises a clear ValueError when ``y_true`` and ``y_pred`` cannot be combined element-wise."""
    a, b = tuple(y_true.shape), tuple(y_pred.shape)
    for d1, d2 in zip(reversed(a), reversed(b)):
        if d1 is None or d2 is None or d1 == d2 or d1 == 1 or d2 == 1:
            continue
        raise ValueError(
            f"In `{fn_name}`, `y_true` and `y_pred` must have the same (or broadcastable) shapes. "
            f"Check that the model's output matches the targets. "
            f"Received: y_true.shape={a}, y_pred.shape={b}"
        )


def _prepare(y_true, y_pred, fn_name):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_broadcastable(y_true, y_pred, fn_name)
    return y_true, y_pred


def l2_normalize(x, axis=-1):
    """``x / max(||x||, epsilon)`` along ``axis``, as ``x * min(rsqrt(sum(x**2)), 1/epsilon)`` like Keras."""
    x = ops.convert_to_tensor(x)
    square_sum = ops.sum(ops.square(x), axis=axis, keepdims=True)
    inv_norm = ops.minimum(ops.rsqrt(square_sum), 1.0 / backend.epsilon())
    return x * inv_norm


@keras_export("keras.losses.mean_squared_error", "keras.metrics.mean_squared_error")
def mean_squared_error(y_true, y_pred):
    """Mean of ``(y_true - y_pred) ** 2`` over the last axis.

    Example:
    >>> mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]])  # [0.5]
    """
    y_true, y_pred = _prepare(y_true, y_pred, "mean_squared_error")
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


@keras_export("keras.losses.mean_absolute_error", "keras.metrics.mean_absolute_error")
def mean_absolute_error(y_true, y_pred):
    """Mean of ``abs(y_true - y_pred)`` over the last axis.

    Example:
    >>> mean_absolute_error([[0.0, 1.0]], [[1.0, 1.0]])  # [0.5]
    """
    y_true, y_pred = _prepare(y_true, y_pred, "mean_absolute_error")
    return ops.mean(ops.abs(y_true - y_pred), axis=-1)


@keras_export("keras.losses.mean_absolute_percentage_error", "keras.metrics.mean_absolute_percentage_error")
def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)))`` over the last axis.

    Example:
    >>> mean_absolute_percentage_error([[2.0, 4.0]], [[1.0, 4.0]])  # [25.0]
    """
    y_true, y_pred = _prepare(y_true, y_pred, "mean_absolute_percentage_error")
    epsilon = ops.convert_to_tensor(backend.epsilon(), dtype=y_pred.dtype)
    diff = ops.abs((y_true - y_pred) / ops.maximum(ops.abs(y_true), epsilon))
    return 100.0 * ops.mean(diff, axis=-1)


@keras_export("keras.losses.mean_squared_logarithmic_error", "keras.metrics.mean_squared_logarithmic_error")
def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean of ``(log(y_pred + 1) - log(y_true + 1)) ** 2`` over the last axis (inputs floored at epsilon).

    Example:
    >>> mean_squared_logarithmic_error([[0.0, 1.0]], [[1.0, 1.0]])
    """
    epsilon = ops.convert_to_tensor(backend.epsilon())
    y_true, y_pred = _prepare(y_true, y_pred, "mean_squared_logarithmic_error")
    first_log = ops.log(ops.maximum(y_pred, epsilon) + 1.0)
    second_log = ops.log(ops.maximum(y_true, epsilon) + 1.0)
    return ops.mean(ops.square(first_log - second_log), axis=-1)


@keras_export("keras.losses.cosine_similarity")
def cosine_similarity(y_true, y_pred, axis=-1):
    """Negative cosine similarity along ``axis`` (-1 means the vectors point the same way).

    Example:
    >>> cosine_similarity([[0.0, 1.0]], [[0.0, 2.0]])  # [-1.0]
    """
    y_true, y_pred = _prepare(y_true, y_pred, "cosine_similarity")
    return -ops.sum(l2_normalize(y_true, axis=axis) * l2_normalize(y_pred, axis=axis), axis=axis)


@keras_export("keras.losses.huber", "keras.metrics.huber")
def huber(y_true, y_pred, delta=1.0):
    """Huber loss: quadratic for errors up to ``delta``, linear beyond, averaged over the last axis.

    Example:
    >>> huber([[0.0, 0.0]], [[0.5, 3.0]])  # [(0.125 + 2.5) / 2]
    """
    y_true, y_pred = _prepare(y_true, y_pred, "huber")
    delta = ops.convert_to_tensor(delta, dtype=y_pred.dtype)
    error = ops.subtract(y_pred, y_true)
    abs_error = ops.abs(error)
    half = ops.convert_to_tensor(0.5, dtype=abs_error.dtype)
    quadratic = half * ops.square(error)
    linear = delta * abs_error - half * ops.square(delta)
    return ops.mean(ops.where(ops.less_equal(abs_error, delta), quadratic, linear), axis=-1)


@keras_export("keras.losses.log_cosh", "keras.metrics.log_cosh")
def log_cosh(y_true, y_pred):
    """Mean of ``log(cosh(y_pred - y_true))`` over the last axis, computed without overflow.

    Example:
    >>> log_cosh([[0.0]], [[1.0]])  # [log(cosh(1))]
    """
    y_true, y_pred = _prepare(y_true, y_pred, "log_cosh")
    log2 = ops.convert_to_tensor(ops.log(2.0), dtype=y_pred.dtype)
    x = y_pred - y_true
    # log(cosh(x)) = x + log(1 + exp(-2x)) - log(2)
    return ops.mean(x + ops.softplus(x * -2.0) - log2, axis=-1)


@keras_export("keras.losses.MeanSquaredError")
class MeanSquaredError(PlainConfigWrapper):
    """Mean of squares of errors between labels and predictions.

    Example:
    >>> float(MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, reduction=reduction, dtype=dtype)


@keras_export("keras.losses.MeanAbsoluteError")
class MeanAbsoluteError(PlainConfigWrapper):
    """Mean of absolute errors between labels and predictions.

    Example:
    >>> float(MeanAbsoluteError()([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, reduction=reduction, dtype=dtype)


@keras_export("keras.losses.MeanAbsolutePercentageError")
class MeanAbsolutePercentageError(PlainConfigWrapper):
    """Mean absolute percentage error between labels and predictions.

    Example:
    >>> float(MeanAbsolutePercentageError()([[2.0, 4.0]], [[1.0, 4.0]]))
    25.0
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name=name, reduction=reduction, dtype=dtype)


@keras_export("keras.losses.MeanSquaredLogarithmicError")
class MeanSquaredLogarithmicError(PlainConfigWrapper):
    """Mean squared logarithmic error between labels and predictions.

    Example:
    >>> loss = MeanSquaredLogarithmicError()([[0.0, 1.0]], [[1.0, 1.0]])
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name=name, reduction=reduction, dtype=dtype)


@keras_export("keras.losses.CosineSimilarity")
class CosineSimilarity(PlainConfigWrapper):
    """Negative cosine similarity between labels and predictions along ``axis``.

    Example:
    >>> float(CosineSimilarity()([[0.0, 1.0]], [[0.0, 3.0]]))
    -1.0
    """

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None):
        super().__init__(cosine_similarity, name=name, reduction=reduction, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        # Keras leaves `axis` out, so its round trip forgets it; Keras still accepts the key.
        return {**Loss.get_config(self), "axis": self.axis}


@keras_export("keras.losses.Huber")
class Huber(PlainConfigWrapper):
    """Huber loss: squared error below ``delta``, absolute error above it.

    Example:
    >>> float(Huber(delta=1.0)([[0.0]], [[3.0]]))
    2.5
    """

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, name=name, reduction=reduction, dtype=dtype, delta=delta)
        self.delta = delta

    def get_config(self):
        # Keras leaves `delta` out, so its round trip forgets it; Keras still accepts the key.
        return {**Loss.get_config(self), "delta": self.delta}


@keras_export("keras.losses.LogCosh")
class LogCosh(PlainConfigWrapper):
    """Logarithm of the hyperbolic cosine of the prediction error.

    Example:
    >>> loss = LogCosh()([[0.0]], [[1.0]])  # log(cosh(1))
    """

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, name=name, reduction=reduction, dtype=dtype)
