"""``cornu.datasets``: each dataset downloads its (tiny, real-format) file from a loopback server
and parses it exactly as the real Keras 3.15.1 parses the same file.

The files come from ``tests.helpers.dataset_fixtures``; ``dataset_sources.mirror`` points the
datasets at the server with the fixtures' hashes. Keras reads the same files through a stand-in
for its ``get_file`` (its own downloader would insist on the real hashes).
"""

import importlib
import inspect
import io
import os
import pickle
import tarfile

import numpy as np
import pytest

import cornu
from cornu.backend import config
from cornu.datasets import dataset_sources

from tests.helpers.dataset_fixtures import dataset_files, sha256
from tests.helpers.loopback_server import LoopbackServer

pytestmark = pytest.mark.skipif(config.backend() != "jax", reason="backend-independent; runs once, in the jax pass")

FILES = dataset_files()


@pytest.fixture(scope="module")
def server():
    with LoopbackServer({f"/{name}": data for name, data in FILES.items()}) as running:
        yield running


@pytest.fixture
def mirrored(server, tmp_path, monkeypatch):
    """The datasets read from the loopback server into a fresh cache; yields the server."""
    monkeypatch.setenv("CORNU_HOME", str(tmp_path / "cornu_home"))
    server.hits.clear()
    with dataset_sources.mirror(server.url(), {name: sha256(data) for name, data in FILES.items()}):
        yield server


@pytest.fixture
def keras_datasets(keras_ref, tmp_path, monkeypatch):
    """``name -> keras.src.datasets.<name>`` reading the fixture files instead of downloading."""
    folder = tmp_path / "keras_files"
    folder.mkdir()

    def fake_get_file(fname=None, origin=None, extract=False, **kwargs):
        name = origin.rsplit("/", 1)[-1]
        path = folder / name
        path.write_bytes(FILES[name])
        if not extract:
            return str(path)
        target = folder / f"{name}_extracted"
        with tarfile.open(path) as tar:
            tar.extractall(target, filter="data")
        return str(target)

    def module(name):
        keras_module = importlib.import_module(f"keras.src.datasets.{name}")
        monkeypatch.setattr(keras_module, "get_file", fake_get_file)
        return keras_module

    return module


def _assert_same_splits(ours, theirs):
    for our_split, their_split in zip(ours, theirs):
        for a, b in zip(our_split, their_split):
            assert a.dtype == b.dtype and a.shape == b.shape
            if a.dtype == object:
                assert [list(s) for s in a] == [list(s) for s in b]
            else:
                np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name, kwargs", [
    ("mnist", {}),
    ("fashion_mnist", {}),
    ("cifar100", {"label_mode": "fine"}),
    ("cifar100", {"label_mode": "coarse"}),
    ("boston_housing", {}),
    ("boston_housing", {"test_split": 0.3, "seed": 7}),
    ("california_housing", {}),
    ("california_housing", {"version": "small", "test_split": 0.5, "seed": 1}),
    ("imdb", {}),
    ("imdb", {"num_words": 20, "skip_top": 3, "maxlen": 12, "seed": 5}),
    ("imdb", {"start_char": None, "oov_char": None, "index_from": 0, "num_words": 25}),
    ("reuters", {}),
    ("reuters", {"num_words": 15, "skip_top": 2, "maxlen": 11, "test_split": 0.4, "seed": 3}),
    ("reuters", {"start_char": None, "oov_char": None, "index_from": 0}),
])
def test_load_data_matches_real_keras_on_the_same_file(mirrored, keras_datasets, name, kwargs):
    ours = getattr(cornu.datasets, name).load_data(**kwargs)
    theirs = keras_datasets(name).load_data(**kwargs)
    _assert_same_splits(ours, theirs)


def test_mnist_arrays_are_the_files_arrays_and_a_cached_file_is_not_downloaded_again(mirrored):
    (x_train, y_train), (x_test, y_test) = cornu.datasets.mnist.load_data()
    with np.load(io.BytesIO(FILES["mnist.npz"])) as data:
        np.testing.assert_array_equal(x_train, data["x_train"])
        np.testing.assert_array_equal(y_test, data["y_test"])
    assert x_train.shape == (5, 28, 28) and x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    assert os.path.isfile(os.path.join(os.environ["CORNU_HOME"], "datasets", "mnist.npz"))
    cornu.datasets.mnist.load_data()
    assert mirrored.hits["/mnist.npz"] == 1


def _cifar10_reference(layout):
    with tarfile.open(fileobj=io.BytesIO(FILES["cifar-10-python.tar.gz"])) as tar:
        def batch(name):
            content = pickle.loads(tar.extractfile(f"cifar-10-batches-py/{name}").read(), encoding="bytes")
            return content[b"data"].reshape(-1, 3, 32, 32), np.array(content[b"labels"], "uint8")
        train = [batch(f"data_batch_{i}") for i in range(1, 6)]
        x_test, y_test = batch("test_batch")
    x_train = np.concatenate([x for x, _ in train])
    y_train = np.concatenate([y for _, y in train])
    if layout == "channels_last":
        x_train, x_test = x_train.transpose(0, 2, 3, 1), x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train[:, None]), (x_test, y_test[:, None])


@pytest.mark.parametrize("layout", ["channels_last", "channels_first"])
def test_cifar10_joins_the_five_batches_in_the_image_layout(mirrored, layout):
    # Keras's own loader assumes 5 x 10,000 images, so the tiny file is checked against NumPy.
    previous = cornu.config.image_data_format()
    cornu.config.set_image_data_format(layout)
    try:
        ours = cornu.datasets.cifar10.load_data()
    finally:
        cornu.config.set_image_data_format(previous)
    _assert_same_splits(ours, _cifar10_reference(layout))
    assert ours[0][0].shape == ((10, 32, 32, 3) if layout == "channels_last" else (10, 3, 32, 32))
    extracted = os.path.join(os.environ["CORNU_HOME"], "datasets", "cifar-10-batches-py-target")
    assert os.path.isdir(os.path.join(extracted, "cifar-10-batches-py"))
    assert os.path.isfile(extracted + "_archive")


def test_word_indices_and_label_names_match_keras(mirrored, keras_datasets):
    assert cornu.datasets.imdb.get_word_index() == keras_datasets("imdb").get_word_index()
    assert cornu.datasets.reuters.get_word_index() == keras_datasets("reuters").get_word_index()
    assert cornu.datasets.reuters.get_label_names() == keras_datasets("reuters").get_label_names()


def test_a_file_that_does_not_match_kerass_hash_is_refused_and_not_cached(server, tmp_path, monkeypatch):
    monkeypatch.setenv("CORNU_HOME", str(tmp_path))
    with dataset_sources.mirror(server.url()):  # the real Keras hash for mnist.npz
        with pytest.raises(ValueError, match="mnist.npz.*hash"):
            cornu.datasets.mnist.load_data()
    assert os.listdir(tmp_path / "datasets") == []


def test_argument_errors_match_keras(mirrored):
    with pytest.raises(ValueError, match="label_mode"):
        cornu.datasets.cifar100.load_data(label_mode="medium")
    with pytest.raises(ValueError, match="test_split"):
        cornu.datasets.boston_housing.load_data(test_split=1.0)
    with pytest.raises(ValueError, match="version"):
        cornu.datasets.california_housing.load_data(version="medium")
    with pytest.raises(ValueError, match="maxlen"):
        cornu.datasets.imdb.load_data(maxlen=2)


def test_the_real_urls_and_hashes_are_kerass(keras_ref):
    for file_name, (base_url, file_hash) in dataset_sources.SOURCES.items():
        origin, expected_hash = dataset_sources.origin_and_hash(file_name)
        assert origin == base_url + file_name and expected_hash == file_hash
        found = []
        for module in ("mnist", "fashion_mnist", "cifar10", "cifar100", "imdb", "reuters", "boston_housing",
                       "california_housing"):
            source = inspect.getsource(importlib.import_module(f"keras.src.datasets.{module}"))
            if file_name in source and base_url in source and (file_hash is None or file_hash in source):
                found.append(module)
        assert found, f"{file_name} ({base_url}, {file_hash}) is not how Keras 3.15.1 fetches it"
