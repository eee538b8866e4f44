"""VGG16 and VGG19 (``cornu.applications.vgg16``, ``vgg19``) against the real Keras 3.15.1.

Both are built by Keras and by cornu at 32x32 (their minimum): same layers, weights and
predictions, with the classifier and with each pooling head; the ``"imagenet"`` path fetches
Keras's own file names, URLs and hashes; bad arguments get Keras's errors. The default 224x224
models (138M and 144M parameters, almost all in ``fc1``) are not built: their only difference
from the checked ones is ``fc1``'s input size, 7 * 7 * 512.
"""

import h5py
import numpy as np
import pytest

import cornu
from cornu.applications import imagenet_utils, pretrained_weights, vgg16, vgg19
from cornu.serialization.registry import get_builtin_object

from tests.helpers.applications_reference import check_against_keras, prefetch

BATCH = (2, 32, 32, 3)
WITH_TOP = {"input_shape": (32, 32, 3), "classes": 10, "classifier_activation": None}
MAX_POOLED = {"input_shape": (32, 32, 3), "include_top": False, "pooling": "max"}
AVG_POOLED = {"input_shape": (32, 32, 3), "include_top": False, "pooling": "avg"}
CASES = [("VGG16", WITH_TOP, BATCH), ("VGG16", MAX_POOLED, BATCH), ("VGG19", AVG_POOLED, BATCH)]
# The hashes Keras passes to `get_file` (written inline in Keras's vgg16.py and vgg19.py).
KERAS_HASHES = {
    "vgg16": ("64373286793e3c8b2b4e3219cbf3544b", "6d6bbae143d832006294945121d1f1fc"),
    "vgg19": ("cbe5617147190e668d6c5d5026f83318", "253f8cb515780f3b799900260a226db6"),
}


@pytest.fixture(scope="module", autouse=True)
def _keras_references():
    # One Keras subprocess for every case (cached for the other backends' runs).
    prefetch(CASES)


def test_vgg16_with_top_matches_keras():
    model, _ = check_against_keras(*CASES[0])
    assert model.name == "vgg16"
    assert [layer.name for layer in model.layers[-4:]] == ["flatten", "fc1", "fc2", "predictions"]
    assert model.get_layer("fc1").kernel.shape == (512, 4096)


def test_vgg16_max_pooled_matches_keras():
    model, _ = check_against_keras(*CASES[1])
    assert model.layers[-1].name == "global_max_pooling2d"  # unnamed, as in Keras
    assert model.output.shape == (None, 512)


def test_vgg19_avg_pooled_matches_keras():
    model, _ = check_against_keras(*CASES[2])
    assert model.name == "vgg19"
    assert [layer.name for layer in model.layers[14:17]] == ["block4_conv3", "block4_conv4", "block4_pool"]
    assert model.layers[-1].name == "global_average_pooling2d"


def test_feature_map_and_input_tensor():
    images = cornu.Input((48, 40, 3))
    scaled = cornu.layers.Rescaling(1.0, offset=-100.0)(images)
    model = vgg19.VGG19(weights=None, include_top=False, input_tensor=scaled)
    assert model.inputs[0] is images  # layers in front of `input_tensor` stay part of the model
    assert model.layers[-1].name == "block5_pool"
    assert model.output.shape == (None, 1, 1, 512)
    assert len(model.layers) == 1 + 1 + 16 + 5


def test_public_paths():
    assert cornu.applications.VGG16 is vgg16.VGG16 and cornu.applications.VGG19 is vgg19.VGG19
    assert cornu.applications.vgg16 is vgg16 and cornu.applications.vgg19 is vgg19
    assert get_builtin_object("keras.applications.vgg19", "VGG19") is vgg19.VGG19
    assert get_builtin_object("keras.applications.vgg16", "decode_predictions") is vgg16.decode_predictions


def test_weight_urls_are_keras_urls(keras_ref):
    for mine, keras_module in ((vgg16, keras_ref.src.applications.vgg16),
                               (vgg19, keras_ref.src.applications.vgg19)):
        assert mine.WEIGHTS_PATH == keras_module.WEIGHTS_PATH
        assert mine.WEIGHTS_PATH_NO_TOP == keras_module.WEIGHTS_PATH_NO_TOP


def _record_fetches(monkeypatch, path):
    calls = []

    def fake_get_file(fname, origin, cache_subdir="datasets", file_hash=None, **kwargs):
        calls.append((fname, origin, cache_subdir, file_hash))
        return path

    monkeypatch.setattr(pretrained_weights, "get_file", fake_get_file)
    return calls


@pytest.mark.parametrize("module, case", [(vgg16, CASES[1]), (vgg19, CASES[2])])
def test_imagenet_weights_load_keras_notop_file(monkeypatch, module, case):
    # The file Keras's worker saved in the published layout stands in for the downloaded one.
    (folder,) = prefetch([case])
    calls = _record_fetches(monkeypatch, str(folder / "weights.h5"))
    builder_name, kwargs, _ = case
    model = getattr(module, builder_name)(weights="imagenet", **kwargs)
    name = builder_name.lower()
    assert calls == [(f"{name}_weights_tf_dim_ordering_tf_kernels_notop.h5", module.WEIGHTS_PATH_NO_TOP,
                      "models", KERAS_HASHES[name][1])]
    # Every array of the file, in its order, is now the model's weight in the same place.
    with h5py.File(folder / "weights.h5", "r") as f:
        stored = [np.asarray(f[layer][weight]) for layer in f.attrs["layer_names"]
                  for weight in f[layer].attrs["weight_names"]]
    loaded = [cornu.ops.convert_to_numpy(w) for layer in model.layers for w in layer.weights]
    assert len(loaded) == len(stored) == 2 * {vgg16: 13, vgg19: 16}[module]  # kernel, bias
    for mine, theirs in zip(loaded, stored):
        np.testing.assert_array_equal(mine, theirs)


def test_imagenet_file_with_top_is_keras_file():
    # Building the 224x224 classifier costs 138M parameters: check the file it would fetch only.
    for module in (vgg16, vgg19):
        name = module.__name__.rpartition(".")[2]
        assert module.WEIGHTS_PATH.endswith(f"/{name}/{name}_weights_tf_dim_ordering_tf_kernels.h5")
        assert module.WEIGHTS_HASHES == KERAS_HASHES[name]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"weights": "no_such_file.h5"}, "The `weights` argument should be either"),
        ({"weights": "imagenet", "classes": 10}, "`classes` should be 1000"),
        ({"weights": None, "include_top": False, "input_shape": (31, 64, 3)},
         r"Input size must be at least 32x32; Received: input_shape=\(31, 64, 3\)"),
        ({"weights": "imagenet", "input_shape": (64, 64, 3)}, r"`input_shape` should be \(224, 224, 3\)"),
    ],
)
@pytest.mark.parametrize("builder", [vgg16.VGG16, vgg19.VGG19])
def test_bad_arguments_raise_keras_errors(builder, kwargs, message):
    with pytest.raises(ValueError, match=message):
        builder(**kwargs)


def test_preprocess_input_is_caffe_mode():
    rgb = np.array([[[[0.0, 127.5, 255.0]]]], "float32")
    expected = rgb[..., ::-1] - np.array([103.939, 116.779, 123.68])
    for module in (vgg16, vgg19):
        np.testing.assert_allclose(module.preprocess_input(rgb.copy()), expected, rtol=1e-5)


def test_decode_predictions(monkeypatch):
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX",
                        {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)})
    preds = np.zeros((2, 1000), "float32")
    preds[0, 5], preds[1, 999] = 1.0, 0.5
    for module in (vgg16, vgg19):
        decoded = module.decode_predictions(preds, top=1)
        assert [entry[:2] for entry in (decoded[0][0], decoded[1][0])] == [
            ("n00000005", "class_5"), ("n00000999", "class_999")]
