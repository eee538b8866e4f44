"""Tiny stand-ins for Keras's dataset files, in the real formats, built in memory.

``dataset_files()`` returns ``{file name: bytes}`` for every file ``cornu.datasets`` downloads
(an ``.npz`` per dataset, Fashion-MNIST's gzipped IDX files, the CIFAR "python version" tarballs
with pickled batches, the word-index JSON files), small enough to build in milliseconds;
``sha256(data)`` gives the hashes to pass to ``cornu.datasets.dataset_sources.mirror``.

Example::

    files = dataset_files()
    with np.load(io.BytesIO(files["mnist.npz"])) as data:
        data["x_train"].shape    # (5, 28, 28)
"""

import gzip
import hashlib
import io
import json
import pickle
import struct
import tarfile

import numpy as np


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def _npz(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _ragged(rng, count, vocabulary):
    # Lengths all differ from their neighbours, so NumPy keeps a 1-D object array.
    sequences = np.empty(count, dtype="object")
    for i in range(count):
        sequences[i] = [int(w) for w in rng.integers(1, vocabulary, size=3 + (i * 7) % 11)]
    return sequences


def _idx(values, dims):
    magic = 0x0800 | len(dims)
    header = struct.pack(">I" + "I" * len(dims), magic, *dims)
    return gzip.compress(header + values.astype(np.uint8).tobytes())


def _tar_gz(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            if data is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
                continue
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _cifar_batch(rng, count, label_keys):
    batch = {b"batch_label": b"training batch", b"data": rng.integers(0, 256, (count, 3072), dtype=np.uint8),
             b"filenames": [f"img_{i}.png".encode() for i in range(count)]}
    for key, classes in label_keys.items():
        batch[key] = [int(v) for v in rng.integers(0, classes, count)]
    # The real batches are Python 2 pickles, whose byte strings need no global; from Python 3 that
    # takes protocol 3 (protocol 2 would pickle bytes through `_codecs.encode`, which is refused).
    return pickle.dumps(batch, protocol=3)


def dataset_files(seed=0):
    """``{file name: bytes}`` for every dataset file, with tiny random contents."""
    rng = np.random.default_rng(seed)
    files = {}
    files["mnist.npz"] = _npz(x_train=rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
                              y_train=rng.integers(0, 10, 5, dtype=np.uint8),
                              x_test=rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
                              y_test=rng.integers(0, 10, 3, dtype=np.uint8))
    for prefix, count in (("train", 4), ("t10k", 2)):
        files[f"{prefix}-labels-idx1-ubyte.gz"] = _idx(rng.integers(0, 10, count), (count,))
        files[f"{prefix}-images-idx3-ubyte.gz"] = _idx(rng.integers(0, 256, (count, 28, 28)), (count, 28, 28))

    cifar10 = {"cifar-10-batches-py": None,
               "cifar-10-batches-py/batches.meta": pickle.dumps({b"label_names": [b"airplane"] * 10}, protocol=3)}
    for i in range(1, 6):
        cifar10[f"cifar-10-batches-py/data_batch_{i}"] = _cifar_batch(rng, 2, {b"labels": 10})
    cifar10["cifar-10-batches-py/test_batch"] = _cifar_batch(rng, 3, {b"labels": 10})
    files["cifar-10-python.tar.gz"] = _tar_gz(cifar10)
    labels100 = {b"fine_labels": 100, b"coarse_labels": 20}
    files["cifar-100-python.tar.gz"] = _tar_gz({
        "cifar-100-python": None,
        "cifar-100-python/train": _cifar_batch(rng, 4, labels100),
        "cifar-100-python/test": _cifar_batch(rng, 2, labels100),
    })

    files["imdb.npz"] = _npz(x_train=_ragged(rng, 8, 40), y_train=rng.integers(0, 2, 8),
                             x_test=_ragged(rng, 6, 40), y_test=rng.integers(0, 2, 6))
    files["reuters.npz"] = _npz(x=_ragged(rng, 11, 30), y=rng.integers(0, 46, 11))
    words = {f"word{i}": i for i in range(1, 40)}
    files["imdb_word_index.json"] = json.dumps(words).encode()
    files["reuters_word_index.json"] = json.dumps({"the": 1, **words}).encode()
    files["boston_housing.npz"] = _npz(x=rng.normal(size=(10, 13)), y=rng.uniform(10, 50, 10))
    files["california_housing.npz"] = _npz(x=rng.normal(size=(12, 8)).astype("float32"),
                                           y=rng.uniform(1e4, 5e5, 12).astype("float32"))
    return files
