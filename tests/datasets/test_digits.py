"""The bundled digits dataset (``cornu.datasets.digits``): shapes, labels, a deterministic split."""

from cornu.datasets import digits


def test_digits_dataset_is_bundled_and_split_deterministically():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    assert x_train.shape == (1438, 8, 8) and x_test.shape == (359, 8, 8)
    assert set(y_train.tolist()) == set(range(10))
    (x2, _), _ = digits.load_data()
    assert (x2 == x_train).all()
    assert x_train.max() == 16
