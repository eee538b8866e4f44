import numpy as np
import pytest

from cornu import backend
from cornu.utils import normalize
from cornu.utils import to_categorical


@pytest.mark.parametrize(
    "labels, num_classes",
    [([0, 2, 1, 2], None), ([0, 2, 1, 2], 5), ([[1], [0], [3]], None), ([[0, 1], [2, 1]], 3), (np.array(4), 6)],
)
def test_to_categorical_matches_keras(keras_ref, labels, num_classes):
    expected = keras_ref.utils.to_categorical(labels, num_classes=num_classes)
    actual = to_categorical(labels, num_classes=num_classes)
    assert isinstance(actual, np.ndarray)
    assert actual.dtype == expected.dtype == np.float64
    np.testing.assert_array_equal(actual, expected)


def test_to_categorical_backend_tensor():
    x = backend.convert_to_tensor(np.array([[2], [0], [1]]), dtype="int32")
    y = to_categorical(x, num_classes=4)
    # NumPy arrays (the numpy backend's tensors) take the NumPy path everywhere.
    expected_dtype = "float64" if isinstance(x, np.ndarray) else "float32"
    assert backend.standardize_dtype(y.dtype) == expected_dtype
    np.testing.assert_array_equal(backend.convert_to_numpy(y), np.eye(4)[[2, 0, 1]])
    np.testing.assert_array_equal(backend.convert_to_numpy(to_categorical(x)), np.eye(3)[[2, 0, 1]])


def test_to_categorical_rejects_out_of_range_labels():
    with pytest.raises(ValueError, match="num_classes"):
        to_categorical([0, 3], num_classes=3)
    with pytest.raises(ValueError, match="num_classes"):
        to_categorical([-1, 1])


@pytest.mark.parametrize("axis, order", [(-1, 2), (0, 2), (1, 1), (-1, 3)])
def test_normalize_numpy_matches_keras(keras_ref, axis, order):
    x = np.array([[3.0, 4.0, 0.0], [0.0, 0.0, 0.0], [1.0, -2.0, 2.0]])
    expected = keras_ref.utils.normalize(x, axis=axis, order=order)
    actual = normalize(x, axis=axis, order=order)
    np.testing.assert_allclose(actual, expected, rtol=1e-12)
    assert not np.isnan(actual).any()  # the all-zero row stays zero


@pytest.mark.parametrize("order", [1, 2])
def test_normalize_backend_tensor(order):
    x_np = np.array([[3.0, 4.0], [1.0, -1.0]], dtype="float32")
    y = normalize(backend.convert_to_tensor(x_np), axis=-1, order=order)
    norm = np.linalg.norm(x_np, ord=order, axis=-1, keepdims=True)
    np.testing.assert_allclose(backend.convert_to_numpy(y), x_np / norm, rtol=1e-6)
