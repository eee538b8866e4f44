"""Intersection-over-union metrics for segmentation, from a running confusion matrix.

For class ``c``: ``IoU_c = TP_c / (TP_c + FP_c + FN_c)``. Every metric here
accumulates a ``(num_classes, num_classes)`` confusion matrix (rows true
labels, columns predictions) and averages the IoU of the target classes
that have appeared (in labels or predictions).
"""

import warnings

from cornu import backend
from cornu import ops
from cornu.metrics.confusion_utils import confusion_matrix
from cornu.metrics.metric import Metric
from cornu.serialization.registry import keras_export


class _IoUBase(Metric):
    """Holds the running confusion matrix ``total_confusion_matrix``.

    Args:
        num_classes: Number of classes.
        ignore_class: A class id whose true labels are left out.
        sparse_y_true / sparse_y_pred: Whether labels / predictions are class
            ids (True) or scores over classes to take the argmax of (False).
        axis: The class axis of dense inputs.
        name, dtype: as for ``Metric``; the default dtype is int32.
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(name=name, dtype=dtype or "int")
        self._direction = "up"
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(
            name="total_confusion_matrix", shape=(num_classes, num_classes), initializer="zeros", dtype=self.dtype
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch to the confusion matrix; out-of-range ids and ``ignore_class`` labels are skipped."""
        if not self.sparse_y_true:
            y_true = ops.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = ops.argmax(y_pred, axis=self.axis)
        y_true = ops.reshape(ops.convert_to_tensor(y_true, dtype=self.dtype), (-1,))
        y_pred = ops.reshape(ops.convert_to_tensor(y_pred, dtype=self.dtype), (-1,))
        if sample_weight is None:
            sample_weight = 1
        elif (
            hasattr(sample_weight, "dtype")
            and "float" in str(sample_weight.dtype)
            and "int" in str(self.dtype)
        ):
            warnings.warn(
                "You are passing weight as `float`, but dtype is `int`. This may result in an incorrect weight "
                "due to type casting. Consider using integer weights.",
                stacklevel=2,
            )
        sample_weight = ops.convert_to_tensor(sample_weight, dtype=self.dtype)
        if len(sample_weight.shape) > 1:
            sample_weight = ops.reshape(sample_weight, (-1,))
        sample_weight = ops.broadcast_to(sample_weight, ops.shape(y_true))

        num_classes = ops.convert_to_tensor(self.num_classes, dtype=y_true.dtype)
        in_range = ops.logical_and(
            ops.logical_and(ops.greater_equal(y_true, 0), ops.less(y_true, num_classes)),
            ops.logical_and(ops.greater_equal(y_pred, 0), ops.less(y_pred, num_classes)),
        )
        if self.ignore_class is not None:
            ignore_class = ops.convert_to_tensor(self.ignore_class, y_true.dtype)
            in_range = ops.logical_and(in_range, ops.not_equal(y_true, ignore_class))
        # Masked pairs go to cell (0, 0) with weight 0 instead of being removed: shapes stay static.
        zero = ops.zeros((), y_true.dtype)
        y_true = ops.where(in_range, y_true, zero)
        y_pred = ops.where(in_range, y_pred, zero)
        sample_weight = ops.cast(ops.where(in_range, sample_weight, ops.zeros((), sample_weight.dtype)), self.dtype)
        current = confusion_matrix(y_true, y_pred, self.num_classes, weights=sample_weight, dtype=self.dtype)
        self.total_cm.assign(self.total_cm.value + current)

    def reset_state(self):
        self.total_cm.assign(ops.zeros(self.total_cm.shape, dtype=self.total_cm.dtype))


@keras_export("keras.metrics.IoU")
class IoU(_IoUBase):
    """The mean IoU of the classes in ``target_class_ids``.

    Args:
        num_classes: Number of classes.
        target_class_ids: The class ids to average the IoU over.
        name, dtype: as for ``Metric`` (default dtype int32: weights are cast to it).
        ignore_class: A class id whose true labels are left out.
        sparse_y_true / sparse_y_pred: Whether labels / predictions are class
            ids (True) or per-class scores to take the argmax of (False).
        axis: The class axis of dense inputs.

    Example:
    >>> m = cornu.metrics.IoU(num_classes=2, target_class_ids=[0])
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1]); round(float(m.result()), 4)
    0.3333
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(name=name, num_classes=num_classes, ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred, axis=axis, dtype=dtype)
        if max(target_class_ids) >= num_classes:
            raise ValueError(
                f"Target class id {max(target_class_ids)} is out of range, which is [0, {num_classes}). "
                f"Received: target_class_ids={target_class_ids}, num_classes={num_classes}"
            )
        self.target_class_ids = list(target_class_ids)

    def result(self):
        cm = self.total_cm.value
        predicted = ops.cast(ops.sum(cm, axis=0), self.dtype)
        actual = ops.cast(ops.sum(cm, axis=1), self.dtype)
        true_positives = ops.cast(ops.diag(cm), self.dtype)
        union = predicted + actual - true_positives
        targets = ops.convert_to_tensor(self.target_class_ids, dtype="int32")
        true_positives = ops.cast(ops.take_along_axis(true_positives, targets, axis=-1), "float32")
        union = ops.cast(ops.take_along_axis(union, targets, axis=-1), "float32")
        # Classes never seen in labels nor predictions are left out of the mean.
        seen = ops.greater(union, 1e-9)
        iou = ops.where(seen, ops.divide(true_positives, union + backend.epsilon()), 0.0)
        num_seen = ops.sum(ops.cast(seen, "float32"))
        return ops.divide(ops.sum(iou, axis=self.axis), num_seen + backend.epsilon())

    def get_config(self):
        return {
            **super().get_config(),
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


@keras_export("keras.metrics.BinaryIoU")
class BinaryIoU(IoU):
    """IoU of binary segmentation: predictions ``>= threshold`` are class 1.

    Args:
        target_class_ids: Which of the classes 0 and 1 to average over.
        threshold: The score at or above which a prediction is class 1.
        name, dtype: as for ``Metric``.

    Example:
    >>> m = cornu.metrics.BinaryIoU(target_class_ids=[0, 1], threshold=0.3)
    >>> m.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7]); round(float(m.result()), 4)
    0.3333
    """

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.convert_to_tensor(y_true, dtype=self.dtype)
        y_pred = ops.convert_to_tensor(y_pred, dtype="float32")
        y_pred = ops.cast(ops.greater_equal(y_pred, self.threshold), self.dtype)
        super().update_state(y_true, y_pred, sample_weight)

    def get_config(self):
        return {
            "target_class_ids": self.target_class_ids,
            "threshold": self.threshold,
            "name": self.name,
            "dtype": self.dtype,
        }


@keras_export("keras.metrics.MeanIoU")
class MeanIoU(IoU):
    """The IoU averaged over all ``num_classes`` classes.

    Example:
    >>> m = cornu.metrics.MeanIoU(num_classes=2)
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1]); round(float(m.result()), 4)
    0.3333
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(name=name, num_classes=num_classes, target_class_ids=list(range(num_classes)), axis=axis,
                         dtype=dtype, ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred)

    def get_config(self):
        return {
            "num_classes": self.num_classes,
            "name": self.name,
            "dtype": self.dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


@keras_export("keras.metrics.OneHotIoU")
class OneHotIoU(IoU):
    """``IoU`` for one-hot labels (and, unless ``sparse_y_pred``, per-class scores).

    Example:
    >>> m = cornu.metrics.OneHotIoU(num_classes=3, target_class_ids=[0, 2])
    >>> m.update_state([[0, 0, 1], [1, 0, 0]], [[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]]); float(m.result())
    1.0
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None, sparse_y_pred=False,
                 axis=-1):
        super().__init__(num_classes=num_classes, target_class_ids=target_class_ids, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "name": self.name,
            "dtype": self.dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


@keras_export("keras.metrics.OneHotMeanIoU")
class OneHotMeanIoU(MeanIoU):
    """``MeanIoU`` for one-hot labels (and, unless ``sparse_y_pred``, per-class scores).

    Example:
    >>> m = cornu.metrics.OneHotMeanIoU(num_classes=3)
    >>> m.update_state([[0, 0, 1], [1, 0, 0]], [[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]]); float(m.result())
    1.0
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False, axis=-1):
        super().__init__(num_classes=num_classes, axis=axis, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred)

    def get_config(self):
        return {
            "num_classes": self.num_classes,
            "name": self.name,
            "dtype": self.dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }
