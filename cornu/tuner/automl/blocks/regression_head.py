"""``RegressionHead``: infers the number of outputs from the targets and builds a linear output layer."""

import numpy as np

from cornu import layers
from cornu.tuner.automl import data_checks


class RegressionHead:
    """The output of a regressor: one linear unit per target column, trained with mean squared error.

    Example:
    >>> head = RegressionHead().adapt(np.zeros((10, 2)))
    >>> head.output_dim
    2
    """

    loss = "mean_squared_error"
    metrics = ["mean_squared_error"]

    def __init__(self, task="regressor", expected_output_dim=None, dropout=(0.0, 0.25)):
        self.task = task
        self.expected_output_dim = expected_output_dim
        self.dropout = dropout
        self.output_dim = None
        self.flat = False

    def adapt(self, y):
        """Learns the number of targets (and whether ``y`` was 1-D) from the training targets; returns ``self``."""
        y = data_checks.as_array(y, "y", self.task)
        if y.ndim > 2:
            raise ValueError(f"{self.task} takes targets `y` of shape (num_samples,) or (num_samples, num_targets). "
                             f"Received: y.shape={y.shape}")
        self.flat = y.ndim == 1
        self.output_dim = 1 if y.ndim == 1 else y.shape[1]
        if self.expected_output_dim is not None and self.expected_output_dim != self.output_dim:
            raise ValueError(f"{self.task} was told `output_dim={self.expected_output_dim}`, but `y` has "
                             f"{self.output_dim} target column(s). Received: y.shape={y.shape}")
        self.targets(y)
        return self

    def targets(self, y, arg="y"):
        """The targets as a float32 ``(num_samples, output_dim)`` array."""
        y = data_checks.as_array(y, arg, self.task)
        data_checks.check_numeric(y, arg, self.task, "regression targets")
        y = y.reshape(len(y), -1) if y.ndim <= 2 else y
        if y.ndim != 2 or y.shape[1] != self.output_dim:
            raise ValueError(f"{self.task} was fit on {self.output_dim} target column(s); `{arg}` must have shape "
                             f"(num_samples,{' ' + str(self.output_dim) if self.output_dim > 1 else ''}). "
                             f"Received: {arg}.shape={y.shape}")
        return y.astype("float32")

    def build(self, hp, inputs):
        dropout = hp.Choice("regression_head/dropout", list(self.dropout)) if len(self.dropout) > 1 \
            else self.dropout[0]
        if dropout > 0:
            inputs = layers.Dropout(dropout)(inputs)
        return layers.Dense(self.output_dim, name="regression_head")(inputs)

    def decode(self, predictions):
        """Predictions in the form of the training ``y``: 1-D when ``y`` was."""
        predictions = np.asarray(predictions)
        return predictions.reshape(-1) if self.flat else predictions
