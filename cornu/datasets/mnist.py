"""MNIST handwritten digits (``keras.datasets.mnist``): 60,000 + 10,000 28x28 grayscale images."""

import numpy as np

from cornu.datasets.dataset_sources import fetch
from cornu.serialization.registry import keras_export


@keras_export("keras.datasets.mnist.load_data")
def load_data(path="mnist.npz"):
    """Loads MNIST, downloading it on first use (into ``~/.cornu/datasets``).

    Args:
        path: the file's name in the cache folder.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images of shape ``(60000, 28, 28)`` and
        ``(10000, 28, 28)`` (pixels 0..255) and uint8 labels 0..9 of shape ``(60000,)`` and
        ``(10000,)``.

    Example:
    >>> (x_train, y_train), (x_test, y_test) = cornu.datasets.mnist.load_data()
    >>> x_train.shape, y_test.shape
    ((60000, 28, 28), (10000,))

    MNIST is by Yann LeCun and Corinna Cortes, under CC BY-SA 3.0.
    """
    with np.load(fetch("mnist.npz", fname=path), allow_pickle=False) as data:
        return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])
