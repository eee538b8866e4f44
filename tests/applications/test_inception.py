"""InceptionV3, InceptionResNetV2 and Xception against the real Keras 3.15.1.

Each is built by Keras and by cornu at its minimum input (75x75, 75x75, 71x71): same layers,
weights and predictions; the default (299x299) structures match Keras's recorded ones;
InceptionResNetV2's own ``CustomScaleLayer`` serializes under Keras's module path and a model
holding it moves through a ``.keras`` file both ways; bad arguments get Keras's errors.
"""

import inspect
import re

import numpy as np
import pytest

import cornu
from cornu.applications import inception_resnet_v2, inception_v3, pretrained_weights, xception
from cornu.applications.inception_resnet_v2 import CustomScaleLayer, inception_resnet_block

from tests.helpers.applications_reference import (check_against_keras, check_keras_file_round_trip,
                                                  check_structure, prefetch)

CASES = {
    "InceptionV3": ({"input_shape": (75, 75, 3), "classes": 4}, (2, 75, 75, 3)),
    "InceptionResNetV2": ({"input_shape": (75, 75, 3), "include_top": False, "pooling": "avg"},
                          (2, 75, 75, 3)),
    "Xception": ({"input_shape": (71, 71, 3), "classes": 3, "classifier_activation": None},
                 (2, 71, 71, 3)),
}


@pytest.fixture(scope="module", autouse=True)
def _keras_references():
    # One Keras subprocess for the three cases (cached for the other backends' runs).
    prefetch([(builder, kwargs, batch) for builder, (kwargs, batch) in CASES.items()])


@pytest.mark.parametrize("builder", sorted(CASES))
def test_minimum_input_matches_keras(builder):
    kwargs, batch = CASES[builder]
    model, _ = check_against_keras(builder, kwargs, batch)
    assert model.name == {"InceptionV3": "inception_v3", "InceptionResNetV2": "inception_resnet_v2",
                          "Xception": "xception"}[builder]


@pytest.mark.parametrize("builder", ["InceptionV3", "InceptionResNetV2", "Xception"])
def test_default_structure_matches_keras(builder):
    model = check_structure(builder)
    assert model.input.shape == (None, 299, 299, 3)
    assert model.output.shape == (None, 1000)


def test_public_paths():
    assert cornu.applications.InceptionV3 is inception_v3.InceptionV3
    assert cornu.applications.InceptionResNetV2 is inception_resnet_v2.InceptionResNetV2
    assert cornu.applications.Xception is xception.Xception


def test_custom_scale_layer_serializes_under_keras_path():
    config = cornu.saving.serialize_keras_object(CustomScaleLayer(0.17, name="scale"))
    assert (config["module"], config["class_name"], config["registered_name"]) == (
        "keras.src.applications.inception_resnet_v2", "CustomScaleLayer", "CustomScaleLayer")
    assert config["config"]["scale"] == 0.17
    restored = cornu.saving.deserialize_keras_object(config)
    assert isinstance(restored, CustomScaleLayer) and restored.scale == 0.17
    shortcut, residual = np.ones((2, 3), "float32"), np.full((2, 3), 2.0, "float32")
    np.testing.assert_allclose(cornu.ops.convert_to_numpy(restored([shortcut, residual])),
                               np.full((2, 3), 1.34), rtol=1e-6)


def _small_residual_model():
    """Two Inception-ResNet blocks on a tiny input: the custom layer without the 55M weights."""
    images = cornu.Input((9, 9, 16))
    x = inception_resnet_block(images, scale=0.17, block_type="block35", block_idx=1)
    x = inception_resnet_block(x, scale=1.0, block_type="block8", block_idx=2, activation=None)
    return cornu.Model(images, cornu.layers.GlobalAveragePooling2D()(x), name="residual_blocks")


def test_keras_file_moves_both_ways(tmp_path):
    model = _small_residual_model()
    x = np.random.default_rng(0).uniform(-1, 1, (2, 9, 9, 16)).astype("float32")
    reloaded = check_keras_file_round_trip(model, x, tmp_path)
    scales = [layer for layer in reloaded.layers if isinstance(layer, CustomScaleLayer)]
    assert [layer.scale for layer in scales] == [0.17, 1.0]
    assert reloaded.get_layer("block8_2_conv").use_bias


def test_max_pooling_and_input_tensor():
    images = cornu.Input((80, 80, 3))
    model = xception.Xception(weights=None, include_top=False, pooling="max", input_tensor=images)
    assert model.inputs[0] is images
    assert model.output.shape == (None, 2048)
    features = inception_v3.InceptionV3(weights=None, include_top=False, input_shape=(75, 75, 3))
    assert features.output.shape == (None, 1, 1, 2048)


def test_preprocess_input_is_tf_mode():
    x = np.array([[[[0.0, 127.5, 255.0]]]], "float32")
    for module in (inception_v3, inception_resnet_v2, xception):
        np.testing.assert_allclose(module.preprocess_input(x.copy()), [[[[-1.0, 0.0, 1.0]]]], atol=1e-6)


def test_unknown_block_type_is_refused():
    with pytest.raises(ValueError, match='Expects "block35", "block17" or "block8", but got: block9'):
        inception_resnet_block(cornu.Input((8, 8, 16)), 0.1, "block9", 1)


@pytest.mark.parametrize("builder,min_size", [(inception_v3.InceptionV3, 75),
                                              (inception_resnet_v2.InceptionResNetV2, 75),
                                              (xception.Xception, 71)])
def test_bad_arguments_raise_keras_errors(builder, min_size, tmp_path):
    with pytest.raises(ValueError, match="`weights` argument should be either"):
        builder(weights=str(tmp_path / "missing.h5"))
    with pytest.raises(ValueError, match="`classes` should be 1000"):
        builder(weights="imagenet", classes=10)
    too_small = (min_size - 1, min_size - 1, 3)
    with pytest.raises(ValueError, match=f"Input size must be at least {min_size}x{min_size}"):
        builder(weights=None, include_top=False, input_shape=too_small)
    with pytest.raises(ValueError, match="you should specify a static `input_shape`"):
        builder(weights=None, input_shape=(None, None, 3))


class _Fetched(Exception):
    pass


def _keras_hashes(module):
    # Each Keras module names the file with the top first, then the one without it.
    return re.findall(r'file_hash="([0-9a-f]{32})"', inspect.getsource(module))


def test_imagenet_weights_come_from_keras_urls_with_keras_hashes(keras_ref, monkeypatch):
    from keras.src.applications import inception_resnet_v2 as keras_irv2
    from keras.src.applications import inception_v3 as keras_v3
    from keras.src.applications import xception as keras_xception

    for mine, theirs in ((inception_v3, keras_v3), (xception, keras_xception)):
        top_hash, no_top_hash = _keras_hashes(theirs)
        assert mine.PUBLISHED_WEIGHTS == {True: (theirs.WEIGHTS_PATH, top_hash),
                                          False: (theirs.WEIGHTS_PATH_NO_TOP, no_top_hash)}
    top_hash, no_top_hash = _keras_hashes(keras_irv2)
    stem = f"{keras_irv2.BASE_WEIGHT_URL}inception_resnet_v2_weights_tf_dim_ordering_tf_kernels"
    assert inception_resnet_v2.PUBLISHED_WEIGHTS == {True: (f"{stem}.h5", top_hash),
                                                     False: (f"{stem}_notop.h5", no_top_hash)}

    def fake_get_file(fname, origin, cache_subdir, file_hash):
        raise _Fetched(fname, origin, cache_subdir, file_hash)

    monkeypatch.setattr(pretrained_weights, "get_file", fake_get_file)
    for builder, module, size in ((xception.Xception, xception, 71),
                                  (inception_v3.InceptionV3, inception_v3, 75)):
        with pytest.raises(_Fetched) as fetched:
            builder(include_top=False, input_shape=(size, size, 3))
        url, file_hash = module.PUBLISHED_WEIGHTS[False]
        assert fetched.value.args == (url.rsplit("/", 1)[1], url, "models", file_hash)
