"""The 8x8 handwritten digits (1,797 images, 10 classes), bundled with cornu.

The data is the UCI "Optical Recognition of Handwritten Digits" test set, as
distributed with scikit-learn; pixel values are 0..16.
"""

import os

import numpy as np

_PATH = os.path.join(os.path.dirname(__file__), "data", "digits.npz")


def load_data(test_split=0.2, seed=113):
    """Returns ``(x_train, y_train), (x_test, y_test)``: uint8 images (n, 8, 8) and int labels.

    The split is a seeded shuffle, so it is the same on every machine.

    Example:
    >>> (x_train, y_train), (x_test, y_test) = cornu.datasets.digits.load_data()
    >>> x_train.shape
    (1438, 8, 8)
    """
    if not 0.0 < test_split < 1.0:
        raise ValueError(f"`test_split` must be in (0, 1). Received: test_split={test_split}")
    with np.load(_PATH) as data:
        images, labels = data["images"], data["labels"].astype("int64")
    order = np.random.default_rng(seed).permutation(len(labels))
    images, labels = images[order], labels[order]
    n_test = int(round(len(labels) * test_split))
    return (images[n_test:], labels[n_test:]), (images[:n_test], labels[:n_test])
