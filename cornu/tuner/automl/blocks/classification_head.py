"""``ClassificationHead``: infers the classes from the labels, builds the output layer, decodes predictions."""

import numpy as np

from cornu import layers
from cornu.tuner.automl import data_checks


class ClassificationHead:
    """The output of a classifier: learns the label set from ``y`` and maps predictions back to it.

    Labels may be integers, booleans, whole-number floats, strings (1-D or shape ``(n, 1)``), or
    one-hot rows ``(n, num_classes)``. Two classes get one sigmoid unit and binary cross-entropy;
    more get a softmax and (sparse) categorical cross-entropy. ``decode`` returns labels in the
    form ``y`` had, so string labels round-trip.

    Example:
    >>> head = ClassificationHead().adapt(np.array(["cat", "dog", "cat"]))
    >>> head.num_classes, head.loss
    (2, 'binary_crossentropy')
    >>> head.decode(np.array([[0.9], [0.2]]))
    array(['dog', 'cat'], dtype='<U3')
    """

    def __init__(self, task="classifier", expected_classes=None, dropout=(0.0, 0.25, 0.5)):
        self.task = task
        self.expected_classes = expected_classes
        self.dropout = dropout
        self.classes = None
        self.one_hot = False
        self.column = False

    @property
    def num_classes(self):
        return len(self.classes)

    @property
    def binary(self):
        return self.num_classes == 2 and not self.one_hot

    @property
    def loss(self):
        if self.one_hot:
            return "categorical_crossentropy"
        return "binary_crossentropy" if self.binary else "sparse_categorical_crossentropy"

    @property
    def metrics(self):
        return ["accuracy"]

    def adapt(self, y):
        """Learns the classes (and the label layout) from the training labels ``y``; returns ``self``."""
        y = data_checks.as_array(y, "y", self.task)
        if y.ndim == 2 and y.shape[1] > 1:
            self._adapt_one_hot(y)
            return self._check_expected()
        if y.ndim > 2:
            raise ValueError(f"{self.task} takes labels `y` of shape (num_samples,), (num_samples, 1), or one-hot "
                             f"(num_samples, num_classes). Received: y.shape={y.shape}")
        self.column = y.ndim == 2
        labels = self._labels(y.reshape(-1), "y")
        self.classes = np.unique(labels)
        if len(self.classes) < 2:
            raise ValueError(f"{self.task} needs at least two classes in `y` to learn to tell them apart. "
                             f"Received: y with the single class {self.classes[0]!r}")
        return self._check_expected()

    def _check_expected(self):
        if self.expected_classes is not None and self.expected_classes != self.num_classes:
            raise ValueError(f"{self.task} was told `num_classes={self.expected_classes}`, but `y` holds "
                             f"{self.num_classes} classes ({self.classes.tolist()[:20]}): fix the labels or drop "
                             f"`num_classes`. Received: num_classes={self.expected_classes}")
        return self

    def _adapt_one_hot(self, y):
        if not (data_checks.is_numeric(y) and np.isin(y, (0, 1)).all() and (y.sum(axis=1) == 1).all()):
            raise ValueError(f"{self.task}: a 2-D `y` must be one-hot (each row has a single 1, the rest 0); "
                             "give class indices or names as a 1-D array otherwise. Multi-label targets are not "
                             f"supported. Received: y.shape={y.shape}, first row {y[0].tolist()}")
        self.one_hot = True
        self.classes = np.arange(y.shape[1])

    def _labels(self, y, arg):
        if data_checks.is_text(y) or y.dtype.kind in "biu":
            return y
        if y.dtype.kind == "f":
            if not np.isfinite(y).all() or not np.array_equal(y, np.round(y)):
                raise ValueError(f"{self.task} takes class labels, but `{arg}` holds fractional or non-finite "
                                 "floats: use the matching Regressor for continuous targets, or give whole-number "
                                 f"class ids. Received: {arg} with values like {y[:5].tolist()}")
            return y
        raise TypeError(f"{self.task} takes labels as integers, booleans, strings or one-hot rows. "
                        f"Received: {arg} with dtype {y.dtype}")

    def targets(self, y, arg="y"):
        """The labels ``y`` encoded for training: class indices, 0/1 columns, or one-hot floats."""
        y = data_checks.as_array(y, arg, self.task)
        if self.one_hot:
            if y.ndim != 2 or y.shape[1] != self.num_classes:
                raise ValueError(f"{self.task} was fit on one-hot labels with {self.num_classes} classes; `{arg}` "
                                 f"must have shape (num_samples, {self.num_classes}). Received: {arg}.shape={y.shape}")
            return y.astype("float32")
        if y.ndim > 2 or y.ndim == 2 and y.shape[1] != 1:
            raise ValueError(f"{self.task} was fit on labels of shape (num_samples,) or (num_samples, 1). "
                             f"Received: {arg}.shape={y.shape}")
        labels = self._labels(y.reshape(-1), arg)
        index = np.searchsorted(self.classes, labels)
        index = np.clip(index, 0, self.num_classes - 1)
        unknown = self.classes[index] != labels
        if unknown.any():
            raise ValueError(f"{self.task}: `{arg}` holds labels the training labels do not have; a classifier can "
                             f"only predict the classes it saw in `y` ({self.classes.tolist()[:20]}). "
                             f"Received: unknown labels {np.unique(labels[unknown]).tolist()[:10]}")
        if self.binary:
            return index.astype("float32").reshape(-1, 1)
        return index.astype("int32")

    def build(self, hp, inputs):
        """The output layer on ``inputs``: probabilities, one sigmoid unit for two classes."""
        dropout = hp.Choice("classification_head/dropout", list(self.dropout)) if len(self.dropout) > 1 \
            else self.dropout[0]
        if dropout > 0:
            inputs = layers.Dropout(dropout)(inputs)
        if self.binary:
            return layers.Dense(1, activation="sigmoid", name="classification_head")(inputs)
        return layers.Dense(self.num_classes, activation="softmax", name="classification_head")(inputs)

    def decode(self, probabilities):
        """Predicted labels in the form of the training ``y`` (same dtype; one-hot rows when ``y`` was)."""
        probabilities = np.asarray(probabilities)
        if self.binary:
            index = (probabilities.reshape(-1) > 0.5).astype("int64")
        else:
            index = probabilities.argmax(axis=-1)
        if self.one_hot:
            return np.eye(self.num_classes, dtype="float32")[index]
        labels = self.classes[index]
        return labels.reshape(-1, 1) if self.column else labels
