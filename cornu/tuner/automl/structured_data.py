"""``StructuredDataClassifier`` and ``StructuredDataRegressor``: AutoML on tables of numbers."""

from cornu import layers
from cornu.tuner.automl import data_checks
from cornu.tuner.automl.auto_task import AutoTask
from cornu.tuner.automl.blocks import ClassificationHead, DenseBlock, RegressionHead, adapted_normalization


class _StructuredDataTask(AutoTask):
    """Rows of numeric features ``(num_samples, num_features)`` -> Normalization (adapted) -> MLP -> head."""

    def _check_x(self, x, arg="x"):
        x = data_checks.as_array(x, arg, self.task_name)
        if x.ndim != 2:
            hint = " (one feature: use x.reshape(-1, 1))" if x.ndim == 1 else ""
            raise ValueError(f"{self.task_name} takes `{arg}` as a table of shape (num_samples, num_features)"
                             f"{hint}. Received: {arg}.shape={x.shape}")
        data_checks.check_numeric(x, arg, self.task_name, "features")
        return x.astype("float32")

    def _make_inputs(self, train_x):
        num_features = train_x.shape[1]

        def make_inputs(hp):
            inputs = layers.Input(shape=(num_features,), name="structured_data")
            return inputs, adapted_normalization(train_x)(inputs)

        return make_inputs

    def _blocks(self, train_x):
        return [DenseBlock()]


class StructuredDataClassifier(_StructuredDataTask):
    """Finds a classifier for rows of numeric features: a normalized MLP, searched with ``cornu.tuner``.

    Labels may be ints, strings, booleans or one-hot rows; ``predict`` returns labels like ``y``.
    Arguments: see ``AutoTask`` (``max_trials``, ``directory``, ``project_name``, ``objective``,
    ``tuner``, ``overwrite``, ``seed``, ``loss``, ``metrics``), plus ``num_classes`` (checked against
    the labels when given).

    Example:
    >>> clf = StructuredDataClassifier(max_trials=3, overwrite=True)
    >>> clf.fit(x_train, y_train, epochs=10)
    >>> clf.predict(x_test)[:3]
    array(['setosa', 'virginica', 'setosa'], dtype='<U10')
    >>> clf.export_model().save("best.keras")
    """

    task_name = "StructuredDataClassifier"
    default_project_name = "structured_data_classifier"

    def __init__(self, num_classes=None, max_trials=100, directory=None, project_name=None, objective="val_loss",
                 tuner=None, overwrite=False, seed=None, loss=None, metrics=None, **kwargs):
        super().__init__(max_trials=max_trials, directory=directory, project_name=project_name, objective=objective,
                         tuner=tuner, overwrite=overwrite, seed=seed, loss=loss, metrics=metrics, **kwargs)
        self.num_classes = num_classes

    def _make_head(self):
        return ClassificationHead(self.task_name, expected_classes=self.num_classes)


class StructuredDataRegressor(_StructuredDataTask):
    """Finds a regressor for rows of numeric features: a normalized MLP, searched with ``cornu.tuner``.

    ``y`` is ``(num_samples,)`` or ``(num_samples, output_dim)``; ``predict`` returns the same layout.

    Example:
    >>> reg = StructuredDataRegressor(max_trials=3, overwrite=True)
    >>> reg.fit(x_train, y_train, epochs=10)
    >>> reg.evaluate(x_test, y_test)  # [mse loss, mse]
    """

    task_name = "StructuredDataRegressor"
    default_project_name = "structured_data_regressor"

    def __init__(self, output_dim=None, max_trials=100, directory=None, project_name=None, objective="val_loss",
                 tuner=None, overwrite=False, seed=None, loss=None, metrics=None, **kwargs):
        super().__init__(max_trials=max_trials, directory=directory, project_name=project_name, objective=objective,
                         tuner=tuner, overwrite=overwrite, seed=seed, loss=loss, metrics=metrics, **kwargs)
        self.output_dim = output_dim

    def _make_head(self):
        return RegressionHead(self.task_name, expected_output_dim=self.output_dim)
