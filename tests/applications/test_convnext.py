"""ConvNeXt (``cornu.applications.convnext``) against the real Keras 3.15.1.

ConvNeXtTiny at 32x32 (its minimum) is built by Keras and by cornu: same layers, weights and
predictions; every variant's default (224x224) is checked against Keras's recorded default structures;
a ``.keras`` file (holding Keras's private ``LayerScale`` layers) moves both ways.
"""

import numpy as np
import pytest

import cornu
from cornu.applications import convnext
from cornu.applications.convnext_layers import LayerScale, StochasticDepth

from tests.helpers.applications_reference import (check_against_keras, check_keras_file_round_trip,
                                                  check_structure, prefetch)

BATCH = (2, 32, 32, 3)
PIXELS = (0.0, 255.0)  # ConvNeXt normalises [0, 255] pixels itself
TINY_WITH_TOP = {"input_shape": (32, 32, 3), "classes": 5, "classifier_activation": None}
TINY_POOLED = {"input_shape": (32, 32, 3), "include_top": False, "pooling": "max"}


@pytest.fixture(scope="module", autouse=True)
def _keras_references():
    # One Keras subprocess for both cases (cached for the other backends' runs).
    prefetch([("ConvNeXtTiny", TINY_WITH_TOP, BATCH, PIXELS), ("ConvNeXtTiny", TINY_POOLED, BATCH, PIXELS)])


@pytest.fixture(scope="module")
def tiny_and_batch():
    cornu.backend.clear_session()
    return check_against_keras("ConvNeXtTiny", TINY_WITH_TOP, BATCH, input_range=PIXELS)


def test_tiny_matches_keras(tiny_and_batch):
    model, _ = tiny_and_batch
    assert model.name == "convnext_tiny"
    assert model.get_layer("convnext_tiny_stem").__class__.__name__ == "Sequential"


def test_tiny_without_top_matches_keras():
    model, _ = check_against_keras("ConvNeXtTiny", TINY_POOLED, BATCH, input_range=PIXELS)
    assert model.output.shape == (None, 768)


def test_keras_file_moves_both_ways(tiny_and_batch, tmp_path):
    model, x = tiny_and_batch
    reloaded = check_keras_file_round_trip(model, x, tmp_path)
    scale = reloaded.get_layer("convnext_tiny_stage_0_block_0_layer_scale")
    assert isinstance(scale, LayerScale)
    assert scale.get_config()["projection_dim"] == 96


@pytest.mark.parametrize("builder", [
    "ConvNeXtTiny", "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtXLarge"])
def test_default_structure_matches_keras(builder):
    check_structure(builder)


def test_layer_scale_and_stochastic_depth_serialize_under_keras_path():
    config = cornu.saving.serialize_keras_object(LayerScale(0.5, 3, name="scale"))
    assert (config["module"], config["class_name"], config["registered_name"]) == (
        "keras.src.applications.convnext", "LayerScale", "LayerScale")
    assert config["config"]["init_values"] == 0.5
    restored = cornu.saving.deserialize_keras_object(
        {"module": "keras.src.applications.convnext", "class_name": "StochasticDepth",
         "config": {"name": "sd", "drop_path_rate": 0.25}, "registered_name": "StochasticDepth"})
    assert isinstance(restored, StochasticDepth) and restored.drop_path_rate == 0.25


def test_layer_scale_multiplies_by_its_scale():
    layer = LayerScale(0.5, 3)
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(cornu.ops.convert_to_numpy(layer(x)), x * 0.5)
    assert [tuple(w.shape) for w in layer.trainable_weights] == [(3,)]


def test_stochastic_depth_is_identity_at_inference():
    x = np.ones((4, 2, 2, 3), "float32")
    np.testing.assert_array_equal(cornu.ops.convert_to_numpy(StochasticDepth(0.5)(x, training=False)), x)


@pytest.mark.requires_trainable_backend
def test_stochastic_depth_drops_whole_samples_while_training():
    x = np.ones((64, 2, 2, 3), "float32")
    y = cornu.ops.convert_to_numpy(StochasticDepth(0.5)(x, training=True))
    per_sample = y.reshape(64, -1)
    # Each sample is either dropped (all 0) or kept and rescaled by 1 / keep_prob (all 2).
    assert set(np.unique(per_sample)) <= {0.0, 2.0}
    assert np.all(per_sample.min(axis=1) == per_sample.max(axis=1))
    assert 0 < np.count_nonzero(per_sample[:, 0]) < 64


def test_preprocess_input_is_identity_and_decode_predictions_is_imagenet_utils():
    x = np.full((1, 4, 4, 3), 7.0, "float32")
    assert convnext.preprocess_input(x) is x
    assert convnext.decode_predictions.__doc__ == cornu.applications.imagenet_utils.decode_predictions.__doc__


def test_errors_match_keras():
    with pytest.raises(ValueError, match="should be either"):
        convnext.ConvNeXtTiny(weights="no/such/file.h5")
    with pytest.raises(ValueError, match="classes` should be 1000"):
        convnext.ConvNeXtTiny(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="at least 32x32"):
        convnext.ConvNeXtTiny(weights=None, input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match="does not match weights variant"):
        # The check runs before any download: the name names the weights file.
        convnext.ConvNeXtTiny(weights="imagenet", include_top=False, input_shape=(32, 32, 3), name="mine")


def test_no_prestem_without_three_channels():
    model = convnext.ConvNeXtTiny(weights=None, include_top=False, input_shape=(32, 32, 1))
    assert "convnext_tiny_prestem_normalization" not in [layer.name for layer in model.layers]


class _Fetched(Exception):
    pass


def test_imagenet_weights_come_from_keras_url_with_keras_hash(monkeypatch):
    from cornu.applications import pretrained_weights

    asked = {}

    def fake_get_file(fname, origin, **kwargs):
        asked.update(fname=fname, origin=origin, **kwargs)
        raise _Fetched()

    monkeypatch.setattr(pretrained_weights, "get_file", fake_get_file)
    with pytest.raises(_Fetched):
        convnext.ConvNeXtTiny(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    assert asked == {"fname": "convnext_tiny_notop.h5", "cache_subdir": "models",
                     "origin": "https://storage.googleapis.com/tensorflow/keras-applications/convnext/"
                               "convnext_tiny_notop.h5",
                     "file_hash": "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1"}
