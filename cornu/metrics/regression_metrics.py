"""Regression metrics: running means of the regression losses, RMSE, cosine similarity and R2."""

import warnings

from cornu import ops
from cornu.losses.loss import squeeze_or_expand_to_same_rank
from cornu.losses.regression import (
    l2_normalize,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from cornu.metrics.metric import Metric
from cornu.metrics.reduction_metrics import Mean, MeanMetricWrapper
from cornu.serialization.registry import keras_export


def cosine_similarity(y_true, y_pred, axis=-1):
    """Cosine similarity along ``axis`` (1 means the vectors point the same way)."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return ops.sum(l2_normalize(y_true, axis=axis) * l2_normalize(y_pred, axis=axis), axis=axis)


class _NameDtypeConfig:
    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics.MeanSquaredError")
class MeanSquaredError(_NameDtypeConfig, MeanMetricWrapper):
    """Running mean of the squared error.

    Example:
    >>> float(MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
    """

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(fn=mean_squared_error, name=name, dtype=dtype)
        self._direction = "down"


@keras_export("keras.metrics.MeanAbsoluteError")
class MeanAbsoluteError(_NameDtypeConfig, MeanMetricWrapper):
    """Running mean of the absolute error.

    Example:
    >>> float(MeanAbsoluteError()([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
    """

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name, dtype=dtype)
        self._direction = "down"


@keras_export("keras.metrics.MeanAbsolutePercentageError")
class MeanAbsolutePercentageError(_NameDtypeConfig, MeanMetricWrapper):
    """Running mean of the absolute percentage error.

    Example:
    >>> float(MeanAbsolutePercentageError()([[2.0, 4.0]], [[1.0, 4.0]]))
    25.0
    """

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name, dtype=dtype)
        self._direction = "down"


@keras_export("keras.metrics.MeanSquaredLogarithmicError")
class MeanSquaredLogarithmicError(_NameDtypeConfig, MeanMetricWrapper):
    """Running mean of the squared logarithmic error.

    Example:
    >>> m = MeanSquaredLogarithmicError(); m.update_state([[0.0, 1.0]], [[1.0, 1.0]])
    """

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name, dtype=dtype)
        self._direction = "down"


@keras_export("keras.metrics.RootMeanSquaredError")
class RootMeanSquaredError(Mean):
    """Square root of the running (weighted) mean squared error.

    Example:
    >>> float(RootMeanSquaredError()([[0.0, 2.0]], [[0.0, 0.0]]))  # sqrt(2)
    1.4142135
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name, dtype=dtype)
        self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.convert_to_tensor(y_true, self.dtype)
        y_pred = ops.convert_to_tensor(y_pred, self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return super().update_state(ops.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return ops.sqrt(super().result())


@keras_export("keras.metrics.CosineSimilarity")
class CosineSimilarity(MeanMetricWrapper):
    """Running mean of the cosine similarity between labels and predictions.

    Example:
    >>> float(CosineSimilarity()([[0.0, 1.0]], [[0.0, 2.0]]))
    1.0
    """

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype}
        if self.axis != -1:
            # Keras leaves `axis` out of this config; keep it when it matters (Keras accepts the key).
            config["axis"] = self.axis
        return config


@keras_export("keras.metrics.LogCoshError")
class LogCoshError(_NameDtypeConfig, MeanMetricWrapper):
    """Running mean of ``log(cosh(y_pred - y_true))``.

    Example:
    >>> m = LogCoshError(); m.update_state([[0.0]], [[1.0]])
    """

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(log_cosh, name, dtype=dtype)
        self._direction = "down"


@keras_export("keras.metrics.R2Score")
class R2Score(Metric):
    """Coefficient of determination R², optionally adjusted for ``num_regressors``.

    Args:
        class_aggregation: ``"uniform_average"`` (default), ``"variance_weighted_average"``
            or None (one score per output).
        num_regressors: number of independent regressors for the adjusted R².

    Expects 2D ``(batch_size, output_dim)`` inputs; its per-output variables are
    created on the first update.

    Example:
    >>> m = R2Score(); m.update_state([[1.0], [4.0], [3.0]], [[2.0], [4.0], [4.0]]); float(m.result())
    0.57142854
    """

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        allowed = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in allowed:
            raise ValueError(
                f"Invalid value for argument `class_aggregation`. Expected one of {allowed}. "
                f"Received: class_aggregation={class_aggregation}"
            )
        if num_regressors < 0:
            raise ValueError(
                "Invalid value for argument `num_regressors`. Expected a value >= 0. "
                f"Received: num_regressors={num_regressors}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable(shape=(), initializer="zeros", name="num_samples")
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2 or y_pred_shape[-1] is None or y_true_shape[-1] is None:
            raise ValueError(
                "R2Score expects 2D inputs with shape (batch_size, output_dim), with output_dim fully "
                f"defined (not None). Received input shapes: y_pred.shape={y_pred_shape} and "
                f"y_true.shape={y_true_shape}."
            )
        num_classes = y_pred_shape[-1]
        self.squared_sum = self.add_variable(name="squared_sum", shape=[num_classes], initializer="zeros")
        self.sum = self.add_variable(name="sum", shape=[num_classes], initializer="zeros")
        self.total_mse = self.add_variable(name="residual", shape=[num_classes], initializer="zeros")
        self.count = self.add_variable(name="count", shape=[num_classes], initializer="zeros")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.convert_to_tensor(y_true, dtype=self.dtype)
        y_pred = ops.convert_to_tensor(y_pred, dtype=self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self._built:
            self._build(tuple(y_true.shape), tuple(y_pred.shape))
        if sample_weight is None:
            sample_weight = 1
        sample_weight = ops.convert_to_tensor(sample_weight, dtype=self.dtype)
        if len(sample_weight.shape) == 1:
            sample_weight = ops.expand_dims(sample_weight, axis=1)
        sample_weight = ops.cast(ops.broadcast_to(sample_weight, ops.shape(y_true)), y_true.dtype)
        weighted_y_true = y_true * sample_weight
        self.sum.assign(self.sum.value + ops.sum(weighted_y_true, axis=0))
        self.squared_sum.assign(self.squared_sum.value + ops.sum(y_true * weighted_y_true, axis=0))
        self.total_mse.assign(self.total_mse.value + ops.sum(ops.square(y_true - y_pred) * sample_weight, axis=0))
        self.count.assign(self.count.value + ops.sum(sample_weight, axis=0))
        self.num_samples.assign(self.num_samples.value + ops.size(y_true))

    def result(self):
        mean = self.sum.value / self.count.value
        total = self.squared_sum.value - self.sum.value * mean
        raw_scores = 1 - (self.total_mse.value / total)
        raw_scores = ops.where(ops.isinf(raw_scores), ops.zeros_like(raw_scores), raw_scores)
        if self.class_aggregation == "uniform_average":
            r2_score = ops.mean(raw_scores)
        elif self.class_aggregation == "variance_weighted_average":
            r2_score = ops.sum(total * raw_scores) / ops.sum(total)
        else:
            r2_score = raw_scores
        if self.num_regressors != 0:
            num_samples = float(self.num_samples.value)
            if self.num_regressors > num_samples - 1:
                warnings.warn(
                    "More independent predictors than datapoints in adjusted R2 score. "
                    "Falling back to standard R2 score.",
                    stacklevel=2,
                )
            elif self.num_regressors == num_samples - 1:
                warnings.warn("Division by zero in Adjusted R2 score. Falling back to standard R2 score.", stacklevel=2)
            else:
                n = ops.convert_to_tensor(self.num_samples.value, dtype="float32")
                p = ops.convert_to_tensor(self.num_regressors, dtype="float32")
                r2_score = 1.0 - ((1.0 - r2_score) * (n - 1.0)) / (n - p - 1.0)
        return r2_score

    def reset_state(self):
        for v in self.variables:
            v.assign(ops.zeros(v.shape, dtype=v.dtype))

    def get_config(self):
        return {
            **super().get_config(),
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }
