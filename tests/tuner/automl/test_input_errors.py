"""Bad inputs to the AutoML tasks fail before any search, with Keras-style messages (all backends)."""

import re

import numpy as np
import pytest

from cornu.tuner import automl
from cornu.tuner.automl.blocks import ClassificationHead, RegressionHead


def _fit_error(task, x, y, error=ValueError, **fit_kwargs):
    with pytest.raises(error) as info:
        task.fit(x, y, epochs=1, verbose=0, **fit_kwargs)
    return str(info.value)


def test_mismatched_lengths_name_both_shapes():
    message = _fit_error(automl.StructuredDataClassifier(), np.zeros((10, 3)), np.arange(9) % 2)
    assert "same number of samples" in message and "Received: x.shape=(10, 3), y.shape=(9,)" in message


@pytest.mark.parametrize("task_class, x, error, expected", [
    (automl.StructuredDataRegressor, np.zeros(10), ValueError, r"x.reshape\(-1, 1\).*Received: x.shape=\(10,\)"),
    (automl.StructuredDataRegressor, np.array([["a", "b"]] * 10), TypeError, r"Received: x with dtype <U1"),
    (automl.StructuredDataRegressor, np.full((10, 2), np.nan), ValueError, r"NaN.*Received: x with 20 non-finite"),
    (automl.ImageRegressor, np.zeros((10, 8)), ValueError, r"\(num_samples, height, width\).*x.shape=\(10, 8\)"),
    (automl.ImageRegressor, np.zeros((10, 2, 2), dtype=object), TypeError, r"Received: x with dtype object"),
    (automl.TextRegressor, np.zeros((10, 1)), TypeError, r"StructuredDataRegressor.*Received: x with dtype float64"),
    (automl.TextRegressor, np.array([["a", "b"]] * 10), ValueError, r"one string per sample.*x.shape=\(10, 2\)"),
    (automl.TextRegressor, "reviews.csv", ValueError, r"Received: x='reviews.csv'"),
])
def test_unsupported_inputs_say_what_the_task_takes(task_class, x, error, expected):
    message = _fit_error(task_class(), x, np.zeros(10), error=error)
    assert re.search(expected, message), message
    assert task_class.__name__ in message


def test_classifier_labels_are_checked():
    x = np.zeros((6, 2))
    assert "use the matching Regressor" in _fit_error(automl.StructuredDataClassifier(), x, np.linspace(0, 1, 6))
    assert "at least two classes" in _fit_error(automl.StructuredDataClassifier(), x, np.ones(6))
    assert "one-hot" in _fit_error(automl.StructuredDataClassifier(), x, np.ones((6, 3)))
    message = _fit_error(automl.StructuredDataClassifier(num_classes=3), x, np.arange(6) % 2)
    assert "holds 2 classes" in message and "Received: num_classes=3" in message
    message = _fit_error(automl.StructuredDataClassifier(), x, np.arange(6) % 2,
                         validation_data=(np.zeros((2, 2)), np.array([0, 5])))
    assert "Received: unknown labels [5]" in message


def test_search_settings_are_checked():
    with pytest.raises(ValueError, match=r"Received: tuner='greedy'"):
        automl.ImageClassifier(tuner="greedy")
    with pytest.raises(ValueError, match=r"Received: max_trials=0"):
        automl.TextClassifier(max_trials=0)
    with pytest.raises(ValueError, match=r"Received: block_type='vgg'"):
        automl.ImageClassifier(block_type="vgg")
    x, y = np.zeros((6, 2)), np.arange(6) % 2
    message = _fit_error(automl.StructuredDataClassifier(), x, y, validation_split=0)
    assert "needs validation data" in message and "objective='loss'" in message
    assert "leaves no samples" in _fit_error(automl.StructuredDataClassifier(), x, y, validation_split=0.01)
    assert "positive number of seconds" in _fit_error(automl.StructuredDataClassifier(), x, y, time_budget=-1)
    assert "Received: max_trials=1.5" in _fit_error(automl.StructuredDataClassifier(), x, y, max_trials=1.5)


def test_errors_leave_no_search_folder_behind(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # `directory=None` means the current folder
    x, y = np.zeros((6, 2)), np.arange(6) % 2
    for bad in ({"time_budget": 0}, {"validation_split": 0}, {"max_trials": -1}):
        _fit_error(automl.StructuredDataClassifier(), x, y, **bad)
    _fit_error(automl.StructuredDataClassifier(), x[:5], y)
    assert list(tmp_path.iterdir()) == []


def test_using_a_task_before_fit_says_to_fit():
    with pytest.raises(RuntimeError, match=r"call `fit\(x, y\)` first"):
        automl.TextClassifier().predict(np.array(["hello"]))
    with pytest.raises(RuntimeError, match=r"ImageRegressor.export_model\(\)"):
        automl.ImageRegressor().export_model()


def test_classification_head_encodes_and_decodes_each_label_form():
    sparse = ClassificationHead().adapt(np.array([7, 3, 9, 3]))
    assert sparse.loss == "sparse_categorical_crossentropy" and sparse.num_classes == 3
    np.testing.assert_array_equal(sparse.targets(np.array([3, 7, 9])), [0, 1, 2])
    np.testing.assert_array_equal(sparse.decode(np.eye(3)[[2, 0]]), [9, 3])

    column = ClassificationHead().adapt(np.array([["b"], ["a"], ["b"]]))
    assert column.loss == "binary_crossentropy"
    np.testing.assert_array_equal(column.targets(np.array(["a", "b"])), [[0.0], [1.0]])
    np.testing.assert_array_equal(column.decode(np.array([[0.2], [0.7]])), [["a"], ["b"]])

    one_hot = ClassificationHead().adapt(np.eye(2)[[0, 1, 1]])
    assert one_hot.loss == "categorical_crossentropy"
    np.testing.assert_array_equal(one_hot.decode(np.array([[0.3, 0.7]])), [[0.0, 1.0]])

    flags = ClassificationHead().adapt(np.array([True, False]))
    np.testing.assert_array_equal(flags.decode(np.array([[0.9]])), [True])


def test_regression_head_keeps_the_target_layout():
    flat = RegressionHead().adapt(np.arange(4.0))
    assert flat.output_dim == 1 and flat.targets(np.arange(2.0)).shape == (2, 1)
    np.testing.assert_array_equal(flat.decode(np.array([[1.5], [2.5]])), [1.5, 2.5])
    wide = RegressionHead().adapt(np.zeros((4, 3)))
    assert wide.output_dim == 3 and wide.decode(np.ones((2, 3))).shape == (2, 3)
    with pytest.raises(ValueError, match=r"Received: y.shape=\(2, 2\)"):
        wide.targets(np.zeros((2, 2)))
