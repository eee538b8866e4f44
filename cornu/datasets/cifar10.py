"""CIFAR-10 (``keras.datasets.cifar10``): 50,000 + 10,000 32x32 color images in 10 classes.

Labels: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship, 9 truck.
"""

import os

import numpy as np

from cornu.datasets.cifar_batches import load_batch, to_image_data_format
from cornu.datasets.dataset_sources import fetch
from cornu.serialization.registry import keras_export


@keras_export("keras.datasets.cifar10.load_data")
def load_data():
    """Loads CIFAR-10, downloading and extracting it on first use (into ``~/.cornu/datasets``).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images of shape ``(50000, 32, 32, 3)`` and
        ``(10000, 32, 32, 3)`` (channels first with ``image_data_format() == "channels_first"``)
        and uint8 labels 0..9 of shape ``(50000, 1)`` and ``(10000, 1)``.

    Example:
    >>> (x_train, y_train), (x_test, y_test) = cornu.datasets.cifar10.load_data()
    >>> x_train.shape, y_train.shape
    ((50000, 32, 32, 3), (50000, 1))
    """
    folder = os.path.join(fetch("cifar-10-python.tar.gz", fname="cifar-10-batches-py-target", extract=True),
                          "cifar-10-batches-py")
    batches = [load_batch(os.path.join(folder, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([images for images, _ in batches]).astype("uint8")
    y_train = np.concatenate([np.asarray(labels) for _, labels in batches]).astype("uint8")
    x_test, y_test = load_batch(os.path.join(folder, "test_batch"))
    x_test = np.asarray(x_test, dtype="uint8")
    y_test = np.asarray(y_test, dtype="uint8")
    return ((to_image_data_format(x_train), y_train.reshape(-1, 1)),
            (to_image_data_format(x_test), y_test.reshape(-1, 1)))
