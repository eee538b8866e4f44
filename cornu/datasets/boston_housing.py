"""Boston housing prices (``keras.datasets.boston_housing``): 506 districts, 13 features each.

The data includes a feature built on the assumption that racial self-segregation affects
house prices; use it, if at all, to discuss ethics in data science.
"""

import numpy as np

from cornu.datasets.dataset_sources import fetch
from cornu.datasets.housing_split import check_test_split, split
from cornu.serialization.registry import keras_export


@keras_export("keras.datasets.boston_housing.load_data")
def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Loads the Boston housing data, downloading it on first use (into ``~/.cornu/datasets``).

    Args:
        path: the file's name in the cache folder.
        test_split: the fraction of the (shuffled) samples used as the test split.
        seed: the seed of the shuffle.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: features of shape ``(n, 13)`` and median prices
        in k$ of shape ``(n,)``.

    Example:
    >>> (x_train, y_train), (x_test, y_test) = cornu.datasets.boston_housing.load_data()
    >>> x_train.shape, x_test.shape
    ((404, 13), (102, 13))
    """
    check_test_split(test_split)
    with np.load(fetch("boston_housing.npz", fname=path), allow_pickle=False) as data:
        x, y = data["x"], data["y"]
    return split(x, y, test_split, seed)
