"""California housing prices (``keras.datasets.california_housing``): 20,640 census block groups.

Features: median income, house age, average rooms, average bedrooms, population, average
occupancy, latitude, longitude; the target is the median house value in dollars.
"""

import numpy as np

from cornu.datasets.dataset_sources import fetch
from cornu.datasets.housing_split import check_test_split, split
from cornu.serialization.registry import keras_export

_SMALL_VERSION_SAMPLES = 600


@keras_export("keras.datasets.california_housing.load_data")
def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """Loads the California housing data, downloading it on first use (into ``~/.cornu/datasets``).

    Args:
        version: ``"large"`` (all 20,640 samples) or ``"small"`` (the first 600, a stand-in for
            the Boston housing data).
        path: the file's name in the cache folder.
        test_split: the fraction of the (shuffled) samples used as the test split.
        seed: the seed of the shuffle.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: features of shape ``(n, 8)`` and targets of
        shape ``(n,)``.

    Example:
    >>> (x_train, _), (x_test, _) = cornu.datasets.california_housing.load_data(version="small")
    >>> x_train.shape, x_test.shape
    ((480, 8), (120, 8))
    """
    check_test_split(test_split)
    with np.load(fetch("california_housing.npz", fname=path), allow_pickle=False) as data:
        x, y = data["x"], data["y"]
    if version == "small":
        x, y = x[:_SMALL_VERSION_SAMPLES], y[:_SMALL_VERSION_SAMPLES]
    elif version != "large":
        raise ValueError(f"Argument `version` must be one of 'small', 'large'. Received: version={version}")
    return split(x, y, test_split, seed)
