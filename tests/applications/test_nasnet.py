"""NASNet (``cornu.applications.nasnet``) against the real Keras 3.15.1.

NASNetMobile at 32x32 (the smallest input Keras accepts) is built by Keras and by cornu: same
layers, weights and predictions; the default NASNetMobile and NASNetLarge are checked against
Keras's recorded structures. Keras 3.15.1 refuses to build NASNetMobile on its torch backend
(an outstanding Keras bug), so that reference runs on Keras's jax backend; cornu has no such
restriction and is compared with it on every backend.
"""

import json

import numpy as np
import pytest

import cornu
from cornu.applications import nasnet

from tests.helpers import applications_reference as reference

BATCH = (2, 32, 32, 3)
MOBILE_SMALL = {"input_shape": (32, 32, 3), "classes": 5, "classifier_activation": None}


@pytest.fixture(scope="module")
def mobile_reference():
    # The harness runs the NASNets on Keras's jax backend (Keras refuses them on torch).
    (folder,) = reference.prefetch([("NASNetMobile", MOBILE_SMALL, BATCH)])
    return folder


def test_mobile_matches_keras(mobile_reference):
    cornu.backend.clear_session()
    expected = json.loads((mobile_reference / "structure.json").read_text())
    model = nasnet.NASNetMobile(weights=str(mobile_reference / "weights.h5"), **MOBILE_SMALL)
    reference.assert_same_structure(reference.structure_of(model), expected, "NASNetMobile(32x32)")
    batch = np.load(mobile_reference / "reference.npz")
    reference.assert_close_outputs(reference.predict(model, batch["x"]), batch["y"], "NASNetMobile(32x32)")
    # The weights' paths carry Keras's name scopes (cell / block / separable block).
    assert model.get_layer("separable_conv_1_normal_left1_0").depthwise_kernel.path == (
        "normal_A_block_0/block_1/separable_conv_block_normal_left1_0/separable_conv_1_normal_left1_0/"
        "depthwise_kernel")


@pytest.mark.parametrize("builder", ["NASNetMobile", "NASNetLarge"])
def test_default_structure_matches_keras(builder):
    reference.check_structure(builder)


def test_mobile_without_top_defaults_to_224_and_pools():
    model = nasnet.NASNetMobile(weights=None, include_top=False, pooling="avg")
    assert model.input.shape == (None, 224, 224, 3)
    assert model.output.shape == (None, 1056)


def test_preprocess_input_scales_to_minus_one_one():
    x = np.array([[[[0.0, 127.5, 255.0]]]], "float32")
    np.testing.assert_allclose(nasnet.preprocess_input(x), [[[[-1.0, 0.0, 1.0]]]])
    assert nasnet.decode_predictions.__doc__ == cornu.applications.imagenet_utils.decode_predictions.__doc__


def test_errors_match_keras():
    with pytest.raises(ValueError, match="should be either"):
        nasnet.NASNetMobile(weights="no/such/file.h5")
    with pytest.raises(ValueError, match="classes` should be 1000"):
        nasnet.NASNetLarge(weights="imagenet", classes=10)
    # The ImageNet weights fix the input size when the classifier is kept.
    with pytest.raises(ValueError, match=r"should be \(224, 224, 3\)"):
        nasnet.NASNetMobile(weights="imagenet", input_shape=(32, 32, 3))
    with pytest.raises(ValueError, match="must be static"):
        nasnet.NASNetLarge(weights="imagenet", include_top=False, input_shape=(None, None, 3))
    with pytest.raises(ValueError, match="at least 32x32"):
        nasnet.NASNetMobile(weights=None, input_shape=(31, 31, 3))
    with pytest.raises(ValueError, match="multiple of 24"):
        nasnet.NASNet(input_shape=(32, 32, 3), penultimate_filters=100, weights=None)


class _Fetched(Exception):
    pass


def test_imagenet_weights_come_from_keras_url_with_keras_hash(monkeypatch):
    asked = {}

    def fake_get_file(fname, origin, **kwargs):
        asked.update(fname=fname, origin=origin, **kwargs)
        raise _Fetched()

    monkeypatch.setattr(nasnet, "get_file", fake_get_file)
    with pytest.raises(_Fetched):
        nasnet.NASNetMobile(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    assert asked == {"fname": "nasnet_mobile_no_top.h5", "cache_subdir": "models",
                     "origin": "https://storage.googleapis.com/tensorflow/keras-applications/nasnet/"
                               "NASNet-mobile-no-top.h5",
                     "file_hash": "1ed92395b5b598bdda52abe5c0dbfd63"}
