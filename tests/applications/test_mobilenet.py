"""MobileNet, MobileNetV2, MobileNetV3Small and MobileNetV3Large against the real Keras 3.15.1.

Each builder at 32x32 (batch 2) with several widths (alpha 0.25 to 1.3), a depth multiplier,
minimalistic V3 and V3 without its rescaling: Keras builds it with random weights saved in the
published files' layout, cornu loads that file: same layer names, classes, parameter count and
predictions. The default 224x224 configurations are compared with Keras's recorded structures;
a ``.keras`` file moves both ways; ``weights="imagenet"`` asks for Keras's file names and hashes
(and warns as Keras does); bad arguments raise Keras's errors.
"""

import re
import warnings

import numpy as np
import pytest

import cornu
from cornu.applications import mobilenet, mobilenet_v2, mobilenet_v3, mobilenet_v3_models
from cornu.applications import pretrained_weights

from tests.helpers.applications_reference import (check_against_keras, check_keras_file_round_trip,
                                                  check_structure, prefetch)

BATCH = (2, 32, 32, 3)
SHAPE = {"input_shape": (32, 32, 3)}
PIXELS = (0.0, 255.0)  # MobileNetV3 rescales [0, 255] itself

CASES = {
    "v1_top": ("MobileNet", {**SHAPE, "alpha": 0.5, "depth_multiplier": 2, "classes": 5,
                             "dropout": 0.3}),
    "v1_no_top": ("MobileNet", {**SHAPE, "alpha": 0.25, "include_top": False, "pooling": "avg"}),
    "v2_top": ("MobileNetV2", {**SHAPE, "alpha": 0.35, "classes": 5}),
    "v2_no_top": ("MobileNetV2", {**SHAPE, "alpha": 0.35, "include_top": False, "pooling": "max"}),
    "v2_wide": ("MobileNetV2", {**SHAPE, "alpha": 1.3, "include_top": False}),
    "v3_small_top": ("MobileNetV3Small", {**SHAPE, "alpha": 0.75, "classes": 5}, PIXELS),
    "v3_small_minimalistic": ("MobileNetV3Small", {**SHAPE, "minimalistic": True,
                                                   "include_top": False, "pooling": "avg"}, PIXELS),
    "v3_large_minimalistic": ("MobileNetV3Large", {**SHAPE, "minimalistic": True, "classes": 5,
                                                   "include_preprocessing": False}),
    "v3_large_no_top": ("MobileNetV3Large", {**SHAPE, "alpha": 0.75, "include_top": False,
                                             "pooling": "max"}, PIXELS),
}


def _job(case):
    builder, kwargs, *input_range = CASES[case]
    return (builder, kwargs, BATCH, *input_range)


@pytest.fixture(scope="module", autouse=True)
def _keras_references():
    # One Keras subprocess for every case (cached for the other backends' runs).
    prefetch([_job(case) for case in CASES])


def _check(case):
    builder, kwargs, batch, *input_range = _job(case)
    return check_against_keras(builder, kwargs, batch, *input_range)


def _reference_file(case):
    (folder,) = prefetch([_job(case)])
    return folder


@pytest.mark.parametrize("case", sorted(set(CASES) - {"v2_no_top"}))  # its file: imagenet test
def test_matches_keras(case):
    model, _ = _check(case)
    builder, kwargs = CASES[case][:2]
    if kwargs.get("include_top", True):
        assert model.output.shape == (None, 5)


def test_model_names_and_feature_shapes():
    v1 = mobilenet.MobileNet(weights=None, alpha=0.75, input_shape=(64, 64, 3), include_top=False)
    assert v1.name == "mobilenet_0.75_64"
    assert v1.output.shape == (None, 2, 2, 768)
    v2 = mobilenet_v2.MobileNetV2(weights=None, alpha=1.4, input_shape=(33, 33, 3),
                                  include_top=False)
    assert v2.name == "mobilenetv2_1.40_33"
    assert v2.output.shape == (None, 2, 2, 1792)  # alpha > 1 widens the last convolution too
    v3 = mobilenet_v3_models.MobileNetV3Large(weights=None, include_top=False, name="backbone")
    assert v3.name == "backbone"
    assert v3.input.shape == (None, None, None, 3)  # V3 accepts any size by default


@pytest.mark.parametrize("builder", ["MobileNet", "MobileNetV2", "MobileNetV3Small",
                                     "MobileNetV3Large"])
def test_default_structure_matches_keras(builder):
    model = check_structure(builder)
    assert model.output.shape == (None, 1000)


def test_keras_file_moves_both_ways(tmp_path):
    # V3 has the most to carry: ops in the graph (its hard sigmoid), Rescaling, Multiply.
    cornu.backend.clear_session()
    model, x = _check("v3_small_top")
    reloaded = check_keras_file_round_trip(model, x, tmp_path)
    assert reloaded.name == "MobileNetV3Small"


@pytest.fixture
def fake_download(monkeypatch):
    """Replaces the download of ``load_pretrained_weights`` by a record of what was asked for;
    the "downloaded" file is whatever the test puts in ``served["path"]``."""
    requests, served = [], {}

    def get_file(fname, origin, cache_subdir="models", file_hash=None, **kwargs):
        requests.append({"fname": fname, "origin": origin, "cache_subdir": cache_subdir,
                         "file_hash": file_hash})
        return served["path"]

    monkeypatch.setattr(pretrained_weights, "get_file", get_file)
    return requests, served


@pytest.mark.parametrize("case, build, file_name, file_hash", [
    ("v1_no_top", lambda: mobilenet.MobileNet(weights="imagenet", alpha=0.25, include_top=False,
                                               pooling="avg", input_shape=(32, 32, 3)),
     "mobilenet/mobilenet_2_5_224_tf_no_top.h5", None),
    ("v2_no_top", lambda: mobilenet_v2.MobileNetV2(weights="imagenet", alpha=0.35,
                                                    include_top=False, pooling="max",
                                                    input_shape=(32, 32, 3)),
     "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5", None),
    ("v3_large_no_top", lambda: mobilenet_v3_models.MobileNetV3Large(
        weights="imagenet", alpha=0.75, include_top=False, pooling="max",
        input_shape=(32, 32, 3)),
     "mobilenet_v3/weights_mobilenet_v3_large_224_0.75_float_no_top_v2.h5",
     "40af19a13ebea4e2ee0c676887f69a2e"),
])
def test_imagenet_weights_use_keras_files_and_warn(fake_download, case, build, file_name,
                                                    file_hash):
    requests, served = fake_download
    folder = _reference_file(case)
    served["path"] = str(folder / "weights.h5")
    with pytest.warns(UserWarning, match="Weights for input shape \\(224, 224\\) will be loaded"):
        model = build()
    assert requests == [{
        "fname": file_name.split("/")[1],
        "origin": "https://storage.googleapis.com/tensorflow/keras-applications/" + file_name,
        "cache_subdir": "models", "file_hash": file_hash}]
    # The file Keras wrote loaded into the same slots as a plain `weights=<path>` puts it
    # (whose predictions test_matches_keras compares with Keras's).
    builder, kwargs = CASES[case][:2]
    loaded = getattr(cornu.applications, builder)(weights=served["path"], **kwargs)
    for ours, expected in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, expected)


@pytest.mark.parametrize("build, file_name, file_hash", [
    (lambda: mobilenet.MobileNet(weights="imagenet", alpha=0.75, input_shape=(160, 160, 3)),
     "mobilenet_7_5_160_tf.h5", None),
    (lambda: mobilenet_v2.MobileNetV2(weights="imagenet", alpha=1.3, input_shape=(96, 96, 3),
                                      include_top=False),
     "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.3_96_no_top.h5", None),
    (lambda: mobilenet_v3_models.MobileNetV3Small(weights="imagenet", minimalistic=True,
                                                  input_shape=(224, 224, 3)),
     "weights_mobilenet_v3_small_minimalistic_224_1.0_float.h5",
     "99cd97fb2fcdad2bf028eb838de69e37"),
])
def test_imagenet_file_names_for_published_sizes(fake_download, build, file_name, file_hash):
    requests, served = fake_download
    served["path"] = "never-read.h5"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a published size: no warning
        with pytest.raises((OSError, ValueError, FileNotFoundError)):
            build()  # the fake file does not exist; the request is what is checked
    assert [(r["fname"], r["file_hash"]) for r in requests] == [(file_name, file_hash)]


def _same_error(keras_builder, cornu_builder, **kwargs):
    with pytest.raises(ValueError) as theirs:
        keras_builder(**kwargs)
    with pytest.raises(ValueError) as ours:
        cornu_builder(**kwargs)
    assert _without_addresses(ours.value) == _without_addresses(theirs.value)


def _without_addresses(error):
    return re.sub(r" at 0x[0-9a-f]+", "", str(error))


@pytest.mark.parametrize("name", ["MobileNet", "MobileNetV2", "MobileNetV3Small"])
def test_bad_arguments_raise_keras_errors(keras_ref, tmp_path, name):
    theirs, ours = getattr(keras_ref.applications, name), getattr(cornu.applications, name)
    _same_error(theirs, ours, weights=str(tmp_path / "missing.h5"))
    _same_error(theirs, ours, weights="imagenet", classes=10)
    _same_error(theirs, ours, weights="imagenet", alpha=0.3, include_top=False)
    _same_error(theirs, ours, weights=None, include_top=False, input_shape=(31, 31, 3))
    if name == "MobileNet":
        _same_error(theirs, ours, weights="imagenet", depth_multiplier=2, include_top=False)


def test_classifier_activation_with_weights_is_refused(tmp_path):
    weights_file = tmp_path / "weights.h5"
    weights_file.write_bytes(b"")
    with pytest.raises(ValueError, match="Only `None` and `softmax` activations are allowed"):
        mobilenet_v3_models.MobileNetV3Small(weights=str(weights_file), minimalistic=True,
                                             classifier_activation="relu", classes=3)


def test_input_tensor_mismatch_raises_keras_error(keras_ref):
    for name in ("MobileNetV2", "MobileNetV3Large"):
        with pytest.raises(ValueError) as theirs:
            getattr(keras_ref.applications, name)(
                weights=None, include_top=False, input_shape=(32, 40, 3),
                input_tensor=keras_ref.Input((32, 32, 3)))
        with pytest.raises(ValueError) as ours:
            getattr(cornu.applications, name)(
                weights=None, include_top=False, input_shape=(32, 40, 3),
                input_tensor=cornu.Input((32, 32, 3)))
        assert str(ours.value) == str(theirs.value)


def test_input_tensor_keeps_layers_in_front():
    images = cornu.Input((48, 48, 3))
    features = cornu.layers.Rescaling(1 / 127.5, offset=-1.0)(images)
    model = mobilenet_v2.MobileNetV2(weights=None, include_top=False, alpha=0.35,
                                     input_tensor=features, pooling="avg")
    assert model.inputs[0] is images
    # Keras's name too: it reads no size from a tensor.
    assert model.name == "mobilenetv2_0.35_None"
    assert model.output.shape == (None, 1280)


def test_public_paths():
    assert cornu.applications.MobileNet is mobilenet.MobileNet
    assert cornu.applications.MobileNetV2 is mobilenet_v2.MobileNetV2
    assert cornu.applications.MobileNetV3Small is mobilenet_v3_models.MobileNetV3Small
    assert cornu.applications.MobileNetV3Large is mobilenet_v3_models.MobileNetV3Large
    # As in Keras, the V3 module holds only its helpers.
    assert not hasattr(mobilenet_v3, "MobileNetV3Small")


def test_preprocess_and_decode(keras_ref, monkeypatch):
    x = np.array([[[[0.0, 127.5, 255.0]]]], "float32")
    for module in (mobilenet, mobilenet_v2):
        np.testing.assert_allclose(module.preprocess_input(x.copy()), [[[[-1.0, 0.0, 1.0]]]])
    np.testing.assert_allclose(
        cornu.ops.convert_to_numpy(
            mobilenet_v2.preprocess_input(cornu.ops.convert_to_tensor(x.copy()))),
        keras_ref.applications.mobilenet_v2.preprocess_input(x.copy()))
    assert mobilenet_v3.preprocess_input(x) is x
    class_index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    from cornu.applications import imagenet_utils

    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", class_index)  # no download
    preds = np.zeros((1, 1000), "float32")
    preds[0, [3, 7]] = [0.25, 0.75]
    for module in (mobilenet, mobilenet_v2, mobilenet_v3):
        top = module.decode_predictions(preds, top=2)
        assert [entry[1] for entry in top[0]] == ["class_7", "class_3"]
