"""``TextClassifier`` and ``TextRegressor``: AutoML on raw strings."""

import numpy as np

from cornu import layers, models
from cornu.tuner.automl import data_checks
from cornu.tuner.automl.auto_task import AutoTask
from cornu.tuner.automl.blocks import (ClassificationHead, RegressionHead, SequenceReduction, TextVectorizers,
                                       TokenEmbedding)


class _TextTask(AutoTask):
    """Strings -> TextVectorization (adapted) -> Embedding -> pooling / conv / transformer -> head.

    ``x`` is a 1-D array (or list) of strings, or ``(num_samples, 1)``. The search trains models on
    token ids (the vectorizer runs on the host first, so steps compile on every backend); the
    exported model takes a ``(num_samples, 1)`` string array and holds its ``TextVectorization``.
    ``block_type`` (``"pooling"``, ``"conv"`` or ``"transformer"``) narrows the search; ``None``
    searches all three.
    """

    def _check_x(self, x, arg="x"):
        x = data_checks.as_array(x, arg, self.task_name)
        if not (x.ndim == 1 or x.ndim == 2 and x.shape[1] == 1):
            raise ValueError(f"{self.task_name} takes `{arg}` as one string per sample: shape (num_samples,) or "
                             f"(num_samples, 1). Received: {arg}.shape={x.shape}")
        if not data_checks.is_text(x):
            raise TypeError(f"{self.task_name} takes `{arg}` as strings (str or bytes); for numbers use "
                            f"StructuredData{self.task_name[4:]}. Received: {arg} with dtype {x.dtype}")
        if x.dtype.kind in "OS":
            x = np.array([item.decode("utf-8") if isinstance(item, bytes) else item for item in x.reshape(-1)])
        return x.reshape(-1, 1).astype(str)

    def _make_inputs(self, train_x):
        self._vectorizers = TextVectorizers(train_x)
        sequence_length = self._vectorizers.sequence_length

        def make_inputs(hp):
            inputs = layers.Input(shape=(sequence_length,), dtype="int32", name="token_ids")
            return inputs, inputs

        return make_inputs

    def _blocks(self, train_x):
        block_types = ("pooling", "conv", "transformer") if self.block_type is None else (self.block_type,)
        return [TokenEmbedding(self._vectorizers), SequenceReduction(block_types=block_types)]

    def _input_transform(self, hp, x):
        return self._vectorizers.token_ids(hp, x)

    def _exportable(self, model, hp):
        """The searched model (on token ids) behind its ``TextVectorization``: strings ``(n, 1)`` in."""
        inputs = layers.Input(shape=(1,), dtype="string", name="text")
        return models.Model(inputs, model(self._vectorizers.choose(hp)(inputs)), name="text_model")


class TextClassifier(_TextTask):
    """Finds a text classifier (vectorization + embedding + pooling/conv/transformer) with ``cornu.tuner``.

    Example:
    >>> clf = TextClassifier(max_trials=2, overwrite=True)
    >>> clf.fit(np.array(["good film", "awful plot", ...]), np.array(["pos", "neg", ...]), epochs=3)
    >>> clf.predict(np.array(["a good plot"]))
    array(['pos'], dtype='<U3')
    """

    task_name = "TextClassifier"
    default_project_name = "text_classifier"

    def __init__(self, num_classes=None, max_trials=100, directory=None, project_name=None, objective="val_loss",
                 tuner=None, overwrite=False, seed=None, loss=None, metrics=None, block_type=None, **kwargs):
        super().__init__(max_trials=max_trials, directory=directory, project_name=project_name, objective=objective,
                         tuner=tuner, overwrite=overwrite, seed=seed, loss=loss, metrics=metrics, **kwargs)
        if block_type not in (None, "pooling", "conv", "transformer"):
            raise ValueError("`block_type` must be None (search all), 'pooling', 'conv' or 'transformer'. "
                             f"Received: block_type={block_type!r}")
        self.num_classes = num_classes
        self.block_type = block_type

    def _make_head(self):
        return ClassificationHead(self.task_name, expected_classes=self.num_classes)


class TextRegressor(_TextTask):
    """Finds a text regressor (vectorization + embedding + pooling/conv/transformer) with ``cornu.tuner``.

    Example:
    >>> reg = TextRegressor(max_trials=2, overwrite=True)
    >>> reg.fit(reviews, ratings, epochs=3)
    """

    task_name = "TextRegressor"
    default_project_name = "text_regressor"

    def __init__(self, output_dim=None, max_trials=100, directory=None, project_name=None, objective="val_loss",
                 tuner=None, overwrite=False, seed=None, loss=None, metrics=None, block_type=None, **kwargs):
        super().__init__(max_trials=max_trials, directory=directory, project_name=project_name, objective=objective,
                         tuner=tuner, overwrite=overwrite, seed=seed, loss=loss, metrics=metrics, **kwargs)
        if block_type not in (None, "pooling", "conv", "transformer"):
            raise ValueError("`block_type` must be None (search all), 'pooling', 'conv' or 'transformer'. "
                             f"Received: block_type={block_type!r}")
        self.output_dim = output_dim
        self.block_type = block_type

    def _make_head(self):
        return RegressionHead(self.task_name, expected_output_dim=self.output_dim)
