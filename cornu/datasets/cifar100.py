"""CIFAR-100 (``keras.datasets.cifar100``): 32x32 color images in 100 classes grouped in 20."""

import os

import numpy as np

from cornu.datasets.cifar_batches import load_batch, to_image_data_format
from cornu.datasets.dataset_sources import fetch
from cornu.serialization.registry import keras_export


@keras_export("keras.datasets.cifar100.load_data")
def load_data(label_mode="fine"):
    """Loads CIFAR-100, downloading and extracting it on first use (into ``~/.cornu/datasets``).

    Args:
        label_mode: ``"fine"`` (100 classes) or ``"coarse"`` (20 superclasses).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images of shape ``(50000, 32, 32, 3)`` and
        ``(10000, 32, 32, 3)`` (channels first with ``image_data_format() == "channels_first"``)
        and int64 labels of shape ``(50000, 1)`` and ``(10000, 1)``.

    Example:
    >>> (x_train, y_train), _ = cornu.datasets.cifar100.load_data(label_mode="coarse")
    >>> int(y_train.max())
    19
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f'`label_mode` must be one of "fine", "coarse". Received: label_mode={label_mode}.')
    folder = os.path.join(fetch("cifar-100-python.tar.gz", fname="cifar-100-python-target", extract=True),
                          "cifar-100-python")
    splits = []
    for split in ("train", "test"):
        images, labels = load_batch(os.path.join(folder, split), label_key=f"{label_mode}_labels")
        splits.append((to_image_data_format(images), np.reshape(labels, (len(labels), 1))))
    return splits[0], splits[1]
