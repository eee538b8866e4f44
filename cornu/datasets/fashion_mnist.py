"""Fashion-MNIST (``keras.datasets.fashion_mnist``): 28x28 grayscale images of 10 kinds of clothing.

Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker,
8 Bag, 9 Ankle boot.
"""

import gzip
import os

import numpy as np

from cornu.datasets.dataset_sources import fetch
from cornu.serialization.registry import keras_export

# IDX files: a big-endian header (magic number, counts, sizes), then one uint8 per value.
_LABELS_HEADER_BYTES = 8
_IMAGES_HEADER_BYTES = 16


def _read_idx(path, header_bytes):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=header_bytes)


@keras_export("keras.datasets.fashion_mnist.load_data")
def load_data():
    """Loads Fashion-MNIST, downloading it on first use (into ``~/.cornu/datasets/fashion-mnist``).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images of shape ``(60000, 28, 28)`` and
        ``(10000, 28, 28)`` and uint8 labels 0..9.

    Example:
    >>> (x_train, y_train), (x_test, y_test) = cornu.datasets.fashion_mnist.load_data()
    >>> x_train.shape
    (60000, 28, 28)

    Fashion-MNIST is by Zalando SE, under the MIT license.
    """
    subdir = os.path.join("datasets", "fashion-mnist")
    splits = []
    for prefix in ("train", "t10k"):
        labels = _read_idx(fetch(f"{prefix}-labels-idx1-ubyte.gz", cache_subdir=subdir), _LABELS_HEADER_BYTES)
        images = _read_idx(fetch(f"{prefix}-images-idx3-ubyte.gz", cache_subdir=subdir), _IMAGES_HEADER_BYTES)
        splits.append((images.reshape(len(labels), 28, 28), labels))
    return splits[0], splits[1]
