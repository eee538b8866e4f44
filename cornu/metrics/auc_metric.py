"""``AUC``: the area under the ROC or precision-recall curve, by a Riemann sum over thresholds."""

import numpy as np

from cornu import backend
from cornu import ops
from cornu.metrics import confusion_utils
from cornu.metrics.confusion_utils import AUCCurve, AUCSummationMethod, ConfusionMatrix
from cornu.metrics.metric import Metric
from cornu.serialization.registry import keras_export


@keras_export("keras.metrics.AUC")
class AUC(Metric):
    """Approximates the AUC from TP/FP/TN/FN counted at ``num_thresholds`` thresholds.

    Args:
        num_thresholds: Number of thresholds (> 1), evenly spaced over [0, 1]
            (the end ones just outside, so 0 and 1 predictions count).
        curve: ``"ROC"`` (default), ``"PR"`` (precision-recall) or ``"PRGAIN"``.
        summation_method: ``"interpolation"`` (trapezoids for ROC, the Davis &
            Goadrich interpolation for PR), ``"minoring"`` or ``"majoring"``.
        name, dtype: as for ``Metric``.
        thresholds: Explicit thresholds in [0, 1], used instead of
            ``num_thresholds`` (0 - epsilon and 1 + epsilon are added).
        multi_label: Treat each column of 2D data as a separate label and
            average the per-label AUCs (weighted by ``label_weights``).
        num_labels: Number of labels with ``multi_label``; without it the
            variables are created on the first ``update_state``.
        label_weights: Per-label weights, for averaging (``multi_label``) or
            weighting the counts (otherwise).
        from_logits: ``y_pred`` are logits: a sigmoid is applied first.

    Example:
    >>> m = cornu.metrics.AUC(num_thresholds=3)
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]); float(m.result())
    0.75
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None, dtype=None,
                 thresholds=None, multi_label=False, num_labels=None, label_weights=None, from_logits=False):
        self._direction = "up"
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            thresholds = sorted(thresholds)
            self._thresholds_distributed_evenly = confusion_utils.is_evenly_distributed_thresholds(
                np.array([0.0] + thresholds + [1.0])
            )
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    f"Argument `num_thresholds` must be an integer > 1. Received: num_thresholds={num_thresholds}"
                )
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._thresholds_distributed_evenly = True
        # Just outside [0, 1] at both ends, so predictions of exactly 0 or 1 are counted.
        self._thresholds = np.array([0.0 - backend.epsilon()] + thresholds + [1.0 + backend.epsilon()])
        self.curve = curve if isinstance(curve, AUCCurve) else AUCCurve.from_str(curve)
        if isinstance(summation_method, AUCSummationMethod):
            self.summation_method = summation_method
        else:
            self.summation_method = AUCSummationMethod.from_str(summation_method)
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        if label_weights is not None:
            self.label_weights = ops.convert_to_tensor(label_weights, dtype=self.dtype)
        else:
            self.label_weights = None
        self._from_logits = from_logits
        self._built = False
        if self.multi_label:
            if num_labels:
                self._build([None, num_labels])
        else:
            if num_labels:
                raise ValueError(
                    "`num_labels` is needed only when `multi_label` is True. "
                    f"Received: num_labels={num_labels}, multi_label={multi_label}"
                )
            self._build(None)

    @property
    def thresholds(self):
        """The thresholds the counts are taken at, as a list."""
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    f"`y_pred` must have rank 2 when `multi_label=True`. Found rank {len(shape)}. "
                    f"Full shape received for `y_pred`: {shape}"
                )
            self._num_labels = shape[1]
            variable_shape = (self.num_thresholds, self._num_labels)
        else:
            variable_shape = (self.num_thresholds,)
        self._build_input_shape = shape
        self.true_positives = self.add_variable(shape=variable_shape, initializer="zeros", name="true_positives")
        self.false_positives = self.add_variable(shape=variable_shape, initializer="zeros", name="false_positives")
        self.true_negatives = self.add_variable(shape=variable_shape, initializer="zeros", name="true_negatives")
        self.false_negatives = self.add_variable(shape=variable_shape, initializer="zeros", name="false_negatives")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's counts at every threshold; ``sample_weight`` weights each sample."""
        if not hasattr(y_pred, "shape"):
            y_pred = ops.convert_to_tensor(y_pred)
        if not self._built:
            self._build(tuple(y_pred.shape))
        if self._from_logits:
            y_pred = ops.sigmoid(y_pred)
        confusion_utils.update_confusion_matrix_variables(
            {
                ConfusionMatrix.TRUE_POSITIVES: self.true_positives,
                ConfusionMatrix.TRUE_NEGATIVES: self.true_negatives,
                ConfusionMatrix.FALSE_POSITIVES: self.false_positives,
                ConfusionMatrix.FALSE_NEGATIVES: self.false_negatives,
            },
            y_true,
            y_pred,
            self._thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
        )

    def _average_over_labels(self, per_threshold_terms):
        if not self.multi_label:
            return ops.sum(per_threshold_terms)
        by_label = ops.sum(per_threshold_terms, axis=0)
        if self.label_weights is None:
            return ops.mean(by_label)
        return ops.divide_no_nan(ops.sum(ops.multiply(by_label, self.label_weights)), ops.sum(self.label_weights))

    def interpolate_pr_auc(self):
        """PR AUC with precision interpolated between thresholds (Davis & Goadrich, 2006).

        Within each interval TP and P = TP + FP vary linearly, so precision is
        ``(TP_A + slope * (P - P_A)) / P`` and integrates in closed form to
        ``slope * (dTP + intercept * log(P_B / P_A))``, divided by the positives.
        """
        n = self.num_thresholds
        tp, fp, fn = self.true_positives.value, self.false_positives.value, self.false_negatives.value
        dtp = ops.subtract(tp[: n - 1], tp[1:])
        p = ops.add(tp, fp)
        dp = ops.subtract(p[: n - 1], p[1:])
        slope = ops.divide_no_nan(dtp, ops.maximum(dp, 0))
        intercept = ops.subtract(tp[1:], ops.multiply(slope, p[1:]))
        both_positive = ops.logical_and(p[: n - 1] > 0, p[1:] > 0)
        ratio = ops.divide_no_nan(p[: n - 1], ops.maximum(p[1:], 0))
        safe_ratio = ops.where(both_positive, ratio, ops.ones_like(p[1:]))
        increments = ops.divide_no_nan(
            ops.multiply(slope, ops.add(dtp, ops.multiply(intercept, ops.log(safe_ratio)))),
            ops.maximum(ops.add(tp[1:], fn[1:]), 0),
        )
        return self._average_over_labels(increments)

    def result(self):
        if self.curve == AUCCurve.PR and self.summation_method == AUCSummationMethod.INTERPOLATION:
            return self.interpolate_pr_auc()
        n = self.num_thresholds
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        recall = ops.divide_no_nan(tp, ops.add(tp, fn))
        if self.curve == AUCCurve.ROC:
            x = ops.divide_no_nan(fp, ops.add(fp, tn))
            y = recall
        elif self.curve == AUCCurve.PR:
            x = recall
            y = ops.divide_no_nan(tp, ops.add(tp, fp))
        else:
            # Precision-recall gain (Flach & Kull, 2015): both rates rescaled against the class ratio.
            scaling = ops.divide_no_nan(ops.add(tp, fn), ops.add(tn, fp))
            recall_gain = 1.0 - scaling * ops.divide_no_nan(fn, tp)
            precision_gain = 1.0 - scaling * ops.divide_no_nan(fp, tp)
            no_tp = ops.equal(tp, 0.0)
            x = ops.maximum(ops.where(no_tp, ops.zeros_like(recall_gain), recall_gain), 0.0)
            y = ops.where(no_tp, ops.ones_like(precision_gain), precision_gain)
        if self.summation_method == AUCSummationMethod.INTERPOLATION:
            heights = ops.divide(ops.add(y[: n - 1], y[1:]), 2.0)
        elif self.summation_method == AUCSummationMethod.MINORING:
            heights = ops.minimum(y[: n - 1], y[1:])
        else:
            heights = ops.maximum(y[: n - 1], y[1:])
        return self._average_over_labels(ops.multiply(ops.subtract(x[: n - 1], x[1:]), heights))

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve.value,
            "summation_method": self.summation_method.value,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": self.label_weights,
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config

    @classmethod
    def from_config(cls, config):
        """Builds an AUC from ``get_config()`` output, also after it went through JSON.

        Serialized, ``label_weights`` is a ``{"class_name": "__tensor__", ...}``
        (or ``"__numpy__"``) dict; it is turned back into its values (Keras 3.15 fails here).
        """
        config = dict(config)
        weights = config.get("label_weights")
        if isinstance(weights, dict) and weights.get("class_name") in ("__tensor__", "__numpy__"):
            config["label_weights"] = weights["config"]["value"]
        return cls(**config)
