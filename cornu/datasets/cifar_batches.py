"""Reading the pickled batch files of CIFAR-10 and CIFAR-100 ("python version" archives).

A batch is a Python 2 pickle of a dict with bytes keys: ``b"data"``, a uint8 array of shape
``(n, 3072)`` (1024 red, 1024 green, then 1024 blue values of a 32x32 image, row by row), and
the labels (``b"labels"``, or ``b"fine_labels"`` / ``b"coarse_labels"``) as a list of ints.

Example:
>>> images, labels = load_batch(path)
>>> images.shape
(10000, 3, 32, 32)
"""

from cornu.backend import config
from cornu.datasets.safe_loading import load_pickle


def load_batch(path, label_key="labels"):
    """``(images, labels)`` of one batch file: uint8 ``(n, 3, 32, 32)`` and the list of labels."""
    batch = {key.decode("utf8"): value for key, value in load_pickle(path, encoding="bytes").items()}
    data = batch["data"]
    return data.reshape(data.shape[0], 3, 32, 32), batch[label_key]


def to_image_data_format(images):
    """Channels-first batch images in the layout of ``keras.config.image_data_format()``."""
    if config.image_data_format() == "channels_last":
        return images.transpose(0, 2, 3, 1)
    return images
