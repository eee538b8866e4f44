"""Where each downloadable dataset file comes from, and its expected hash.

The URLs and hashes are Keras 3.15's, so ``cornu.datasets.<name>.load_data()`` fetches the same
files and checks them the same way (the Fashion-MNIST files have no hash in Keras either).
Files land in ``$CORNU_HOME/datasets`` (default ``~/.cornu/datasets``), as
:func:`cornu.utils.get_file` caches them.

:func:`mirror` points every dataset at another server for a while: a local mirror on a machine
without internet, or the loopback server of the tests, with the hashes of the files it serves.

Example:
>>> with cornu.datasets.dataset_sources.mirror("http://datasets.internal/keras/"):
...     (x_train, y_train), _ = cornu.datasets.mnist.load_data()
"""

import contextlib

from cornu.utils.file_download import get_file

KERAS_DATASETS_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
CIFAR_URL = "https://www.cs.toronto.edu/~kriz/"

# file name -> (base URL, expected hash: sha256 (64 hex digits), md5 (32), or None)
SOURCES = {
    "mnist.npz": (KERAS_DATASETS_URL, "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"),
    "train-labels-idx1-ubyte.gz": (KERAS_DATASETS_URL, None),
    "train-images-idx3-ubyte.gz": (KERAS_DATASETS_URL, None),
    "t10k-labels-idx1-ubyte.gz": (KERAS_DATASETS_URL, None),
    "t10k-images-idx3-ubyte.gz": (KERAS_DATASETS_URL, None),
    "cifar-10-python.tar.gz": (CIFAR_URL, "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"),
    "cifar-100-python.tar.gz": (CIFAR_URL, "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"),
    "imdb.npz": (KERAS_DATASETS_URL, "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"),
    "imdb_word_index.json": (KERAS_DATASETS_URL, "bfafd718b763782e994055a2d397834f"),
    "reuters.npz": (KERAS_DATASETS_URL, "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"),
    "reuters_word_index.json": (KERAS_DATASETS_URL, "4d44cc38712099c9e383dc6e5f11a921"),
    "boston_housing.npz": (KERAS_DATASETS_URL,
                           "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"),
    "california_housing.npz": (KERAS_DATASETS_URL,
                               "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"),
}

_MIRROR = {"base_url": None, "hashes": {}}


@contextlib.contextmanager
def mirror(base_url, file_hashes=None):
    """Fetches every dataset file from ``base_url + <file name>`` inside the ``with`` block.

    Args:
        base_url: the folder URL that serves the files under their usual names
            (``mnist.npz``, ``cifar-10-python.tar.gz``, ...).
        file_hashes: ``{file name: hash}`` for files that differ from the originals (``None``
            as a hash skips the check); other files must match Keras's hashes.

    Example:
    >>> with mirror("http://127.0.0.1:8000/", {"mnist.npz": "5d41402abc4b2a76b9719d911017c592"}):
    ...     cornu.datasets.mnist.load_data()
    """
    previous = dict(_MIRROR)
    _MIRROR["base_url"] = base_url if base_url.endswith("/") else base_url + "/"
    _MIRROR["hashes"] = dict(file_hashes or {})
    try:
        yield
    finally:
        _MIRROR.update(previous)


def origin_and_hash(file_name):
    """The URL and expected hash of a dataset file, following an active :func:`mirror`."""
    base_url, file_hash = SOURCES[file_name]
    if _MIRROR["base_url"] is not None:
        base_url = _MIRROR["base_url"]
        file_hash = _MIRROR["hashes"].get(file_name, file_hash)
    return base_url + file_name, file_hash


def fetch(file_name, fname=None, cache_subdir="datasets", extract=False):
    """The local path of a dataset file (downloaded and checked on first use).

    Example:
    >>> fetch("mnist.npz")
    '/home/me/.cornu/datasets/mnist.npz'
    """
    origin, file_hash = origin_and_hash(file_name)
    return get_file(fname=file_name if fname is None else fname, origin=origin, file_hash=file_hash,
                    cache_subdir=cache_subdir, extract=extract)
