"""How the wrappers turn scikit-learn targets into what a Keras model trains on, and back.

As in Keras 3.15: a 1-D target becomes a column (``(n,)`` -> ``(n, 1)``) for regressors and
transformers, and a classifier's labels become one-hot rows, one column per class in sorted
order (scikit-learn's ``OneHotEncoder``), so the model needs one output unit per class. A
prediction goes back through the same steps: a classifier's label is the class of the largest
output.
"""

import numpy as np


class ColumnTarget:
    """``(n,)`` targets as ``(n, 1)`` columns for the model; predictions squeezed back.

    Example:
    >>> encoder = ColumnTarget().fit(np.array([1.0, 2.0]))
    >>> encoder.transform(np.array([1.0, 2.0])).shape
    (2, 1)
    """

    def fit(self, y):
        self.ndim = np.ndim(y)
        return self

    def transform(self, y):
        y = np.asarray(y)
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def inverse_transform(self, outputs):
        outputs = np.asarray(outputs)
        if self.ndim == 1 and outputs.ndim == 2 and outputs.shape[1] == 1:
            return outputs[:, 0]
        return outputs


class OneHotTarget:
    """Class labels as one-hot rows (one column per class, classes sorted), and back by argmax.

    Example:
    >>> encoder = OneHotTarget().fit(np.array(["b", "a", "b"]))
    >>> encoder.classes.tolist()
    ['a', 'b']
    >>> encoder.transform(np.array(["b", "a"])).tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """

    def fit(self, y):
        from sklearn.preprocessing import OneHotEncoder

        self.column = ColumnTarget().fit(y)
        self.encoder = OneHotEncoder(sparse_output=False).fit(self.column.transform(y))
        self.classes = self.encoder.categories_[0]
        return self

    def unseen_classes(self, y):
        """The labels in ``y`` that the encoder was not fitted on."""
        return np.setdiff1d(np.unique(np.asarray(y)), self.classes).tolist()

    def transform(self, y):
        return self.encoder.transform(self.column.transform(y))

    def inverse_transform(self, outputs):
        return self.column.inverse_transform(self.encoder.inverse_transform(np.asarray(outputs)))
