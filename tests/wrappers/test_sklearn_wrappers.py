"""The scikit-learn wrappers at work: target encoding, pipelines and searches, clone, pickle,
warm start, metadata routing, and the errors a user meets.

Models are tiny, seeded and fitted without shuffling, so two fits of the same data agree and
the tests can compare exact numbers.
"""

import pickle
import pickletools

import numpy as np
import pytest

import cornu

from tests.helpers.requirements import require
from tests.helpers.sklearn_models import (QUIET_FIT, dense_model, not_a_model, single_output_model,
                                          softmax_classifier, uncompiled_model)

sklearn = require("sklearn", "scikit-learn")

from sklearn.base import clone  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from cornu.wrappers import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer  # noqa: E402

trainable = pytest.mark.requires_trainable_backend


def _blobs(n=40, labels=("cat", "dog", "emu")):
    """Three well separated clusters in 4 features, labelled with ``labels``."""
    rng = np.random.RandomState(0)
    index = np.arange(n) % len(labels)
    centers = np.eye(len(labels), 4) * 6.0
    X = centers[index] + rng.normal(scale=0.5, size=(n, 4))
    return X, np.asarray(labels)[index]


def _recording(builder, seen):
    def model(X, y, **kwargs):
        seen.append((X, y))
        return builder(X, y, **kwargs)

    return model


def _weights(model):
    return [np.asarray(w) for w in model.get_weights()]


# ---------------------------------------------------------------- encoding
@trainable
def test_classifier_one_hot_encodes_sorted_classes_and_decodes_by_argmax():
    X, y = _blobs(labels=("dog", "cat", "emu"))
    seen = []
    clf = SKLearnClassifier(_recording(softmax_classifier, seen), fit_kwargs=QUIET_FIT).fit(X, y)
    assert clf.classes_.tolist() == ["cat", "dog", "emu"]
    _, y_model = seen[0]
    expected = (y[:, None] == np.array(["cat", "dog", "emu"])[None, :]).astype("float64")
    np.testing.assert_array_equal(y_model, expected)
    scores = clf.decision_function(X)
    np.testing.assert_allclose(scores, clf.model_.predict(X, verbose=0), rtol=1e-6)
    assert scores.shape == (40, 3)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[np.argmax(scores, axis=1)])
    np.testing.assert_allclose(clf.predict_proba(X), scores, rtol=1e-6)
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0, rtol=1e-5)
    assert clf.score(X, y) == pytest.approx(np.mean(clf.predict(X) == y))


@trainable
def test_classifier_learns_a_separable_problem():
    X, y = _blobs()
    clf = SKLearnClassifier(softmax_classifier, model_kwargs={"learning_rate": 0.1},
                            fit_kwargs={**QUIET_FIT, "epochs": 30})
    assert clf.fit(X, y).score(X, y) > 0.9


@trainable
def test_regressor_trains_on_a_column_and_predicts_1d():
    X, _ = _blobs()
    target = X @ np.array([1.0, -2.0, 0.5, 0.0])
    seen = []
    reg = SKLearnRegressor(_recording(dense_model, seen), fit_kwargs=QUIET_FIT).fit(X, target)
    np.testing.assert_allclose(seen[0][1], target[:, None])
    prediction = reg.predict(X)
    assert prediction.shape == (40,)
    np.testing.assert_allclose(prediction, reg.model_.predict(X, verbose=0)[:, 0], rtol=1e-6)
    residual = np.sum((target - prediction) ** 2)
    assert reg.score(X, target) == pytest.approx(1 - residual / np.sum((target - target.mean()) ** 2), rel=1e-5)


@trainable
def test_transformer_outputs_the_model_outputs():
    X, _ = _blobs()
    tr = SKLearnTransformer(dense_model, fit_kwargs=QUIET_FIT).fit(X, X[:, 0])
    np.testing.assert_allclose(tr.transform(X), tr.model_.predict(X, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(tr.fit_transform(X, X[:, 0]), tr.transform(X), rtol=1e-6)


@trainable
def test_feature_names_in_from_a_dataframe():
    pandas = require("pandas")
    X, y = _blobs()
    frame = pandas.DataFrame(X, columns=["a", "b", "c", "d"])
    clf = SKLearnClassifier(softmax_classifier, fit_kwargs=QUIET_FIT).fit(frame, y)
    assert clf.n_features_in_ == 4
    assert clf.feature_names_in_.tolist() == ["a", "b", "c", "d"]
    with pytest.warns(UserWarning, match="fitted with feature names"), pytest.raises(ValueError, match="3 features"):
        clf.predict(X[:, :3])


# ----------------------------------------------------- scikit-learn tools
@trainable
def test_pipeline_gridsearch_and_cross_val_score():
    X, y = _blobs()
    pipe = make_pipeline(StandardScaler(), SKLearnClassifier(softmax_classifier, fit_kwargs=QUIET_FIT))
    grid = {"sklearnclassifier__model_kwargs": [{"learning_rate": 1e-5}, {"learning_rate": 0.1}],
            "sklearnclassifier__fit_kwargs": [{**QUIET_FIT, "epochs": 10}]}
    search = GridSearchCV(pipe, grid, cv=2).fit(X, y)
    assert len(search.cv_results_["params"]) == 2
    # Only the larger learning rate learns the clusters in 10 epochs: the search must find it.
    assert search.best_params_["sklearnclassifier__model_kwargs"] == {"learning_rate": 0.1}
    assert search.cv_results_["mean_test_score"][1] > 0.9 > search.cv_results_["mean_test_score"][0]
    assert search.best_estimator_[-1].epoch_ == 10
    scores = cross_val_score(pipe, X, y, cv=2)
    assert scores.shape == (2,) and np.all((scores >= 0) & (scores <= 1))


@trainable
def test_predict_proba_serves_probability_scorers_on_binary_problems():
    X, y = _blobs(labels=("no", "yes"))
    scores = cross_val_score(SKLearnClassifier(softmax_classifier, model_kwargs={"learning_rate": 0.1},
                                               fit_kwargs={**QUIET_FIT, "epochs": 10}),
                             X, y, cv=2, scoring="roc_auc_ovr")
    assert scores.shape == (2,) and np.all(scores > 0.9)


def test_clone_keeps_every_parameter():
    model_kwargs, fit_kwargs = {"hidden": 3}, {"epochs": 2, "verbose": 0}
    est = SKLearnRegressor(dense_model, warm_start=True, model_kwargs=model_kwargs, fit_kwargs=fit_kwargs)
    copy = clone(est)
    # Keras 3.15's clone drops fit_kwargs; cornu keeps them, as scikit-learn's contract asks.
    assert copy.get_params() == est.get_params()
    assert copy.fit_kwargs is not fit_kwargs


@trainable
def test_clone_of_a_fitted_estimator_is_unfitted_and_copies_a_model_instance():
    X, y = _blobs()
    instance = softmax_classifier(X, np.eye(3)[np.arange(40) % 3])
    est = SKLearnClassifier(instance, fit_kwargs=QUIET_FIT).fit(X, y)
    copy = clone(est)
    assert not hasattr(copy, "model_") and not hasattr(copy, "classes_")
    assert isinstance(copy.model, cornu.Model) and copy.model is not instance
    for ours, theirs in zip(_weights(copy.model), _weights(instance)):
        np.testing.assert_array_equal(ours, theirs)


# ------------------------------------------------------- pickle, warm start
@trainable
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_pickle_round_trip_keeps_predictions_and_stores_no_python_model(kind):
    X, y = _blobs()
    if kind == "classifier":
        est = SKLearnClassifier(softmax_classifier, fit_kwargs=QUIET_FIT).fit(X, y)
    else:
        # A compiled train step (the JAX default), which Python's pickle cannot store.
        est = SKLearnRegressor(dense_model, model_kwargs={"run_eagerly": False}, fit_kwargs=QUIET_FIT).fit(X, X[:, 1])
    data = pickle.dumps(est)
    # The model travels as `.keras` bytes: no cornu layer or model class is named in the pickle.
    modules = {arg for _, arg, _ in pickletools.genops(data) if isinstance(arg, str) and arg.startswith("cornu.")}
    assert "cornu.wrappers.model_pickling" in modules
    assert all(name.startswith("cornu.wrappers.") or name == "cornu.callbacks.history" for name in modules), modules
    restored = pickle.loads(data)
    assert restored.model_ is not est.model_
    np.testing.assert_allclose(restored.predict(X) if kind == "regressor" else restored.predict_proba(X),
                               est.predict(X) if kind == "regressor" else est.predict_proba(X), rtol=1e-6)
    assert restored.history_.history.keys() == est.history_.history.keys()
    assert restored.history_.model is restored.model_
    assert int(restored.model_.optimizer.iterations.numpy()) == int(est.model_.optimizer.iterations.numpy())


@trainable
def test_warm_start_continues_training_as_one_longer_fit():
    X, _ = _blobs()
    target = X[:, 0] - X[:, 2]
    warm = SKLearnRegressor(dense_model, warm_start=True, fit_kwargs=QUIET_FIT).fit(X, target)
    first_model = warm.model_
    warm.fit(X, target)
    assert warm.model_ is first_model and warm.epoch_ == 2
    assert int(warm.model_.optimizer.iterations.numpy()) == 4  # 2 epochs x 2 batches
    once = SKLearnRegressor(dense_model, fit_kwargs={**QUIET_FIT, "epochs": 2}).fit(X, target)
    for ours, theirs in zip(_weights(warm.model_), _weights(once.model_)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)

    cold = SKLearnRegressor(dense_model, fit_kwargs=QUIET_FIT).fit(X, target)
    first_model = cold.model_
    cold.fit(X, target)
    assert cold.model_ is not first_model and cold.epoch_ == 1


@trainable
def test_fit_arguments_override_fit_kwargs_without_changing_them():
    X, _ = _blobs()
    fit_kwargs = dict(QUIET_FIT)
    est = SKLearnRegressor(dense_model, fit_kwargs=fit_kwargs).fit(X, X[:, 0], epochs=3)
    assert est.epoch_ == 3 and len(est.history_.history["loss"]) == 3
    assert fit_kwargs == QUIET_FIT and est.fit_kwargs is fit_kwargs


@trainable
def test_pickle_keeps_a_model_instance_shared_by_model_and_model_():
    X, y = _blobs()
    instance = softmax_classifier(X, np.eye(3)[np.arange(40) % 3])
    est = SKLearnClassifier(instance, warm_start=True, fit_kwargs=QUIET_FIT).fit(X, y)
    restored = pickle.loads(pickle.dumps(est))
    assert restored.model is restored.model_ and isinstance(restored.model, cornu.Model)
    np.testing.assert_allclose(restored.predict_proba(X), est.predict_proba(X), rtol=1e-6)


@trainable
def test_warm_start_after_unpickling_continues_with_the_optimizer_state():
    X, _ = _blobs()
    target = X[:, 0]
    est = pickle.loads(pickle.dumps(SKLearnRegressor(dense_model, warm_start=True, fit_kwargs=QUIET_FIT)
                                    .fit(X, target)))
    est.fit(X, target)
    assert int(est.model_.optimizer.iterations.numpy()) == 4
    once = SKLearnRegressor(dense_model, fit_kwargs={**QUIET_FIT, "epochs": 2}).fit(X, target)
    for ours, theirs in zip(_weights(est.model_), _weights(once.model_)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


@trainable
def test_a_model_instance_is_cloned_for_each_fit_unless_warm_start():
    X, y = _blobs()
    instance = softmax_classifier(X, np.eye(3)[np.arange(40) % 3])
    before = _weights(instance)
    est = SKLearnClassifier(instance, fit_kwargs=QUIET_FIT).fit(X, y)
    assert est.model_ is not instance and est.model_.loss == instance.loss
    for ours, theirs in zip(_weights(instance), before):
        np.testing.assert_array_equal(ours, theirs)
    warm = SKLearnClassifier(instance, warm_start=True, fit_kwargs=QUIET_FIT).fit(X, y)
    assert warm.model_ is instance


@trainable
def test_warm_start_refuses_new_classes():
    X, y = _blobs()
    clf = SKLearnClassifier(softmax_classifier, warm_start=True, fit_kwargs=QUIET_FIT).fit(X, y)
    with pytest.raises(ValueError, match=r"warm_start=True.*Received: unseen classes \['fox'\]"):
        clf.fit(X, np.where(y == "cat", "fox", y))


@trainable
def test_set_fit_request_routes_sample_weight_through_a_pipeline():
    X, _ = _blobs()
    target = X[:, 3]
    weights = np.linspace(0.0, 2.0, 40)
    direct = SKLearnRegressor(dense_model, fit_kwargs=QUIET_FIT).fit(X, target, sample_weight=weights)
    with sklearn.config_context(enable_metadata_routing=True):
        est = SKLearnRegressor(dense_model, fit_kwargs=QUIET_FIT).set_fit_request(sample_weight=True)
        pipe = make_pipeline(est).fit(X, target, sample_weight=weights)
    for ours, theirs in zip(_weights(pipe[-1].model_), _weights(direct.model_)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    unweighted = SKLearnRegressor(dense_model, fit_kwargs=QUIET_FIT).fit(X, target)
    assert not np.allclose(_weights(unweighted.model_)[0], _weights(direct.model_)[0])


def test_set_fit_request_needs_metadata_routing():
    with pytest.raises(RuntimeError, match=r"enable_metadata_routing=True.*Received: sample_weight=True"):
        SKLearnRegressor(dense_model).set_fit_request(sample_weight=True)


def test_tags_and_unfitted_state():
    est = SKLearnClassifier(softmax_classifier)
    tags = est.__sklearn_tags__()
    assert tags.non_deterministic and tags.estimator_type == "classifier" and tags.classifier_tags.poor_score
    assert SKLearnRegressor(dense_model).__sklearn_tags__().regressor_tags.poor_score
    assert SKLearnTransformer(dense_model).__sklearn_tags__().transformer_tags.preserves_dtype == []
    assert est.epoch_ == 0


# ------------------------------------------------------------------ errors
def test_predict_before_fit_raises_not_fitted():
    X, _ = _blobs()
    for est in (SKLearnClassifier(softmax_classifier), SKLearnRegressor(dense_model),
                SKLearnTransformer(dense_model)):
        for method in ("predict", "decision_function", "predict_proba", "transform"):
            if hasattr(est, method):
                with pytest.raises(NotFittedError, match="not fitted yet"):
                    getattr(est, method)(X)


@pytest.mark.parametrize("model, error, message", [
    (3, TypeError, r"must be a compiled Keras `Model`, or a callable.*Received: model=3 \(of type int\)"),
    (not_a_model, TypeError, r"callable must return a compiled Keras `Model`.*Received: 'not a model' \(of type str\)"),
    (uncompiled_model, RuntimeError, r"needs to be compiled.*model.compile.*Received: model .* compiled=False"),
])
def test_a_bad_model_argument_is_explained(model, error, message):
    X, _ = _blobs()
    est = SKLearnRegressor(model)
    with pytest.raises(error, match=message):
        est.fit(X, X[:, 0])
    with pytest.raises(NotFittedError):  # a failed fit leaves the estimator unfitted
        est.predict(X)


def test_model_kwargs_with_a_model_instance_is_refused():
    X, y = _blobs()
    instance = softmax_classifier(X, np.eye(3)[np.arange(40) % 3])
    with pytest.raises(ValueError, match=r"`model_kwargs` are arguments for a `model` callable.*Received: "
                                         r"model_kwargs=\{'hidden': 2\}"):
        SKLearnClassifier(instance, model_kwargs={"hidden": 2}).fit(X, y)


def test_classifier_target_errors():
    X, y = _blobs()
    clf = SKLearnClassifier(softmax_classifier, fit_kwargs=QUIET_FIT)
    with pytest.raises(ValueError, match=r"use SKLearnRegressor for a continuous target.*'continuous'"):
        clf.fit(X, X[:, 0])
    with pytest.raises(ValueError, match=r"only one class.*Received: y with the single class 'cat'"):
        clf.fit(X, np.full(40, "cat"))
    with pytest.raises(ValueError, match=r"Unknown label type.*Received: y of dtype object"):
        clf.fit(X, np.array([{"a": 1}] * 40, dtype=object))
    with pytest.raises(ValueError, match="requires y to be passed"):
        SKLearnTransformer(dense_model).fit(X, None)


@trainable
def test_classifier_output_errors():
    X, y = _blobs()
    one_unit = SKLearnClassifier(single_output_model, fit_kwargs=QUIET_FIT).fit(X, y)
    with pytest.raises(ValueError, match=r"one model output per class \(3 classes.*Received: outputs of shape "
                                         r"\(40, 1\)"):
        one_unit.predict(X)
    linear = SKLearnClassifier(softmax_classifier, model_kwargs={"activation": None},
                               fit_kwargs=QUIET_FIT).fit(X, y)
    with pytest.raises(ValueError, match=r"not in \[0, 1\].*activation='softmax'.*Received: outputs between"):
        linear.predict_proba(X * 100)
    np.testing.assert_allclose(linear.decision_function(X), linear.model_.predict(X, verbose=0), rtol=1e-6)
