"""The ``weights=`` argument of the application builders: Keras's checks, and the download of a
published weights file (here from a loopback server, under a real Keras file name, with the
fixture's own hash in place of the real one): fetched once, cached, hash-checked, loaded.
"""

import hashlib
import importlib
import os

import numpy as np
import pytest

import cornu
from cornu.applications.pretrained_weights import check_weights_argument, load_pretrained_weights
from tests.applications.legacy_weights_helpers import batch, randomize, save_legacy_weights, small_convnet
from tests.helpers.applications_reference import assert_close_outputs, predict, prefetch
from tests.helpers.loopback_server import LoopbackServer

FILE_NAME = "mobilenet_1_0_128_tf_no_top.h5"


def test_valid_weights_arguments_pass(tmp_path):
    path = tmp_path / "weights.h5"
    path.write_bytes(b"")
    for weights in (None, "imagenet", str(path), path):
        check_weights_argument(weights, 1000, True, "mobilenet")
    check_weights_argument("imagenet", 10, False, "mobilenet")  # a new head: any class count
    check_weights_argument(None, 10, True, "mobilenet")


def test_unknown_weights_raise_keras_error(keras_ref, tmp_path):
    missing = str(tmp_path / "missing.h5")
    with pytest.raises(ValueError) as theirs:
        keras_ref.applications.DenseNet121(weights=missing)
    with pytest.raises(ValueError) as ours:
        check_weights_argument(missing, 1000, True, "densenet121")
    assert str(ours.value).startswith(str(theirs.value))
    assert missing in str(ours.value)


def test_imagenet_with_other_classes_raises_keras_error(keras_ref):
    with pytest.raises(ValueError) as theirs:
        keras_ref.applications.ConvNeXtTiny(weights="imagenet", classes=10)
    with pytest.raises(ValueError) as ours:
        check_weights_argument("imagenet", 10, True, "convnext_tiny")
    assert str(ours.value) == str(theirs.value)


@pytest.fixture(scope="module")
def served_file(_keras_module, tmp_path_factory):
    """``(bytes, sha256, expected predictions)`` of a legacy weights file written by the real Keras."""
    _keras_module.backend.clear_session(free_memory=False)
    reference = small_convnet(_keras_module)
    randomize(reference)
    path = save_legacy_weights(_keras_module, reference, tmp_path_factory.mktemp("served") / "served.h5",
                               top_level_group=False)
    with open(path, "rb") as f:
        body = f.read()
    return body, hashlib.sha256(body).hexdigest(), np.asarray(reference.predict(batch(), verbose=0))


@pytest.fixture
def published_file(served_file, tmp_path, monkeypatch):
    """The served file, with cornu's cache in this test's tmp_path."""
    monkeypatch.setenv("CORNU_HOME", str(tmp_path / "cornu_home"))
    return served_file


def _cache_dir(tmp_path, subdir="models"):
    return tmp_path / "cornu_home" / subdir


def test_imagenet_weights_download_once_cached_and_load(published_file, tmp_path):
    body, sha256, expected = published_file
    with LoopbackServer({f"/{FILE_NAME}": body}) as server:
        model = small_convnet(cornu)
        path = load_pretrained_weights(model, "imagenet", file_name=FILE_NAME, file_hash=sha256,
                                       base_url=server.url())
        assert path == str(_cache_dir(tmp_path) / FILE_NAME)
        np.testing.assert_allclose(np.asarray(model.predict(batch(), verbose=0)), expected, rtol=1e-5, atol=1e-6)
        again = small_convnet(cornu)
        load_pretrained_weights(again, "imagenet", file_name=FILE_NAME, file_hash=sha256, base_url=server.url())
        np.testing.assert_allclose(np.asarray(again.predict(batch(), verbose=0)), expected, rtol=1e-5, atol=1e-6)
        assert server.hits[f"/{FILE_NAME}"] == 1  # the second model came from the cache


def test_wrong_hash_is_refused_and_nothing_is_cached(published_file, tmp_path):
    body, sha256, _ = published_file
    wrong = hashlib.sha256(b"another file").hexdigest()
    with LoopbackServer({f"/{FILE_NAME}": body}) as server:
        model = small_convnet(cornu)
        before = [np.array(cornu.ops.convert_to_numpy(w.value)) for w in model.weights]
        with pytest.raises(ValueError, match="hash"):
            load_pretrained_weights(model, "imagenet", file_name=FILE_NAME, file_hash=wrong, base_url=server.url())
    assert os.listdir(_cache_dir(tmp_path)) == []
    for expected, weight in zip(before, model.weights):
        np.testing.assert_array_equal(cornu.ops.convert_to_numpy(weight.value), expected)


def test_cache_subdir_and_local_path(published_file, tmp_path):
    body, sha256, expected = published_file
    with LoopbackServer({f"/{FILE_NAME}": body}) as server:
        path = load_pretrained_weights(small_convnet(cornu), "imagenet", file_name=FILE_NAME, file_hash=sha256,
                                       base_url=server.url(), cache_subdir="my_models")
    assert path == str(_cache_dir(tmp_path, "my_models") / FILE_NAME)
    model = small_convnet(cornu)
    assert load_pretrained_weights(model, path, file_name=FILE_NAME, file_hash=sha256, base_url="unused/") == path
    np.testing.assert_allclose(np.asarray(model.predict(batch(), verbose=0)), expected, rtol=1e-5, atol=1e-6)


def test_none_keeps_the_initialization():
    model = small_convnet(cornu)
    before = [np.array(cornu.ops.convert_to_numpy(w.value)) for w in model.weights]
    assert load_pretrained_weights(model, None, file_name=FILE_NAME, file_hash="0" * 64, base_url="unused/") is None
    for expected, weight in zip(before, model.weights):
        np.testing.assert_array_equal(cornu.ops.convert_to_numpy(weight.value), expected)


def test_a_builder_downloads_its_published_file_name(tmp_path, monkeypatch):
    """`MobileNet(weights="imagenet")` end to end: weights saved by the real Keras in the published
    layout, served under Keras's file name from (a stand-in for) Keras's URL, give Keras's predictions."""
    kwargs = {"input_shape": (32, 32, 3), "alpha": 0.25, "include_top": False, "pooling": "avg"}
    (folder,) = prefetch([("MobileNet", kwargs, (2, 32, 32, 3))])  # the same job as test_mobilenet.py's
    body = (folder / "weights.h5").read_bytes()
    reference = np.load(folder / "reference.npz")
    mobilenet = importlib.import_module("cornu.applications.mobilenet")
    monkeypatch.setenv("CORNU_HOME", str(tmp_path / "cornu_home"))
    # 32x32 has no published file: as in Keras, the 224x224 one is used (same weights without the top).
    with LoopbackServer({"/mobilenet_2_5_224_tf_no_top.h5": body}) as server:
        monkeypatch.setattr(mobilenet, "BASE_WEIGHT_PATH", server.url())
        with pytest.warns(UserWarning, match="224"):
            model = cornu.applications.MobileNet(weights="imagenet", **kwargs)
    assert server.hits["/mobilenet_2_5_224_tf_no_top.h5"] == 1
    assert (tmp_path / "cornu_home" / "models" / "mobilenet_2_5_224_tf_no_top.h5").is_file()
    assert_close_outputs(predict(model, reference["x"]), reference["y"], "MobileNet(weights='imagenet')")
