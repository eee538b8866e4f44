"""``keras.wrappers``: a Keras model as a scikit-learn classifier, regressor or transformer.

Importing this module imports scikit-learn; ``cornu.wrappers`` loads it on first use.
"""

import numpy as np

from cornu.serialization.registry import keras_export
from cornu.wrappers.sklearn_base import SKLBase
from cornu.wrappers.sklearn_compat import ClassifierMixin, RegressorMixin, TransformerMixin, type_of_target
from cornu.wrappers.target_encoding import OneHotTarget

_SUPPORTED_CLASS_TARGETS = ("binary", "multiclass")


@keras_export("keras.wrappers.SKLearnClassifier")
class SKLearnClassifier(ClassifierMixin, SKLBase):
    """A Keras model as a scikit-learn classifier.

    The labels are one-hot encoded for the model (one column per class, classes sorted, as
    ``classes_`` lists them), so the model needs one output unit per class; a prediction is the
    class of the largest output. Arguments and attributes are those of every wrapper (``model``,
    ``warm_start``, ``model_kwargs``, ``fit_kwargs``; ``model_``, ``history_``), plus
    ``classes_``. Training starts from random weights, so two fits differ (seed with
    ``keras.utils.set_random_seed``).

    Example:
    >>> def make_model(X, y, hidden=16):
    ...     model = keras.Sequential([
    ...         keras.Input((X.shape[1],)),
    ...         keras.layers.Dense(hidden, activation="relu"),
    ...         keras.layers.Dense(y.shape[1], activation="softmax"),
    ...     ])
    ...     model.compile(optimizer="adam", loss="categorical_crossentropy")
    ...     return model
    >>> clf = keras.wrappers.SKLearnClassifier(
    ...     make_model, model_kwargs={"hidden": 32}, fit_kwargs={"epochs": 20, "verbose": 0})
    >>> clf.fit(X, y).score(X, y)
    0.93
    """

    _target_kind = "class labels"
    _numeric_target = False

    def _encode_target(self, y, reset):
        target_type = type_of_target(y)
        if target_type == "unknown":
            raise ValueError(
                "Unknown label type: SKLearnClassifier needs class labels (integers, strings or booleans, "
                "one per sample). Convert y first (e.g. `y.astype(int)` for numbers stored as objects). "
                f"Received: y of dtype {y.dtype}"
            )
        if target_type not in _SUPPORTED_CLASS_TARGETS:
            raise ValueError(
                "SKLearnClassifier supports binary and multiclass targets only (one label per sample"
                f"{'; use SKLearnRegressor for a continuous target' if 'continuous' in target_type else ''}"
                f"). Received: y of target type {target_type!r}"
            )
        if reset:
            encoder = OneHotTarget().fit(y)
            if len(encoder.classes) == 1:
                raise ValueError(
                    "Classifier can't train when only one class is present: y needs at least two "
                    f"distinct labels. Received: y with the single class {encoder.classes.tolist()[0]!r}"
                )
            self._target_encoder = encoder
            self.classes_ = np.unique(y)
        else:
            unseen = self._target_encoder.unseen_classes(y)
            if unseen:
                raise ValueError(
                    "With warm_start=True, `fit` continues training the fitted model, whose outputs "
                    f"are the classes {self.classes_.tolist()}; y has other classes. Set warm_start=False "
                    f"to train a new model. Received: unseen classes {unseen}"
                )
        return self._target_encoder.transform(y)

    def _class_outputs(self, X):
        outputs = np.asarray(self._model_outputs(X))
        if outputs.ndim != 2 or outputs.shape[1] != len(self.classes_):
            raise ValueError(
                f"SKLearnClassifier needs one model output per class ({len(self.classes_)} classes: "
                f"{self.classes_.tolist()}): end the model with `Dense(y.shape[1], ...)`. "
                f"Received: outputs of shape {outputs.shape}"
            )
        return outputs

    def predict(self, X):
        """The predicted class of each sample: the class of the model's largest output."""
        outputs = self._class_outputs(X)
        return self._target_encoder.inverse_transform(outputs)

    def decision_function(self, X):
        """The model's raw outputs, shape ``(n_samples, n_classes)`` (also for two classes)."""
        return self._class_outputs(X)

    def predict_proba(self, X):
        """Class probabilities, shape ``(n_samples, n_classes)``, columns in ``classes_`` order.

        They are the model's outputs, so the model must end in a softmax (or another
        activation with outputs in [0, 1]); ``decision_function`` gives raw scores of any model.
        """
        outputs = self._class_outputs(X)
        low, high = float(np.min(outputs)), float(np.max(outputs))
        tolerance = 1e-5
        if low < -tolerance or high > 1 + tolerance:
            raise ValueError(
                "predict_proba returns the model's outputs as probabilities, but they are not in [0, 1]: "
                "end the model with `activation='softmax'`, or use `decision_function` for raw scores. "
                f"Received: outputs between {low:.4g} and {high:.4g}"
            )
        return np.clip(outputs, 0.0, 1.0)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags


@keras_export("keras.wrappers.SKLearnRegressor")
class SKLearnRegressor(RegressorMixin, SKLBase):
    """A Keras model as a scikit-learn regressor.

    A 1-D target reaches the model as a column ``(n_samples, 1)``, and predictions come back
    1-D. Arguments and attributes are those of every wrapper (``model``, ``warm_start``,
    ``model_kwargs``, ``fit_kwargs``; ``model_``, ``history_``).

    Example:
    >>> def make_model(X, y):
    ...     model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(y.shape[1])])
    ...     model.compile(optimizer="adam", loss="mse")
    ...     return model
    >>> reg = keras.wrappers.SKLearnRegressor(make_model, fit_kwargs={"epochs": 50, "verbose": 0})
    >>> reg.fit(X, y).predict(X[:2]).shape
    (2,)
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        return tags


@keras_export("keras.wrappers.SKLearnTransformer")
class SKLearnTransformer(TransformerMixin, SKLBase):
    """A Keras model as a scikit-learn transformer: ``transform(X)`` is the model's output.

    "Transformer" in scikit-learn's sense (a pipeline step that maps features to features),
    e.g. a trained embedding feeding another estimator. ``fit`` trains the model on ``X`` and
    ``y`` as the regressor does. Arguments and attributes are those of every wrapper.

    Example:
    >>> embed = keras.wrappers.SKLearnTransformer(make_embedding_model, fit_kwargs={"verbose": 0})
    >>> pipe = sklearn.pipeline.make_pipeline(embed, sklearn.linear_model.LogisticRegression())
    >>> pipe.fit(X, y).score(X, y)
    0.9
    """

    def transform(self, X):
        """The model's outputs for ``X``, shape ``(n_samples, n_outputs)``.

        Args:
            X: array-like of shape ``(n_samples, n_features)``.
        """
        return self._model_outputs(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # The outputs have the model's dtype (floatx), whatever the input dtype.
        tags.transformer_tags.preserves_dtype = []
        return tags
