"""``class_weight``: a dict ``{class_index: weight}`` turned into per-sample weights."""

import numpy as np
import optree

from cornu import backend
from cornu.trainers.data.array_conversion import leaf_to_numpy


def check_single_output(y):
    """``class_weight`` needs exactly one target array (a single-output model)."""
    if y is None or isinstance(y, (list, tuple, dict)):
        structure = "missing" if y is None else f"a {type(y).__name__} of {len(optree.tree_leaves(y))} arrays"
        raise ValueError(
            "`class_weight` is only supported for models with a single output, trained with a single `y` array. "
            "For several outputs, pass a `sample_weight` per output instead. "
            f"Received: y {structure}"
        )


def class_weight_to_sample_weight(y, class_weight, dtype=None):
    """Per-sample weights for the labels ``y``.

    One-hot labels go through argmax, a trailing axis of size 1 is squeezed,
    labels are rounded to ints, and a class missing from the dict weighs 1.0.

    Example:
    >>> class_weight_to_sample_weight(np.array([0, 1, 1]), {1: 2.0})
    array([1., 2., 2.], dtype=float32)
    """
    if not isinstance(class_weight, dict):
        raise ValueError(
            "`class_weight` must be a dict mapping class indices to weights, e.g. {0: 1.0, 1: 3.0}. "
            f"Received: class_weight={class_weight!r}"
        )
    labels = leaf_to_numpy(y)
    if labels.ndim > 1:
        labels = np.argmax(labels, axis=-1) if labels.shape[-1] != 1 else np.squeeze(labels, axis=-1)
    if labels.ndim != 1:
        raise ValueError(
            "`class_weight` needs labels of shape (n,), (n, 1) or one-hot (n, num_classes). "
            f"Received: y with shape {np.shape(y)}"
        )
    labels = np.round(labels).astype("int64")
    weights = np.ones(labels.shape[0], dtype=dtype or backend.floatx())
    for cls, weight in class_weight.items():
        weights[labels == int(cls)] = weight
    return weights


def add_class_weight(batch, class_weight, dtype, source):
    """Appends class-derived sample weights to a standardized ``(x, y)`` batch."""
    if class_weight is None or len(batch) == 1:
        return batch
    if len(batch) == 3:
        raise ValueError(
            f"You cannot use `class_weight` when the {source} already yields sample weights "
            "`(x, y, sample_weight)`. Fold the class weights into the sample weights instead."
        )
    x, y = batch
    check_single_output(y)
    return (x, y, class_weight_to_sample_weight(y, class_weight, dtype))
