"""Correlation metrics: Pearson and concordance correlation, averaged over samples."""

from cornu import backend
from cornu import ops
from cornu.losses.loss import squeeze_or_expand_to_same_rank
from cornu.metrics.reduction_metrics import MeanMetricWrapper
from cornu.serialization.registry import keras_export


def _prepare(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=y_pred.dtype)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


@keras_export("keras.metrics.pearson_correlation")
def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson correlation coefficient between ``y_true`` and ``y_pred`` along ``axis``.

    Example:
    >>> pearson_correlation([[1.0, 2.0, 3.0]], [[2.0, 4.0, 7.0]])  # ~[0.99]
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    true_centered = y_true - ops.mean(y_true, axis=axis, keepdims=True)
    pred_centered = y_pred - ops.mean(y_pred, axis=axis, keepdims=True)
    true_centered = true_centered / ops.std(true_centered, axis=axis, keepdims=True)
    pred_centered = pred_centered / ops.std(pred_centered, axis=axis, keepdims=True)
    return ops.mean(true_centered * pred_centered, axis=axis)


@keras_export("keras.metrics.concordance_correlation")
def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation coefficient along ``axis``, computed as Keras 3.15 computes it.

    Example:
    >>> concordance_correlation([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]])
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    true_mean = ops.mean(y_true, axis=axis, keepdims=True)
    pred_mean = ops.mean(y_pred, axis=axis, keepdims=True)
    true_var = ops.var(y_true - true_mean, axis=axis, keepdims=True)
    pred_var = ops.var(y_pred - pred_mean, axis=axis, keepdims=True)
    # Keras centres y_true on the *prediction* mean here; kept for identical numbers.
    covariance = (y_true - pred_mean) * (y_pred - pred_mean)
    norm = true_var + pred_var + ops.square(true_mean - pred_mean)
    return ops.mean(2 * covariance / (norm + backend.epsilon()), axis=axis)


@keras_export("keras.metrics.PearsonCorrelation")
class PearsonCorrelation(MeanMetricWrapper):
    """Running mean of the per-sample Pearson correlation.

    Example:
    >>> m = PearsonCorrelation(); m.update_state([[1.0, 2.0, 3.0]], [[2.0, 4.0, 7.0]])
    """

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(fn=pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


@keras_export("keras.metrics.ConcordanceCorrelation")
class ConcordanceCorrelation(MeanMetricWrapper):
    """Running mean of the per-sample concordance correlation.

    Example:
    >>> m = ConcordanceCorrelation(); m.update_state([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.5]])
    """

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(fn=concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}
