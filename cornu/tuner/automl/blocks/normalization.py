"""``adapted_normalization``: a ``Normalization`` layer fitted to the training data."""

import numpy as np

from cornu import layers


def adapted_normalization(train_x, axis=-1):
    """A ``Normalization`` layer whose mean and variance are those of ``train_x`` along ``axis``.

    The statistics are computed once with NumPy and stored as the layer's adapted state, so the
    exported model carries them (and loads in Keras with them).

    Example:
    >>> norm = adapted_normalization(np.array([[1.0], [3.0]]))
    >>> norm(np.array([[2.0]]))  # mean 2, variance 1
    """
    layer = layers.Normalization(axis=axis)
    layer.adapt(np.asarray(train_x, dtype="float32"))
    return layer
