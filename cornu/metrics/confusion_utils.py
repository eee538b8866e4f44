"""Shared maths of the confusion-matrix metrics: counting TP/FP/TN/FN at thresholds.

Everything is written with ``cornu.ops`` and static shapes only, so the update
traces inside a pure (jitted) step: no Python branch ever looks at a value.

Example:
>>> tp = backend.Variable(np.zeros(3, "float32"))
>>> update_confusion_matrix_variables({ConfusionMatrix.TRUE_POSITIVES: tp}, [1, 0, 1], [0.9, 0.2, 0.4],
...                                   thresholds=[0.0, 0.5, 1.0])
>>> tp.numpy()
array([2., 1., 0.], dtype=float32)
"""

from enum import Enum

import numpy as np

from cornu import backend
from cornu import ops
from cornu.losses.loss import squeeze_or_expand_to_same_rank

# What a prediction outside the top k is replaced by: below every threshold.
NEG_INF = -1e10


class ConfusionMatrix(Enum):
    """The four cells of a binary confusion matrix."""

    TRUE_POSITIVES = "tp"
    FALSE_POSITIVES = "fp"
    TRUE_NEGATIVES = "tn"
    FALSE_NEGATIVES = "fn"


class AUCCurve(Enum):
    """Which curve ``AUC`` integrates: ``ROC``, ``PR`` or ``PRGAIN``."""

    ROC = "ROC"
    PR = "PR"
    PRGAIN = "PRGAIN"

    @staticmethod
    def from_str(key):
        for curve in AUCCurve:
            if key in (curve.value, curve.value.lower()):
                return curve
        raise ValueError(f'Invalid AUC curve value: "{key}". Expected values are ["PR", "ROC", "PRGAIN"]')


class AUCSummationMethod(Enum):
    """How ``AUC`` sums its Riemann terms: ``interpolation``, ``majoring`` or ``minoring``."""

    INTERPOLATION = "interpolation"
    MAJORING = "majoring"
    MINORING = "minoring"

    @staticmethod
    def from_str(key):
        for method in AUCSummationMethod:
            if key in (method.value, method.value.capitalize()):
                return method
        raise ValueError(
            f'Invalid AUC summation method value: "{key}". '
            'Expected values are ["interpolation", "majoring", "minoring"]'
        )


def _to_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def parse_init_thresholds(thresholds, default_threshold=0.5):
    """``thresholds`` as a list (``[default_threshold]`` when None), checked to lie in [0, 1]."""
    if thresholds is not None:
        invalid = [t for t in _to_list(thresholds) if t is None or t < 0 or t > 1]
        if invalid:
            raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid}")
    return _to_list(default_threshold if thresholds is None else thresholds)


def is_evenly_distributed_thresholds(thresholds):
    """True when ``thresholds`` (3 or more) are ``0, 1/(n-1), ..., 1``: the bucketed fast path applies."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=backend.epsilon()))


def filter_top_k(x, k):
    """Keeps the k largest values of the last axis of ``x``; the others become ``NEG_INF``."""
    _, top_k_indices = ops.top_k(x, k)
    mask = ops.sum(ops.one_hot(top_k_indices, ops.shape(x)[-1], axis=-1), axis=-2)
    return x * mask + NEG_INF * (1 - mask)


def _reverse_cumsum(x, axis):
    return ops.flip(ops.cumsum(ops.flip(x, axis=axis), axis=axis), axis=axis)


def _update_with_buckets(variables_to_update, y_true, y_pred, num_thresholds, multi_label,
                         sample_weights, label_weights, thresholds_with_epsilon):
    """O(N + T) update for thresholds ``0, 1/(T-1), ..., 1``.

    Each prediction falls in one bucket between two thresholds; per-bucket sums
    of (weighted) positive and negative labels, accumulated from the top
    bucket down, give TP and FP at every threshold at once.
    """
    weights = None
    if sample_weights is not None:
        weights = ops.broadcast_to(ops.cast(sample_weights, y_pred.dtype), ops.shape(y_pred))
    if label_weights is not None:
        label_weights = ops.broadcast_to(ops.expand_dims(label_weights, 0), ops.shape(y_pred))
        weights = label_weights if weights is None else ops.multiply(weights, label_weights)
    if weights is None:
        weights = ops.ones_like(y_pred)
    weights = ops.cast(weights, y_true.dtype)

    y_pred = ops.clip(y_pred, 0.0, 1.0)
    y_true = ops.cast(ops.cast(y_true, "bool"), y_true.dtype)
    if not multi_label:
        y_true, y_pred, weights = (ops.reshape(t, (1, -1)) for t in (y_true, y_pred, weights))
    else:
        y_true, y_pred, weights = (ops.transpose(t) for t in (y_true, y_pred, weights))
    # Rows are labels (a single row when not multi-label), columns are predictions.
    true_labels = ops.multiply(y_true, weights)
    false_labels = ops.multiply(1.0 - y_true, weights)

    # A prediction equal to a threshold is not above it: bucket = ceil(p * (T - 1)) - 1.
    buckets = ops.ceil(y_pred * ops.cast(num_thresholds - 1, y_pred.dtype)) - 1
    if thresholds_with_epsilon:
        # The first threshold is just below 0, so every prediction is above it.
        buckets = ops.relu(buckets)
    # Bucket -1 (predictions at or below the first threshold) counts nowhere: shift ids by one
    # so it becomes segment 0 of each row, and drop that segment afterwards.
    num_rows = ops.shape(buckets)[0]
    row_offsets = ops.expand_dims(ops.arange(num_rows, dtype="int32") * (num_thresholds + 1), 1)
    segment_ids = ops.reshape(ops.cast(buckets, "int32") + 1 + row_offsets, (-1,))

    def bucket_sums(values):
        sums = ops.segment_sum(ops.reshape(values, (-1,)), segment_ids, num_segments=num_rows * (num_thresholds + 1))
        return ops.reshape(sums, (num_rows, num_thresholds + 1))[:, 1:]

    tp = _reverse_cumsum(bucket_sums(true_labels), axis=1)
    fp = _reverse_cumsum(bucket_sums(false_labels), axis=1)
    total_true = ops.sum(true_labels, axis=1)
    total_false = ops.sum(false_labels, axis=1)
    if multi_label:
        tp, fp = ops.transpose(tp), ops.transpose(fp)
    else:
        tp, fp, total_true, total_false = tp[0], fp[0], total_true[0], total_false[0]

    counts = {
        ConfusionMatrix.TRUE_POSITIVES: lambda: tp,
        ConfusionMatrix.FALSE_POSITIVES: lambda: fp,
        ConfusionMatrix.TRUE_NEGATIVES: lambda: total_false - fp,
        ConfusionMatrix.FALSE_NEGATIVES: lambda: total_true - tp,
    }
    for key, variable in variables_to_update.items():
        variable.assign(variable + ops.cast(counts[key](), variable.dtype))


def _update_with_comparisons(variables_to_update, y_true, y_pred, thresholds, multi_label,
                             sample_weight, label_weights):
    """O(N * T) update comparing every prediction with every threshold."""
    num_thresholds = ops.shape(thresholds)[0]
    if multi_label:
        # (T, N, L): thresholds against every prediction of every label.
        predictions = ops.expand_dims(y_pred, 0)
        labels = ops.expand_dims(ops.cast(y_true, "bool"), 0)
        thresholds = ops.reshape(thresholds, (num_thresholds, 1, 1))
    else:
        # (T, N * L): flattened predictions.
        predictions = ops.reshape(y_pred, (1, -1))
        labels = ops.reshape(ops.cast(y_true, "bool"), (1, -1))
        thresholds = ops.reshape(thresholds, (num_thresholds, 1))
    pred_is_pos = ops.greater(predictions, thresholds)
    label_is_pos = labels

    weights = None
    if sample_weight is not None:
        weights = ops.broadcast_to(ops.cast(sample_weight, y_pred.dtype), ops.shape(y_pred))
        weights = ops.reshape(weights, ops.shape(predictions))
    if label_weights is not None and not multi_label:
        label_weights = ops.broadcast_to(ops.expand_dims(label_weights, 0), ops.shape(y_pred))
        label_weights = ops.reshape(label_weights, ops.shape(predictions))
        weights = label_weights if weights is None else ops.multiply(weights, label_weights)

    def count(label, pred, variable):
        both = ops.logical_and(label, pred)
        if weights is None:
            hits = ops.cast(both, variable.dtype)
        else:
            hits = ops.where(both, ops.cast(weights, variable.dtype), ops.zeros((), variable.dtype))
        variable.assign(variable + ops.sum(hits, axis=1))

    cells = {
        ConfusionMatrix.TRUE_POSITIVES: (label_is_pos, pred_is_pos),
        ConfusionMatrix.FALSE_POSITIVES: (ops.logical_not(label_is_pos), pred_is_pos),
        ConfusionMatrix.TRUE_NEGATIVES: (ops.logical_not(label_is_pos), ops.logical_not(pred_is_pos)),
        ConfusionMatrix.FALSE_NEGATIVES: (label_is_pos, ops.logical_not(pred_is_pos)),
    }
    for key in (ConfusionMatrix.TRUE_POSITIVES, ConfusionMatrix.FALSE_NEGATIVES,
                ConfusionMatrix.FALSE_POSITIVES, ConfusionMatrix.TRUE_NEGATIVES):
        if key in variables_to_update:
            count(*cells[key], variables_to_update[key])


def update_confusion_matrix_variables(variables_to_update, y_true, y_pred, thresholds, top_k=None, class_id=None,
                                      sample_weight=None, multi_label=False, label_weights=None,
                                      thresholds_distributed_evenly=False):
    """Adds this batch's weighted TP/FP/TN/FN counts at each threshold to the given variables.

    A prediction is positive at threshold ``t`` when ``y_pred > t``; ``y_true``
    is cast to bool.

    Args:
        variables_to_update: ``{ConfusionMatrix.X: variable}`` for the cells to count.
        y_true, y_pred: labels and scores of the same shape (scores in [0, 1]).
        thresholds: Python list of thresholds.
        top_k: Only the k highest scores of each sample may be positive.
        class_id: Only count the column ``class_id`` of the last axis.
        sample_weight: Weights broadcastable to ``y_true``.
        multi_label: Count each label (column) separately: variables have shape
            ``(num_thresholds, num_labels)``.
        label_weights: Per-label weights (only when not ``multi_label``).
        thresholds_distributed_evenly: Use the bucketed O(N + T) path.

    Example:
    >>> update_confusion_matrix_variables({ConfusionMatrix.FALSE_POSITIVES: fp}, y_true, y_pred, [0.5])
    """
    if multi_label and label_weights is not None:
        raise ValueError(
            "`label_weights` for multilabel data should be handled outside of "
            "`update_confusion_matrix_variables` when `multi_label` is True. "
            f"Received: label_weights={label_weights}"
        )
    if variables_to_update is None:
        return
    valid_keys = list(ConfusionMatrix)
    invalid = [key for key in variables_to_update if key not in valid_keys]
    if not variables_to_update or invalid:
        raise ValueError(
            f"Please provide valid confusion matrix variables to update. Valid keys are: {valid_keys}. "
            f"Received: {list(variables_to_update)}"
        )
    dtype = next(iter(variables_to_update.values())).dtype
    y_true = ops.cast(ops.convert_to_tensor(y_true), dtype)
    y_pred = ops.cast(ops.convert_to_tensor(y_pred), dtype)
    thresholds_with_epsilon = thresholds_distributed_evenly and (thresholds[0] < 0.0 or thresholds[-1] > 1.0)
    thresholds = ops.convert_to_tensor(np.asarray(thresholds), dtype=dtype)

    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = ops.expand_dims(ops.cast(ops.convert_to_tensor(sample_weight), dtype), axis=-1)
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight, expand_rank_1=False)
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if len(y_pred.shape) == 1:
            raise ValueError(
                "When class_id is provided, y_pred must be a 2D array with shape (num_samples, num_classes). "
                f"Received: y_pred.shape={tuple(y_pred.shape)}"
            )
        # Keep a trailing axis of size 1 so the sample weights still line up.
        y_true = ops.expand_dims(ops.take(y_true, class_id, axis=-1), -1)
        y_pred = ops.expand_dims(ops.take(y_pred, class_id, axis=-1), -1)
    if label_weights is not None:
        label_weights = ops.convert_to_tensor(label_weights, dtype=dtype)

    if thresholds_distributed_evenly:
        _update_with_buckets(variables_to_update, y_true, y_pred, ops.shape(thresholds)[0], multi_label,
                             sample_weight, label_weights, thresholds_with_epsilon)
    else:
        _update_with_comparisons(variables_to_update, y_true, y_pred, thresholds, multi_label,
                                 sample_weight, label_weights)


def confusion_matrix(labels, predictions, num_classes, weights=None, dtype="int32"):
    """The ``(num_classes, num_classes)`` matrix counting (true label, predicted label) pairs.

    Rows are true labels, columns predictions; ``weights`` gives each pair's
    contribution (1 by default).

    Example:
    >>> confusion_matrix([1, 2, 1], [2, 2, 1], num_classes=3)
    array([[0, 0, 0],
           [0, 1, 1],
           [0, 0, 1]], dtype=int32)
    """
    labels = ops.convert_to_tensor(labels, dtype)
    predictions = ops.convert_to_tensor(predictions, dtype)
    labels, predictions = squeeze_or_expand_to_same_rank(labels, predictions)
    indices = ops.cast(ops.stack([labels, predictions], axis=1), "int32")
    values = ops.ones_like(predictions, dtype) if weights is None else ops.convert_to_tensor(weights, dtype)
    num_classes = int(num_classes)
    return ops.scatter(indices, ops.cast(values, dtype), (num_classes, num_classes))
