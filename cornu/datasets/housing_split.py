"""The seeded shuffle-and-split shared by the Boston and California housing datasets (as Keras).

Example:
>>> (x_train, y_train), (x_test, y_test) = split(x, y, test_split=0.2, seed=113)
"""

import numpy as np

from cornu.datasets.word_sequences import shuffled


def check_test_split(test_split):
    if not 0 <= test_split < 1:
        raise ValueError(f"Invalid `test_split` argument: it must be between 0 and 1 (1 excluded). "
                         f"Received: test_split={test_split}")


def split(x, y, test_split, seed):
    """``(x_train, y_train), (x_test, y_test)``: the first ``1 - test_split`` of a seeded shuffle."""
    x, y = shuffled(seed, x, y)
    n_train = int(len(x) * (1 - test_split))
    return (np.array(x[:n_train]), np.array(y[:n_train])), (np.array(x[n_train:]), np.array(y[n_train:]))
