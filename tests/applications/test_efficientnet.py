"""EfficientNet and EfficientNetV2 (``cornu.applications.efficientnet``, ``.efficientnet_v2``)
against the real Keras 3.15.1.

EfficientNetB0, EfficientNetB1, EfficientNetV2B0 (and V2B0 on one-channel inputs, which takes
the [-1, 1] rescaling branch) at 32x32 are built by Keras and by cornu: same layers, weights and
predictions on pixels in [0, 255]. Every variant's default configuration is checked against
Keras's recorded structure (built without initializing its variables); a ``.keras`` file moves
both ways; the ImageNet wiring (file name, hash, the extra ``Rescaling`` of the V1 files) and bad
arguments are checked without a network.
"""

import numpy as np
import pytest

import cornu
from cornu.applications import efficientnet, efficientnet_v2
from cornu.applications import pretrained_weights

from tests.helpers.applications_reference import (assert_same_structure, check_against_keras, check_structure,
                                                  check_keras_file_round_trip, prefetch,
                                                  recorded_structures, structure_of)

BATCH = (2, 32, 32, 3)
PIXELS = (0.0, 255.0)
LOGITS = {"input_shape": (32, 32, 3), "classes": 5, "classifier_activation": None}
B1_MAX_POOLED = {"input_shape": (32, 32, 3), "include_top": False, "pooling": "max"}
GRAY_POOLED = {"input_shape": (32, 32, 1), "include_top": False, "pooling": "avg"}
CASES = [
    ("EfficientNetB0", LOGITS, BATCH, PIXELS),
    ("EfficientNetB1", B1_MAX_POOLED, BATCH, PIXELS),
    ("EfficientNetV2B0", LOGITS, BATCH, PIXELS),
    ("EfficientNetV2B0", GRAY_POOLED, (2, 32, 32, 1), PIXELS),
]
VARIANTS = ["EfficientNetB0", "EfficientNetB1", "EfficientNetB2", "EfficientNetB3",
            "EfficientNetB4", "EfficientNetB5", "EfficientNetB6", "EfficientNetB7",
            "EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2", "EfficientNetV2B3",
            "EfficientNetV2S", "EfficientNetV2M", "EfficientNetV2L"]


@pytest.fixture(scope="module", autouse=True)
def _keras_references():
    # One Keras subprocess for every case (cached for the other backends' runs).
    prefetch(CASES)


@pytest.fixture(scope="module")
def b0_and_batch():
    cornu.backend.clear_session()  # auto-named layers ("rescaling", ...) as in a fresh Keras
    return check_against_keras("EfficientNetB0", LOGITS, BATCH, PIXELS)


def test_b0_matches_keras(b0_and_batch):
    model, _ = b0_and_batch
    assert model.name == "efficientnetb0"
    assert [layer.name for layer in model.layers[1:4]] == ["rescaling", "normalization", "stem_conv_pad"]
    assert model.get_layer("block2a_dwconv_pad").output.shape == (None, 17, 17, 96)
    assert model.get_layer("block2b_drop").noise_shape == (None, 1, 1, 1)


def test_b1_without_top_matches_keras():
    cornu.backend.clear_session()
    model, _ = check_against_keras("EfficientNetB1", B1_MAX_POOLED, BATCH, PIXELS)
    assert model.layers[-1].name == "max_pool"
    assert model.output.shape == (None, 1280)


def test_v2b0_matches_keras():
    cornu.backend.clear_session()
    model, _ = check_against_keras("EfficientNetV2B0", LOGITS, BATCH, PIXELS)
    assert model.name == "efficientnetv2-b0"
    normalization = model.get_layer("normalization")
    assert normalization.weights == []  # statistics fixed in the config, as in Keras
    assert model.get_layer("stem_conv").output.shape == (None, 16, 16, 32)


def test_v2b0_on_one_channel_rescales_to_minus_one_one():
    cornu.backend.clear_session()
    model, _ = check_against_keras("EfficientNetV2B0", GRAY_POOLED, (2, 32, 32, 1), PIXELS)
    rescaling = model.layers[1]
    assert (rescaling.name, rescaling.scale, rescaling.offset) == ("rescaling", 1.0 / 128.0, -1)
    assert "normalization" not in [layer.name for layer in model.layers]


def test_keras_file_moves_both_ways(b0_and_batch, tmp_path):
    model, x = b0_and_batch
    reloaded = check_keras_file_round_trip(model, x, tmp_path)
    assert reloaded.name == "efficientnetb0"


@pytest.mark.parametrize("builder", VARIANTS)
def test_default_structure_matches_keras(builder):
    cornu.backend.clear_session()
    check_structure(builder)


def test_imagenet_weights_come_from_keras_files(monkeypatch, tmp_path):
    requested = []

    def fake_get_file(file_name, origin, cache_subdir, file_hash):
        requested.append((file_name, origin, cache_subdir, file_hash))
        return "published.h5"

    loaded = []
    monkeypatch.setattr(pretrained_weights, "get_file", fake_get_file)
    monkeypatch.setattr(cornu.Model, "load_weights", lambda self, path, *a, **k: loaded.append(path))
    cornu.backend.clear_session()
    model = efficientnet.EfficientNetB0(name="custom")  # the file keeps the variant's name
    v2 = efficientnet_v2.EfficientNetV2S(include_top=False, input_shape=(32, 32, 3))
    assert requested == [
        ("efficientnetb0.h5", "https://storage.googleapis.com/keras-applications/"
         "efficientnetb0.h5", "models", "902e53a9f72be733fc0bcb005b3ebbac"),
        ("efficientnetv2-s_notop.h5", "https://storage.googleapis.com/tensorflow/"
         "keras-applications/efficientnet_v2/efficientnetv2-s_notop.h5", "models",
         "af0682fb74e8c54910f2d4393339c070"),
    ]
    assert loaded == ["published.h5", "published.h5"]
    # The V1 files divide by the variance: one more Rescaling by 1/sqrt(std) (Keras names it
    # "rescaling_1"); it has no weights, so the file's layer order is unchanged.
    extra = model.layers[3]
    assert extra.name == "rescaling_1"
    np.testing.assert_allclose(extra.scale, 1.0 / np.sqrt([0.229, 0.224, 0.225]))
    assert model.input.shape == (None, 224, 224, 3)
    assert v2.layers[1].offset == -1  # S, M and L scale pixels to [-1, 1]


def test_channels_first_gives_the_same_predictions():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 255, BATCH).astype("float32")
    last = efficientnet_v2.EfficientNetV2B0(weights=None, input_shape=(32, 32, 3), classes=4,
                                            classifier_activation=None)
    previous = cornu.config.image_data_format()
    cornu.config.set_image_data_format("channels_first")
    try:
        first = efficientnet_v2.EfficientNetV2B0(weights=None, input_shape=(3, 32, 32), classes=4,
                                                 classifier_activation=None)
    finally:
        cornu.config.set_image_data_format(previous)
    weights = [w + rng.uniform(0.1, 0.3, w.shape).astype(w.dtype) if w.ndim == 1 else w
               for w in last.get_weights()]  # batch-norm statistics that matter
    last.set_weights(weights)
    first.set_weights(weights)
    expected = last.predict(x, verbose=0)
    np.testing.assert_allclose(first.predict(x.transpose(0, 3, 1, 2), verbose=0), expected,
                               rtol=1e-4, atol=1e-4 * max(1.0, float(np.abs(expected).max())))


def test_public_paths_and_pass_through_preprocessing():
    assert cornu.applications.EfficientNetB7 is efficientnet.EfficientNetB7
    assert cornu.applications.EfficientNetV2L is efficientnet_v2.EfficientNetV2L
    x = np.full((1, 32, 32, 3), 200.0, "float32")
    assert efficientnet.preprocess_input(x) is x
    assert efficientnet_v2.preprocess_input(x, data_format="channels_last") is x
    for module in (efficientnet, efficientnet_v2):
        with pytest.raises(ValueError, match="expects a batch of predictions"):
            module.decode_predictions(np.zeros((2, 10)))


def test_custom_scaling_and_names():
    tiny = efficientnet.EfficientNet(0.5, 0.5, 224, blocks_args=efficientnet.DEFAULT_BLOCKS_ARGS[:2],
                                     weights=None, include_top=False, input_shape=(32, 32, 3))
    assert tiny.name == "efficientnet"
    assert tiny.get_layer("stem_conv").filters == 16
    assert tiny.get_layer("block2a_project_conv").filters == 16
    # Keras looks the V2 stages up by model name (a KeyError for any other name); cornu keeps
    # the variant's stages.
    named = efficientnet_v2.EfficientNetV2B0(weights=None, include_top=False, input_shape=(32, 32, 3),
                                             name="my_backbone")
    assert named.name == "my_backbone"
    assert named.count_params() == 5919312


def test_bad_arguments_raise_keras_errors(tmp_path):
    with pytest.raises(ValueError, match="`weights` argument should be either"):
        efficientnet.EfficientNetB0(weights=str(tmp_path / "missing.h5"))
    with pytest.raises(ValueError, match="`classes` should be 1000"):
        efficientnet_v2.EfficientNetV2B0(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="Input size must be at least 32x32"):
        efficientnet.EfficientNetB0(weights=None, include_top=False, input_shape=(31, 31, 3))
    with pytest.raises(ValueError, match="The number of repeats in `EfficientNet` must be > 0"):
        efficientnet.EfficientNet(1.0, 1.0, 224, weights=None, input_shape=(32, 32, 3),
                                  blocks_args=[dict(efficientnet.DEFAULT_BLOCKS_ARGS[0], repeats=0)])
    with pytest.raises(ValueError, match="The number of repeats in `EfficientNetV2` must be > 0"):
        efficientnet_v2.EfficientNetV2(
            1.0, 1.0, 224, weights=None, input_shape=(32, 32, 3),
            blocks_args=[dict(efficientnet_v2.DEFAULT_BLOCKS_ARGS["efficientnetv2-b0"][0], num_repeat=0)])
    weights_file = tmp_path / "weights.h5"
    weights_file.write_bytes(b"")
    with pytest.raises(ValueError, match="Only `None` and `softmax` activations are allowed"):
        efficientnet_v2.EfficientNetV2B0(weights=str(weights_file), classifier_activation="relu",
                                         input_shape=(32, 32, 3))
