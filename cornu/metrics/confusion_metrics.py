"""Counts of the confusion matrix at thresholds, and ``Precision`` / ``Recall`` built on them.

A prediction is positive at threshold ``t`` when ``y_pred > t``. Each metric
keeps one running count per threshold; with a single threshold ``result()``
is a scalar, otherwise a vector.
"""

from cornu import ops
from cornu.metrics import confusion_utils
from cornu.metrics.confusion_utils import ConfusionMatrix
from cornu.metrics.metric import Metric
from cornu.serialization.registry import keras_export


class _ConfusionMatrixConditionCount(Metric):
    """Weighted count of one confusion-matrix cell at each threshold."""

    _condition = None

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = confusion_utils.parse_init_thresholds(thresholds, default_threshold=0.5)
        self._thresholds_distributed_evenly = confusion_utils.is_evenly_distributed_thresholds(self.thresholds)
        self.accumulator = self.add_variable(shape=(len(self.thresholds),), initializer="zeros", name="accumulator")

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's count; ``sample_weight`` weights each sample (broadcastable to ``y_true``)."""
        confusion_utils.update_confusion_matrix_variables(
            {self._condition: self.accumulator},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
        )

    def result(self):
        value = self.accumulator.value
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


@keras_export("keras.metrics.TruePositives")
class TruePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of positive labels predicted positive (``y_pred > threshold``).

    Args:
        thresholds: A float or list of floats in [0, 1] (default 0.5); one count per threshold.
        name, dtype: as for ``Metric``.

    Example:
    >>> m = cornu.metrics.TruePositives()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1]); float(m.result())
    2.0
    """

    _condition = ConfusionMatrix.TRUE_POSITIVES

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(thresholds=thresholds, name=name, dtype=dtype)


@keras_export("keras.metrics.FalsePositives")
class FalsePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of negative labels predicted positive (``y_pred > threshold``).

    Example:
    >>> m = cornu.metrics.FalsePositives()
    >>> m.update_state([0, 1, 0, 0], [0, 0, 1, 1]); float(m.result())
    2.0
    """

    _condition = ConfusionMatrix.FALSE_POSITIVES

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(thresholds=thresholds, name=name, dtype=dtype)


@keras_export("keras.metrics.TrueNegatives")
class TrueNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of negative labels predicted negative (``y_pred <= threshold``).

    Example:
    >>> m = cornu.metrics.TrueNegatives()
    >>> m.update_state([0, 1, 0, 0], [1, 1, 0, 0]); float(m.result())
    2.0
    """

    _condition = ConfusionMatrix.TRUE_NEGATIVES

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(thresholds=thresholds, name=name, dtype=dtype)


@keras_export("keras.metrics.FalseNegatives")
class FalseNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of positive labels predicted negative (``y_pred <= threshold``).

    Example:
    >>> m = cornu.metrics.FalseNegatives()
    >>> m.update_state([0, 1, 1, 1], [0, 1, 0, 0]); float(m.result())
    2.0
    """

    _condition = ConfusionMatrix.FALSE_NEGATIVES

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(thresholds=thresholds, name=name, dtype=dtype)


class _PrecisionRecallBase(Metric):
    """TP plus one other count, with the thresholds / top_k / class_id options of Precision and Recall."""

    _other = None  # (ConfusionMatrix cell, variable name)

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        # With top_k every kept prediction counts as positive: the threshold sits below them all.
        default_threshold = 0.5 if top_k is None else confusion_utils.NEG_INF
        self.thresholds = confusion_utils.parse_init_thresholds(thresholds, default_threshold=default_threshold)
        self._thresholds_distributed_evenly = confusion_utils.is_evenly_distributed_thresholds(self.thresholds)
        shape = (len(self.thresholds),)
        self.true_positives = self.add_variable(shape=shape, initializer="zeros", name="true_positives")
        other_cell, other_name = self._other
        setattr(self, other_name, self.add_variable(shape=shape, initializer="zeros", name=other_name))

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's counts; ``sample_weight`` weights each sample (broadcastable to ``y_true``)."""
        other_cell, other_name = self._other
        confusion_utils.update_confusion_matrix_variables(
            {ConfusionMatrix.TRUE_POSITIVES: self.true_positives, other_cell: getattr(self, other_name)},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def result(self):
        tp = self.true_positives.value
        value = ops.divide_no_nan(tp, ops.add(tp, getattr(self, self._other[1]).value))
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


@keras_export("keras.metrics.Precision")
class Precision(_PrecisionRecallBase):
    """The fraction of positive predictions that are right: ``TP / (TP + FP)``.

    Args:
        thresholds: A float or list of floats in [0, 1]; a prediction is
            positive when above it (default 0.5, or every top-k prediction when
            ``top_k`` is set).
        top_k: Only the k highest predictions of each sample count as positive.
        class_id: Only look at this class (column of the last axis).
        name, dtype: as for ``Metric``.

    Example:
    >>> m = cornu.metrics.Precision()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1]); float(m.result())
    0.6666666865348816
    """

    _other = (ConfusionMatrix.FALSE_POSITIVES, "false_positives")

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(thresholds=thresholds, top_k=top_k, class_id=class_id, name=name, dtype=dtype)


@keras_export("keras.metrics.Recall")
class Recall(_PrecisionRecallBase):
    """The fraction of positive labels that are found: ``TP / (TP + FN)``.

    Takes the same arguments as ``Precision``.

    Example:
    >>> m = cornu.metrics.Recall()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1]); float(m.result())
    0.6666666865348816
    """

    _other = (ConfusionMatrix.FALSE_NEGATIVES, "false_negatives")

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(thresholds=thresholds, top_k=top_k, class_id=class_id, name=name, dtype=dtype)
