"""``FBetaScore`` and ``F1Score``: weighted harmonic means of precision and recall, per class or averaged."""

from cornu import backend
from cornu import ops
from cornu.metrics.metric import Metric
from cornu.serialization.registry import keras_export


@keras_export("keras.metrics.FBetaScore")
class FBetaScore(Metric):
    """``(1 + beta^2) * precision * recall / (beta^2 * precision + recall)``, on 2D (batch, classes) data.

    Args:
        average: ``None`` (one score per class), ``"micro"`` (counts pooled
            over classes), ``"macro"`` (mean of the class scores) or
            ``"weighted"`` (class scores weighted by their number of true labels).
        beta: A float > 0: how much more recall weighs than precision.
        threshold: A float in (0, 1]: predictions above it are positive. None:
            each sample's highest prediction is its positive class.
        name, dtype: as for ``Metric``.

    The variables are created on the first ``update_state``, once the number
    of classes is known.

    Example:
    >>> m = cornu.metrics.FBetaScore(beta=2.0, threshold=0.5)
    >>> m.update_state([[1, 0], [0, 1]], [[0.7, 0.6], [0.2, 0.9]]); m.result().shape
    (2,)
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(
                "Invalid `average` argument value. Expected one of: {None, 'micro', 'macro', 'weighted'}. "
                f"Received: average={average}"
            )
        if not isinstance(beta, float):
            raise ValueError(
                "Invalid `beta` argument value. It should be a Python float. "
                f"Received: beta={beta} of type '{type(beta)}'"
            )
        if beta <= 0.0:
            raise ValueError(f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}")
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(
                    "Invalid `threshold` argument value. It should be a Python float. "
                    f"Received: threshold={threshold} of type '{type(threshold)}'"
                )
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError(
                    "Invalid `threshold` argument value. It should verify 0 < threshold <= 1. "
                    f"Received: threshold={threshold}"
                )
        self.average = average
        self.beta = beta
        self.threshold = threshold
        # Micro pools every class into scalar counts; the others keep one count per class.
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "FBetaScore expects 2D inputs with shape (batch_size, output_dim). "
                f"Received input shapes: y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}."
            )
        if y_pred_shape[-1] is None or y_true_shape[-1] is None:
            raise ValueError(
                "FBetaScore expects 2D inputs with shape (batch_size, output_dim), with output_dim fully defined "
                f"(not None). Received input shapes: y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}."
            )
        shape = () if self.average == "micro" else (y_pred_shape[-1],)
        for name in ("true_positives", "false_positives", "false_negatives", "intermediate_weights"):
            setattr(self, name, self.add_variable(shape=shape, initializer="zeros", dtype=self.dtype, name=name))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's counts; ``sample_weight`` has one weight per sample."""
        y_true = ops.convert_to_tensor(y_true, dtype=self.dtype)
        y_pred = ops.convert_to_tensor(y_pred, dtype=self.dtype)
        if not self._built:
            self._build(tuple(y_true.shape), tuple(y_pred.shape))
        if self.threshold is None:
            # The top class of each sample (ties all count), unless its score is 0.
            top = ops.max(y_pred, axis=-1, keepdims=True)
            y_pred = ops.logical_and(ops.greater_equal(y_pred, top), ops.greater(ops.abs(y_pred), 1e-9))
        else:
            y_pred = ops.greater(y_pred, self.threshold)
        y_pred = ops.cast(y_pred, self.dtype)
        if sample_weight is not None:
            sample_weight = ops.convert_to_tensor(sample_weight, dtype=self.dtype)

        def weighted_sum(values):
            if sample_weight is not None:
                values = ops.multiply(values, ops.expand_dims(sample_weight, 1))
            return ops.sum(values, axis=self.axis)

        self.true_positives.assign(self.true_positives.value + weighted_sum(y_pred * y_true))
        self.false_positives.assign(self.false_positives.value + weighted_sum(y_pred * (1 - y_true)))
        self.false_negatives.assign(self.false_negatives.value + weighted_sum((1 - y_pred) * y_true))
        self.intermediate_weights.assign(self.intermediate_weights.value + weighted_sum(y_true))

    def result(self):
        eps = backend.epsilon()
        tp = self.true_positives.value
        precision = ops.divide(tp, tp + self.false_positives.value + eps)
        recall = ops.divide(tp, tp + self.false_negatives.value + eps)
        beta_squared = self.beta**2
        score = ops.divide(precision * recall, beta_squared * precision + recall + eps) * (1 + beta_squared)
        if self.average == "weighted":
            weights = self.intermediate_weights.value
            return ops.sum(score * ops.divide(weights, ops.sum(weights) + eps))
        if self.average is not None:
            return ops.mean(score)
        return score

    def reset_state(self):
        for v in self.variables:
            v.assign(ops.zeros(v.shape, dtype=v.dtype))

    def get_config(self):
        return {
            **super().get_config(),
            "name": self.name,
            "dtype": self.dtype,
            "average": self.average,
            "beta": self.beta,
            "threshold": self.threshold,
        }


@keras_export("keras.metrics.F1Score")
class F1Score(FBetaScore):
    """``2 * precision * recall / (precision + recall)``: ``FBetaScore`` with ``beta=1``.

    Example:
    >>> m = cornu.metrics.F1Score(threshold=0.5)
    >>> m.update_state([[1, 1, 1], [1, 0, 0], [1, 1, 0]], [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]])
    >>> [round(float(v), 4) for v in m.result()]
    [0.5, 0.8, 0.6667]
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
