"""One rate at the best threshold that keeps another rate above a floor.

``SensitivityAtSpecificity``, ``SpecificityAtSensitivity``,
``PrecisionAtRecall`` and ``RecallAtPrecision`` count TP/FP/TN/FN at
``num_thresholds`` evenly spaced thresholds in [0, 1]; ``result()`` is the
largest value of the first rate over the thresholds where the constrained
rate is at least the requested value (0 if there is none).
"""

from cornu import ops
from cornu.metrics import confusion_utils
from cornu.metrics.confusion_utils import ConfusionMatrix
from cornu.metrics.metric import Metric
from cornu.serialization.registry import keras_export


def _check_rate(name, value):
    if value < 0 or value > 1:
        raise ValueError(f"Argument `{name}` must be in the range [0, 1]. Received: {name}={value}")


class SensitivitySpecificityBase(Metric):
    """Holds the four counts at ``num_thresholds`` thresholds; subclasses pick which rates to trade off.

    Args:
        value: The floor on the constrained rate.
        num_thresholds: How many thresholds (evenly spaced from 0 to 1; 1 means just 0.5).
        class_id: Only look at this class (column of the last axis).
        name, dtype: as for ``Metric``.
    """

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if num_thresholds <= 0:
            raise ValueError(
                f"Argument `num_thresholds` must be an integer > 0. Received: num_thresholds={num_thresholds}"
            )
        self.value = value
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds = [0.5]
            self._thresholds_distributed_evenly = False
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds = [0.0] + inner + [1.0]
            self._thresholds_distributed_evenly = True
        shape = (len(self.thresholds),)
        self.true_positives = self.add_variable(shape=shape, initializer="zeros", name="true_positives")
        self.false_positives = self.add_variable(shape=shape, initializer="zeros", name="false_positives")
        self.true_negatives = self.add_variable(shape=shape, initializer="zeros", name="true_negatives")
        self.false_negatives = self.add_variable(shape=shape, initializer="zeros", name="false_negatives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's counts at every threshold."""
        confusion_utils.update_confusion_matrix_variables(
            {
                ConfusionMatrix.TRUE_POSITIVES: self.true_positives,
                ConfusionMatrix.TRUE_NEGATIVES: self.true_negatives,
                ConfusionMatrix.FALSE_POSITIVES: self.false_positives,
                ConfusionMatrix.FALSE_NEGATIVES: self.false_negatives,
            },
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id}

    def _rates(self):
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        return {
            "sensitivity": ops.divide_no_nan(tp, ops.add(tp, fn)),  # also recall
            "specificity": ops.divide_no_nan(tn, ops.add(tn, fp)),
            "precision": ops.divide_no_nan(tp, ops.add(tp, fp)),
        }

    def _find_max_under_constraint(self, constrained, dependent, predicate):
        """max of ``dependent`` where ``predicate(constrained, value)``, 0 when nowhere."""
        feasible = predicate(constrained, self.value)
        return ops.max(ops.where(feasible, dependent, ops.zeros_like(dependent)), initial=0)


@keras_export("keras.metrics.SensitivityAtSpecificity")
class SensitivityAtSpecificity(SensitivitySpecificityBase):
    """The best sensitivity (recall) among thresholds with specificity >= ``specificity``.

    Example:
    >>> m = cornu.metrics.SensitivityAtSpecificity(0.5)
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8]); float(m.result())
    0.5
    """

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_rate("specificity", specificity)
        self.specificity = specificity
        self.num_thresholds = num_thresholds
        super().__init__(specificity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["specificity"], rates["sensitivity"], ops.greater_equal)

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "specificity": self.specificity}


@keras_export("keras.metrics.SpecificityAtSensitivity")
class SpecificityAtSensitivity(SensitivitySpecificityBase):
    """The best specificity among thresholds with sensitivity >= ``sensitivity``.

    Example:
    >>> m = cornu.metrics.SpecificityAtSensitivity(0.5)
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8]); float(m.result())
    0.6666666865348816
    """

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_rate("sensitivity", sensitivity)
        self.sensitivity = sensitivity
        self.num_thresholds = num_thresholds
        super().__init__(sensitivity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["sensitivity"], rates["specificity"], ops.greater_equal)

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "sensitivity": self.sensitivity}


@keras_export("keras.metrics.PrecisionAtRecall")
class PrecisionAtRecall(SensitivitySpecificityBase):
    """The best precision among thresholds with recall >= ``recall``.

    Example:
    >>> m = cornu.metrics.PrecisionAtRecall(0.5)
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8]); float(m.result())
    0.5
    """

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_rate("recall", recall)
        self.recall = recall
        self.num_thresholds = num_thresholds
        super().__init__(value=recall, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["sensitivity"], rates["precision"], ops.greater_equal)

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "recall": self.recall}


@keras_export("keras.metrics.RecallAtPrecision")
class RecallAtPrecision(SensitivitySpecificityBase):
    """The best recall among thresholds with precision >= ``precision``.

    Example:
    >>> m = cornu.metrics.RecallAtPrecision(0.8)
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]); float(m.result())
    0.5
    """

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_rate("precision", precision)
        self.precision = precision
        self.num_thresholds = num_thresholds
        super().__init__(value=precision, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["precision"], rates["sensitivity"], ops.greater_equal)

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "precision": self.precision}
