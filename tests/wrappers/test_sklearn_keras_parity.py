"""cornu's scikit-learn wrappers side by side with Keras 3.15.1's: signatures, parameters, tags,
and the same targets in, the same labels out.

Training is random in both libraries, so the deterministic parts are compared: what the model
callable receives, ``classes_``, ``n_features_in_``/``feature_names_in_``, and, after copying
cornu's fitted weights into the Keras model, the predictions and their dtype.
"""

import inspect

import numpy as np
import pytest

from tests.helpers.requirements import require
from tests.helpers.sklearn_models import QUIET_FIT, dense_model, softmax_classifier

require("sklearn", "scikit-learn")

from sklearn.utils import get_tags  # noqa: E402

import cornu  # noqa: E402
from cornu import wrappers  # noqa: E402

NAMES = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"]
# The Keras model gets cornu's trained weights, so it needs no training (and no train-step compile).
KERAS_NO_TRAINING = {"epochs": 0, "verbose": 0}


def _keras_dense(keras, X, y, activation=None, loss="mse"):
    model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(y.shape[1], activation=activation)])
    model.compile(optimizer="adam", loss=loss)
    return model


def _recording(builder, seen):
    def model(X, y, **kwargs):
        seen.append((X, y))
        return builder(X, y, **kwargs)

    return model


def _public_names(cls):
    return {name for name in dir(cls) if not name.startswith("_")}


@pytest.mark.parametrize("name", NAMES)
def test_signature_params_tags_and_methods_match_keras(keras_ref, name):
    ours, theirs = getattr(wrappers, name), getattr(keras_ref.wrappers, name)
    assert inspect.signature(ours.__init__) == inspect.signature(theirs.__init__)
    kwargs = {"model": dense_model, "warm_start": True, "model_kwargs": {"hidden": 2}, "fit_kwargs": {"epochs": 3}}
    assert ours(**kwargs).get_params() == theirs(**kwargs).get_params()
    assert ours(dense_model).get_params() == theirs(dense_model).get_params()
    assert get_tags(ours(dense_model)) == get_tags(theirs(dense_model))
    # Every public method and property of Keras's class (cornu adds predict_proba to the classifier).
    assert _public_names(theirs) <= _public_names(ours)
    assert _public_names(ours) - _public_names(theirs) <= {"predict_proba"}


@pytest.mark.requires_trainable_backend
@pytest.mark.parametrize("labels", [("dog", "cat", "emu"), (7, -1, 3), (True, False)], ids=["str", "int", "bool"])
def test_classifier_targets_and_labels_match_keras(keras_ref, labels):
    pandas = require("pandas")
    rng = np.random.RandomState(0)
    X = pandas.DataFrame(rng.normal(size=(24, 3)), columns=["a", "b", "c"])
    y = np.asarray(labels)[np.arange(24) % len(labels)]
    seen_ours, seen_theirs = [], []
    ours = wrappers.SKLearnClassifier(_recording(softmax_classifier, seen_ours), fit_kwargs=QUIET_FIT).fit(X, y)
    theirs = keras_ref.wrappers.SKLearnClassifier(
        _recording(lambda X, y: _keras_dense(keras_ref, X, y, "softmax", "categorical_crossentropy"), seen_theirs),
        fit_kwargs=KERAS_NO_TRAINING).fit(X, y)
    np.testing.assert_array_equal(seen_ours[0][0], seen_theirs[0][0])
    np.testing.assert_array_equal(seen_ours[0][1], seen_theirs[0][1])
    assert seen_ours[0][1].dtype == seen_theirs[0][1].dtype
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    assert ours.classes_.dtype == theirs.classes_.dtype
    assert ours.n_features_in_ == theirs.n_features_in_ == 3
    np.testing.assert_array_equal(ours.feature_names_in_, theirs.feature_names_in_)

    theirs.model_.set_weights(ours.model_.get_weights())
    np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X), rtol=1e-5, atol=1e-6)
    ours_labels, their_labels = ours.predict(X), theirs.predict(X)
    np.testing.assert_array_equal(ours_labels, their_labels)
    assert ours_labels.dtype == their_labels.dtype and ours_labels.shape == their_labels.shape == (24,)
    assert ours.score(X, y) == pytest.approx(theirs.score(X, y))


@pytest.mark.requires_trainable_backend
def test_regressor_targets_and_predictions_match_keras(keras_ref):
    rng = np.random.RandomState(1)
    X = rng.normal(size=(24, 3))
    y = X @ np.array([1.0, 2.0, -1.0])
    seen_ours, seen_theirs = [], []
    ours = wrappers.SKLearnRegressor(_recording(dense_model, seen_ours), fit_kwargs=QUIET_FIT).fit(X, y)
    theirs = keras_ref.wrappers.SKLearnRegressor(
        _recording(lambda X, y: _keras_dense(keras_ref, X, y), seen_theirs), fit_kwargs=KERAS_NO_TRAINING).fit(X, y)
    np.testing.assert_array_equal(seen_ours[0][1], seen_theirs[0][1])
    assert seen_ours[0][1].shape == (24, 1)
    theirs.model_.set_weights(ours.model_.get_weights())
    ours_pred, their_pred = ours.predict(X), theirs.predict(X)
    assert ours_pred.shape == their_pred.shape == (24,)
    np.testing.assert_allclose(ours_pred, their_pred, rtol=1e-5, atol=1e-6)


def test_cornu_wrappers_are_sklearn_estimators():
    from sklearn.base import BaseEstimator, is_classifier, is_regressor

    assert issubclass(cornu.wrappers.SKLearnClassifier, BaseEstimator)
    assert is_classifier(cornu.wrappers.SKLearnClassifier(dense_model))
    assert is_regressor(cornu.wrappers.SKLearnRegressor(dense_model))
