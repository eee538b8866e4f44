"""ResNet v1 and v2 (``cornu.applications.resnet``, ``resnet50``, ``resnet_v2``) against the real
Keras 3.15.1.

ResNet50 and ResNet50V2 at 32x32 (their minimum) are built by Keras and by cornu: same layers,
weights and predictions, with and without the top; every default variant (ResNet50 ... ResNet152V2)
is checked against Keras's recorded structure; the ``"imagenet"`` path fetches Keras's own file
names, URLs and hashes; a ``.keras`` file moves both ways; bad arguments get Keras's errors.
"""

import numpy as np
import pytest

import cornu
from cornu.applications import imagenet_utils, pretrained_weights, resnet, resnet50, resnet_v2
from cornu.serialization.registry import get_builtin_object

from tests.helpers.applications_reference import (check_against_keras, check_keras_file_round_trip,
                                                  check_structure, prefetch)

BATCH = (2, 32, 32, 3)
V1_WITH_TOP = {"input_shape": (32, 32, 3), "classes": 10}
V2_MAX_POOLED = {"input_shape": (32, 32, 3), "include_top": False, "pooling": "max"}
CASES = [
    ("ResNet50", V1_WITH_TOP, BATCH),
    ("ResNet50V2", V2_MAX_POOLED, BATCH),
]
KERAS_BASE_URL = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"


@pytest.fixture(scope="module", autouse=True)
def _keras_references():
    # One Keras subprocess for every case (cached for the other backends' runs).
    prefetch(CASES)


@pytest.fixture(scope="module")
def resnet50v2_and_batch():
    cornu.backend.clear_session()
    return check_against_keras(*CASES[1])


def test_resnet50_with_top_matches_keras():
    model, _ = check_against_keras(*CASES[0])
    assert model.name == "resnet50"
    assert [layer.name for layer in model.layers[-2:]] == ["avg_pool", "predictions"]
    assert model.get_layer("conv4_block6_out").output.shape == (None, 2, 2, 1024)


def test_resnet50v2_max_pooled_matches_keras(resnet50v2_and_batch):
    model, _ = resnet50v2_and_batch
    assert model.name == "resnet50v2"
    assert [layer.name for layer in model.layers[-3:]] == ["post_bn", "post_relu", "max_pool"]
    # v2 stages downsample in their last block, through an (unnamed) 1x1 max pooling shortcut.
    assert model.get_layer("conv2_block3_2_conv").strides == (2, 2)


def test_keras_file_moves_both_ways(resnet50v2_and_batch, tmp_path):
    model, x = resnet50v2_and_batch
    reloaded = check_keras_file_round_trip(model, x, tmp_path)
    assert reloaded.name == "resnet50v2"
    assert [layer.name for layer in reloaded.layers] == [layer.name for layer in model.layers]


@pytest.mark.parametrize(
    "builder", ["ResNet50", "ResNet101", "ResNet152", "ResNet50V2", "ResNet101V2", "ResNet152V2"]
)
def test_default_structure_matches_keras(builder):
    model = check_structure(builder)
    assert model.input.shape == (None, 224, 224, 3)
    assert model.output.shape == (None, 1000)


def test_public_paths():
    applications = cornu.applications
    assert applications.resnet is resnet and applications.resnet_v2 is resnet_v2
    for name in ("ResNet50", "ResNet101", "ResNet152"):
        assert getattr(applications, name) is getattr(resnet, name)
    for name in ("ResNet50V2", "ResNet101V2", "ResNet152V2"):
        assert getattr(applications, name) is getattr(resnet_v2, name)
    assert resnet50.ResNet50 is resnet.ResNet50
    assert resnet50.preprocess_input is resnet.preprocess_input
    assert resnet50.decode_predictions is resnet.decode_predictions
    assert get_builtin_object("keras.applications.resnet50", "ResNet50") is resnet.ResNet50
    v2_preprocess = get_builtin_object("keras.applications.resnet_v2", "preprocess_input")
    assert v2_preprocess is resnet_v2.preprocess_input


def test_weight_files_are_keras_files(keras_ref):
    keras_resnet = keras_ref.src.applications.resnet
    assert resnet.BASE_WEIGHTS_PATH == keras_resnet.BASE_WEIGHTS_PATH == KERAS_BASE_URL
    assert resnet.WEIGHTS_HASHES == keras_resnet.WEIGHTS_HASHES


class _Fetched(Exception):
    pass


def _record_fetches(monkeypatch, path=None):
    """Replaces the download by a record of its arguments; returns ``path`` (or stops the build)."""
    calls = []

    def fake_get_file(fname, origin, cache_subdir="datasets", file_hash=None, **kwargs):
        calls.append({"fname": fname, "origin": origin, "cache_subdir": cache_subdir,
                      "file_hash": file_hash})
        if path is None:
            raise _Fetched(fname)
        return path

    monkeypatch.setattr(pretrained_weights, "get_file", fake_get_file)
    return calls


def test_imagenet_weights_load_keras_notop_file(monkeypatch, resnet50v2_and_batch):
    # The file Keras's worker saved in the published layout stands in for the downloaded one.
    (folder,) = prefetch([CASES[1]])
    calls = _record_fetches(monkeypatch, str(folder / "weights.h5"))
    model = resnet_v2.ResNet50V2(weights="imagenet", **V2_MAX_POOLED)
    file_name = "resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5"
    assert calls == [{"fname": file_name, "origin": KERAS_BASE_URL + file_name,
                      "cache_subdir": "models", "file_hash": "fac2f116257151a9d068a22e544a4917"}]
    # Same weights as the model checked against Keras's predictions above.
    checked, _ = resnet50v2_and_batch
    for loaded, expected in zip(model.weights, checked.weights, strict=True):
        np.testing.assert_array_equal(cornu.ops.convert_to_numpy(loaded),
                                      cornu.ops.convert_to_numpy(expected))


def test_imagenet_weights_with_top_fetch_the_full_file(monkeypatch):
    calls = _record_fetches(monkeypatch)
    with pytest.raises(_Fetched):
        resnet.ResNet50(weights="imagenet")
    file_name = "resnet50_weights_tf_dim_ordering_tf_kernels.h5"
    assert calls == [{"fname": file_name, "origin": KERAS_BASE_URL + file_name,
                      "cache_subdir": "models", "file_hash": "2cb95161c43110f7111970584f804107"}]


def test_weights_file_of_another_configuration_is_refused():
    (folder,) = prefetch([CASES[0]])  # ResNet50 with a 10-class classifier
    with pytest.raises(ValueError, match=r"'predictions'.*\(2048, 5\).*\(2048, 10\)"):
        resnet.ResNet50(weights=str(folder / "weights.h5"), input_shape=(32, 32, 3), classes=5)


def _tiny_resnet(preact, **kwargs):
    block = resnet.stack_residual_blocks_v2 if preact else resnet.stack_residual_blocks_v1
    return resnet.ResNet(lambda x: block(x, 8, 2, stride1=2, name="conv2"), preact, True,
                         weights=None, input_shape=(32, 32, 3), name="tiny", **kwargs)


def test_generic_builder_and_input_tensor():
    images = cornu.Input((32, 32, 3))
    scaled = cornu.layers.Rescaling(1 / 127.5, offset=-1.0)(images)
    model = _tiny_resnet(True, include_top=False, pooling="avg", input_tensor=scaled)
    assert model.inputs[0] is images  # layers in front of `input_tensor` stay part of the model
    assert model.layers[1].name.startswith("rescaling")
    assert model.output.shape == (None, 32)
    feature_map = _tiny_resnet(False, include_top=False, pooling=None)
    assert feature_map.layers[-1].name == "conv2_block2_out"
    assert feature_map.output.shape == (None, 4, 4, 32)
    logits = _tiny_resnet(False, classes=3, classifier_activation=None)
    assert logits.get_layer("predictions").activation is cornu.activations.linear
    assert logits.output.shape == (None, 3)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"weights": "no_such_file.h5"}, "The `weights` argument should be either"),
        ({"weights": "imagenet", "classes": 10}, "`classes` should be 1000"),
        ({"weights": None, "include_top": False, "input_shape": (16, 16, 3)},
         r"Input size must be at least 32x32; Received: input_shape=\(16, 16, 3\)"),
        ({"weights": "imagenet", "input_shape": (64, 64, 3)},
         r"`input_shape` should be \(224, 224, 3\)"),
        ({"weights": "imagenet", "include_top": False, "input_shape": (32, 32, 1)},
         "The input must have 3 channels"),
    ],
)
@pytest.mark.parametrize("builder", [resnet.ResNet50, resnet_v2.ResNet152V2])
def test_bad_arguments_raise_keras_errors(builder, kwargs, message):
    with pytest.raises(ValueError, match=message):
        builder(**kwargs)


def test_preprocess_input_modes():
    rgb = np.array([[[[0.0, 127.5, 255.0]]]], "float32")
    caffe = rgb[..., ::-1] - np.array([103.939, 116.779, 123.68])
    np.testing.assert_allclose(resnet.preprocess_input(rgb.copy()), caffe, rtol=1e-5)
    np.testing.assert_allclose(resnet_v2.preprocess_input(rgb.copy()), [[[[-1.0, 0.0, 1.0]]]],
                               atol=1e-6)
    channels_first = np.transpose(rgb, (0, 3, 1, 2))
    np.testing.assert_allclose(resnet.preprocess_input(channels_first.copy(), data_format="channels_first"),
                               np.transpose(caffe, (0, 3, 1, 2)), rtol=1e-5)


def test_decode_predictions(monkeypatch):
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX",
                        {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)})
    preds = np.zeros((1, 1000), "float32")
    preds[0, [7, 3]] = [0.75, 0.25]
    for module in (resnet, resnet_v2):
        decoded = module.decode_predictions(preds, top=2)
        assert [entry[:2] for entry in decoded[0]] == [("n00000007", "class_7"), ("n00000003", "class_3")]
        np.testing.assert_allclose([entry[2] for entry in decoded[0]], [0.75, 0.25])
