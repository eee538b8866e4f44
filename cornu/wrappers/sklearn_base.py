"""What the three scikit-learn wrappers share: making the model, fitting it, pickling it.

The base classes come from scikit-learn, so this module is only imported when a wrapper is
first asked for (see ``cornu/wrappers/__init__.py``).
"""

from cornu.models.cloning import clone_model
from cornu.models.model import Model
from cornu.wrappers import model_pickling
from cornu.wrappers.sklearn_compat import BaseEstimator, check_is_fitted, require_sklearn, routing_enabled
from cornu.wrappers.sklearn_compat import type_of_target, validate_data
from cornu.wrappers.target_encoding import ColumnTarget


def _describe(value):
    text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{text} (of type {type(value).__name__})"


class SKLBase(BaseEstimator):
    """A Keras model as a scikit-learn estimator (the shared half of the three wrappers).

    Args:
        model: a compiled ``Model``, or a callable ``model(X=X, y=y, **model_kwargs)`` that
            returns one. A model instance is cloned (new weights, compiled like the original)
            for each fit, unless ``warm_start=True``. The callable receives the validated
            inputs and the targets as the model will see them (one-hot rows for a classifier,
            a column for a 1-D regression target), so it can size its input and output layers.
        warm_start: if True, a second ``fit`` continues training the fitted model instead of
            starting from a new one (and a given model instance is trained in place).
        model_kwargs: keyword arguments for the ``model`` callable.
        fit_kwargs: keyword arguments for ``model.fit`` (``epochs``, ``batch_size``, ...);
            those passed to ``fit`` itself take precedence. ``predict`` follows the ``verbose``
            given to the last ``fit``.

    Attributes:
        model_: the fitted model.
        history_: the ``History`` returned by the last ``model.fit``.
        n_features_in_, feature_names_in_: set by ``fit``, as in scikit-learn.
    """

    _target_kind = "target"
    # Regressors and transformers train on numbers: object-dtype targets are converted.
    _numeric_target = True

    def __init__(self, model, warm_start=False, model_kwargs=None, fit_kwargs=None):
        require_sklearn(type(self).__name__)
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Initial weights and batch order are random, so two fits differ.
        tags.non_deterministic = True
        return tags

    def __sklearn_is_fitted__(self):
        # Fitted once a model has trained: a fit that failed half-way leaves the estimator unfitted.
        return hasattr(self, "model_")

    @property
    def epoch_(self):
        """How many epochs the fitted model has trained, over every warm-started ``fit``."""
        return getattr(self, "_epochs_trained", 0)

    def set_fit_request(self, **kwargs):
        """Asks for metadata (e.g. ``sample_weight=True``) to be routed to ``fit`` by
        meta-estimators; needs ``sklearn.set_config(enable_metadata_routing=True)``.

        Example:
        >>> with sklearn.config_context(enable_metadata_routing=True):
        ...     est = SKLearnRegressor(make_model).set_fit_request(sample_weight=True)
        """
        if not routing_enabled():
            raise RuntimeError(
                "`set_fit_request` only works with scikit-learn's metadata routing on: call "
                "`sklearn.set_config(enable_metadata_routing=True)` first. "
                f"Received: {', '.join(f'{k}={v!r}' for k, v in kwargs.items()) or 'no requests'}"
            )
        requests = self._get_metadata_request()
        for param, alias in kwargs.items():
            requests.fit.add_request(param=param, alias=alias)
        self._metadata_request = requests
        return self

    # ------------------------------------------------------------------ fit
    def fit(self, X, y, **kwargs):
        """Trains the model on ``X`` and ``y``; ``kwargs`` go to ``model.fit``.

        Args:
            X: array-like of shape ``(n_samples, n_features)``.
            y: array-like of shape ``(n_samples,)``.
            **kwargs: arguments for ``model.fit`` (override ``fit_kwargs``).

        Returns:
            self
        """
        continuing = bool(self.warm_start) and hasattr(self, "model_")
        X, y = self._validate_fit_data(X, y, reset=not continuing)
        y_model = self._encode_target(y, reset=not continuing)
        model = self.model_ if continuing else self._build_model(X, y_model)
        _check_compiled(model, type(self).__name__)
        fit_kwargs = {**(self.fit_kwargs or {}), **kwargs}
        history = model.fit(X, y_model, **fit_kwargs)
        self.model_ = model
        self.history_ = history
        self._verbose = fit_kwargs.get("verbose", "auto")
        previous = self.epoch_ if continuing else 0
        self._epochs_trained = previous + len(getattr(history, "epoch", []) or [])
        return self

    def _validate_fit_data(self, X, y, reset):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None: the model "
                f"trains on `fit(X, y)`. Pass the {self._target_kind} as `y`. Received: y=None"
            )
        return validate_data(self, X, y, reset=reset, y_numeric=self._numeric_target)

    def _encode_target(self, y, reset):
        if type_of_target(y) == "unknown":
            raise ValueError(
                f"Unknown label type: {type(self).__name__} trains the model on y, which must be numeric. "
                f"Convert it first (e.g. `y.astype('float32')`). Received: y of dtype {y.dtype}"
            )
        if reset:
            self._target_encoder = ColumnTarget().fit(y)
        return self._target_encoder.transform(y)

    def _build_model(self, X, y):
        owner = type(self).__name__
        if isinstance(self.model, Model):
            if self.model_kwargs:
                raise ValueError(
                    f"`model_kwargs` are arguments for a `model` callable, but {owner} was given a model "
                    "instance. Pass a function that builds the model to use them, or drop `model_kwargs`. "
                    f"Received: model_kwargs={self.model_kwargs!r}"
                )
            # warm_start trains the given model itself, as documented by Keras; otherwise each
            # fit starts from a fresh clone, compiled as the original.
            return self.model if self.warm_start else clone_model(self.model)
        if not callable(self.model):
            raise TypeError(
                f"{owner}'s `model` must be a compiled Keras `Model`, or a callable that takes `X` and "
                "`y` as keyword arguments (plus the keys of `model_kwargs`) and returns one. "
                f"Received: model={_describe(self.model)}"
            )
        model = self.model(X=X, y=y, **(self.model_kwargs or {}))
        if not isinstance(model, Model):
            raise TypeError(
                f"{owner}'s `model` callable must return a compiled Keras `Model`. Make it end with "
                f"`return model` after `model.compile(...)`. Received: {_describe(model)} from "
                f"model={getattr(self.model, '__name__', self.model)!r}"
            )
        return model

    # -------------------------------------------------------------- predict
    def _model_outputs(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self.model_.predict(X, verbose=getattr(self, "_verbose", "auto"))

    def predict(self, X):
        """The model's predictions for ``X``, in the shape and labels of the targets.

        Args:
            X: array-like of shape ``(n_samples, n_features)``.
        """
        outputs = self._model_outputs(X)
        return self._target_encoder.inverse_transform(outputs)

    # ------------------------------------------------------------- pickling
    def __getstate__(self):
        return model_pickling.picklable_state(super().__getstate__())

    def __setstate__(self, state):
        super().__setstate__(model_pickling.restored_state(state))


def _check_compiled(model, owner):
    if not model.compiled or not model.loss or model.optimizer is None:
        raise RuntimeError(
            f"{owner} trains the model with `model.fit`, so the model needs to be compiled, and have "
            "a loss and an optimizer: call `model.compile(optimizer=..., loss=...)` before returning "
            f"it. Received: model {model.name!r} with compiled={model.compiled}, loss={model.loss!r}, "
            f"optimizer={type(model.optimizer).__name__ if model.optimizer is not None else None}"
        )
