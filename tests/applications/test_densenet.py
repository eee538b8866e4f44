"""DenseNet (``cornu.applications.densenet``) against the real Keras 3.15.1.

DenseNet121 at 32x32 (its minimum) is built by Keras and by cornu: same layers, weights and
predictions; DenseNet169 and DenseNet201 are checked against Keras's
recorded default structures; bad arguments get Keras's errors. (The ``.keras`` round trip through
Keras is in test_inception.py, on the one family with a layer of its own.)
"""

import inspect
import re

import numpy as np
import pytest

import cornu
from cornu.applications import densenet, pretrained_weights

from tests.helpers.applications_reference import check_against_keras, check_structure

BATCH = (2, 32, 32, 3)
WITH_TOP = {"input_shape": (32, 32, 3), "classes": 5}


def test_densenet121_matches_keras():
    model, _ = check_against_keras("DenseNet121", WITH_TOP, BATCH)
    assert model.name == "densenet121"
    assert model.get_layer("conv5_block16_concat").output.shape == (None, 1, 1, 1024)


@pytest.mark.parametrize("builder", ["DenseNet169", "DenseNet201"])
def test_default_structure_matches_keras(builder):
    model = check_structure(builder)
    assert model.input.shape == (None, 224, 224, 3)


def test_public_paths_and_module_helpers():
    assert cornu.applications.DenseNet121 is densenet.DenseNet121
    stem_only = densenet.DenseNet([1, 1, 1, 1], weights=None, input_shape=(32, 32, 3), classes=3,
                                  name="tiny_densenet")
    assert stem_only.name == "tiny_densenet"
    assert stem_only.get_layer("pool2_conv").kernel.shape == (1, 1, 96, 48)
    assert stem_only.output.shape == (None, 3)


def test_max_pooling_head_and_input_tensor():
    images = cornu.Input((40, 40, 3))
    features = cornu.layers.Rescaling(1 / 255.0)(images)
    model = densenet.DenseNet121(weights=None, include_top=False, pooling="max", input_tensor=features)
    assert model.inputs[0] is images  # layers in front of `input_tensor` stay part of the model
    assert model.layers[-1].name == "max_pool"
    assert model.output.shape == (None, 1024)
    pooled = densenet.DenseNet121(weights=None, include_top=False, pooling="avg", input_shape=(32, 32, 3))
    assert [layer.name for layer in pooled.layers[-3:]] == ["bn", "relu", "avg_pool"]


def test_preprocess_input_is_torch_mode():
    x = np.array([[[[0.0, 127.5, 255.0]]]], "float32")
    expected = (x / 255.0 - np.array([0.485, 0.456, 0.406])) / np.array([0.229, 0.224, 0.225])
    np.testing.assert_allclose(densenet.preprocess_input(x), expected, rtol=1e-5)


def test_bad_arguments_raise_keras_errors(tmp_path):
    with pytest.raises(ValueError, match="`weights` argument should be either"):
        densenet.DenseNet121(weights=str(tmp_path / "missing.h5"))
    with pytest.raises(ValueError, match="`classes` should be 1000"):
        densenet.DenseNet121(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="Input size must be at least 32x32"):
        densenet.DenseNet121(weights=None, include_top=False, input_shape=(31, 31, 3))
    weights_file = tmp_path / "weights.h5"
    weights_file.write_bytes(b"")
    with pytest.raises(ValueError, match="Only `None` and `softmax` activations are allowed"):
        densenet.DenseNet121(weights=str(weights_file), classifier_activation="relu",
                             input_shape=(32, 32, 3))


def test_channels_first_is_refused():
    previous = cornu.config.image_data_format()
    cornu.config.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match="DenseNet does not support the `channels_first`"):
            densenet.DenseNet121(weights=None)
    finally:
        cornu.config.set_image_data_format(previous)


class _Fetched(Exception):
    pass


def test_imagenet_weights_come_from_keras_urls_with_keras_hashes(keras_ref, monkeypatch):
    from keras.src.applications import densenet as keras_densenet

    # Keras names the three files with the top, then the three without it.
    hashes = re.findall(r'file_hash="([0-9a-f]{32})"', inspect.getsource(keras_densenet))
    expected = {}
    for index, (blocks, depth) in enumerate([((6, 12, 24, 16), 121), ((6, 12, 32, 32), 169),
                                             ((6, 12, 48, 32), 201)]):
        expected[blocks] = {
            True: (getattr(keras_densenet, f"DENSENET{depth}_WEIGHT_PATH"), hashes[index]),
            False: (getattr(keras_densenet, f"DENSENET{depth}_WEIGHT_PATH_NO_TOP"), hashes[index + 3]),
        }
    assert densenet.PUBLISHED_WEIGHTS == expected

    def fake_get_file(fname, origin, cache_subdir, file_hash):
        raise _Fetched(fname, origin, cache_subdir, file_hash)

    monkeypatch.setattr(pretrained_weights, "get_file", fake_get_file)
    with pytest.raises(_Fetched) as fetched:
        densenet.DenseNet121(include_top=False, input_shape=(32, 32, 3))
    url, file_hash = expected[(6, 12, 24, 16)][False]
    assert fetched.value.args == (url.rsplit("/", 1)[1], url, "models", file_hash)
    with pytest.raises(ValueError, match="weights_path undefined"):
        densenet.DenseNet([1, 1, 1, 1], include_top=False, input_shape=(32, 32, 3))
