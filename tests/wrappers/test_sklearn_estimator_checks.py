"""scikit-learn's own estimator checks (``parametrize_with_checks``) over the three wrappers.

The models are tiny (one Dense layer, seeded, one epoch, no shuffling), so each fit is cheap
and repeatable. Every check runs on torch, where a fit of such a model takes milliseconds; on
JAX each of the ~150 fresh models costs compilations, so the JAX suite runs the checks that
exercise the backend itself (pickling through `.keras` saving, repeatable fits) and leaves the backend-free API checks to the torch suite. The numpy backend cannot
train.

Checks expected to fail, and why (scikit-learn marks them xfail):
- ``SKLearnClassifier.decision_function`` returns the model's raw outputs with one column per
  class, also for two classes, as Keras 3.15 does; scikit-learn expects ``(n_samples,)`` for a
  binary problem. That alone fails ``check_classifiers_train`` (all three variants),
  ``check_classifiers_classes`` and ``check_decision_proba_consistency``.
- ``check_classifiers_one_label_sample_weights``: one epoch of a tiny model does not learn to
  predict only the class left by zero sample weights (it may pass by chance).

Keras's own test list also has ``check_parameters_default_constructible`` and
``check_classifiers_regression_target`` ("not an issue in sklearn>=1.6": they pass here), and
the reproducibility checks (``check_fit_idempotent``, ``check_supervised_y_2d``,
``check_classifier_data_not_an_array``), which pass here because the test models are seeded.
"""

import unittest

import pytest

from cornu import backend

from tests.helpers.requirements import require
from tests.helpers.sklearn_models import QUIET_FIT, NamedBuilder

require("sklearn", "scikit-learn")

from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from cornu.wrappers import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer  # noqa: E402

pytestmark = pytest.mark.requires_trainable_backend

_BINARY_DECISION = ("decision_function returns one column per class, also for two classes (Keras 3.15's "
                    "output); scikit-learn expects shape (n_samples,) for binary problems")

EXPECTED_FAILED_CHECKS = {
    "SKLearnClassifier": {
        "check_classifiers_train": _BINARY_DECISION,
        "check_classifiers_classes": _BINARY_DECISION,
        "check_decision_proba_consistency": _BINARY_DECISION,
        "check_classifiers_one_label_sample_weights": (
            "one epoch of a tiny model does not learn to predict only the class left by zero sample weights"),
    },
    "SKLearnRegressor": {},
    "SKLearnTransformer": {},
}

# The checks the JAX suite runs (see the module docstring); torch runs them all.
ON_EVERY_BACKEND = {
    "check_estimators_pickle",
    "check_fit_idempotent",
}

ESTIMATORS = [
    SKLearnClassifier(model=NamedBuilder("softmax_classifier"), fit_kwargs=QUIET_FIT),
    SKLearnRegressor(model=NamedBuilder("dense_model"), model_kwargs={"loss": "mse"}, fit_kwargs=QUIET_FIT),
    SKLearnTransformer(model=NamedBuilder("dense_model"), model_kwargs={"loss": "mse"}, fit_kwargs=QUIET_FIT),
]


def _check_name(check):
    while hasattr(check, "func"):
        check = check.func
    return check.__name__


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS[type(est).__name__])
def test_sklearn_estimator_checks(estimator, check):
    if backend.backend() != "torch" and _check_name(check) not in ON_EVERY_BACKEND:
        pytest.skip("backend-free API check: runs in the torch suite, where fitting ~150 tiny models takes "
                    "seconds (each fresh model costs JAX compilations)")
    try:
        check(estimator)
    except unittest.SkipTest as skip:  # pytest does not turn unittest's SkipTest into a skip here
        pytest.skip(str(skip))
