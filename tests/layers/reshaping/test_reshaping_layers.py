"""Permute, RepeatVector, UpSampling, ZeroPadding and Cropping, side by side with Keras."""

import re

import numpy as np
import pytest

import cornu

from tests.helpers.small_layers import CLASSES, check_against_keras, numpy_of

CASES = [
    ("Permute", (2, 3, 4), {"dims": (2, 1)}),
    ("Permute", (2, 3, 4, 5), {"dims": (3, 1, 2)}),
    ("RepeatVector", (2, 4), {"n": 3}),
    ("UpSampling1D", (2, 3, 4), {}),
    ("UpSampling1D", (2, 3, 4), {"size": 3}),
    ("UpSampling2D", (2, 3, 4, 2), {"size": (2, 3)}),
    ("UpSampling2D", (2, 2, 3, 4), {"size": 2, "data_format": "channels_first"}),
    ("UpSampling2D", (2, 3, 4, 2), {"size": (2, 3), "interpolation": "bilinear"}),
    ("UpSampling2D", (2, 2, 3, 4), {"size": (3, 2), "interpolation": "bilinear", "data_format": "channels_first"}),
    ("UpSampling2D", (1, 3, 4, 2), {"size": 2, "interpolation": "bicubic"}),
    ("UpSampling2D", (1, 3, 4, 2), {"size": 2, "interpolation": "lanczos3"}),
    ("UpSampling3D", (1, 2, 3, 2, 2), {"size": (1, 2, 3)}),
    ("UpSampling3D", (1, 2, 2, 3, 2), {"size": 2, "data_format": "channels_first"}),
    ("ZeroPadding1D", (2, 3, 4), {}),
    ("ZeroPadding1D", (2, 3, 4), {"padding": (1, 3)}),
    ("ZeroPadding1D", (2, 3, 4), {"padding": 2, "data_format": "channels_first"}),
    ("ZeroPadding2D", (2, 3, 4, 2), {}),
    ("ZeroPadding2D", (2, 3, 4, 2), {"padding": ((1, 0), (2, 3))}),
    ("ZeroPadding2D", (2, 2, 3, 4), {"padding": (2, 1), "data_format": "channels_first"}),
    ("ZeroPadding3D", (1, 2, 3, 2, 2), {}),
    ("ZeroPadding3D", (1, 2, 2, 3, 2), {"padding": ((1, 0), (0, 2), (1, 1)), "data_format": "channels_first"}),
    ("Cropping1D", (2, 5, 3), {}),
    ("Cropping1D", (2, 5, 3), {"cropping": (2, 0)}),
    ("Cropping2D", (2, 5, 6, 2), {}),
    ("Cropping2D", (2, 5, 6, 2), {"cropping": ((1, 0), (2, 1))}),
    ("Cropping2D", (2, 2, 5, 6), {"cropping": 1, "data_format": "channels_first"}),
    ("Cropping2D", (2, 5, 6, 2), {"cropping": (0, 2)}),
    ("Cropping3D", (1, 4, 5, 4, 2), {}),
    ("Cropping3D", (1, 2, 4, 5, 4), {"cropping": ((1, 0), (0, 2), (1, 1)), "data_format": "channels_first"}),
    ("Cropping3D", (1, 4, 5, 4, 2), {"cropping": ((0, 0), (2, 1), (0, 3))}),
]


@pytest.mark.parametrize("name, input_shape, kwargs", CASES, ids=lambda v: str(v))
def test_matches_keras(keras_ref, name, input_shape, kwargs):
    check_against_keras(keras_ref, name, input_shape, kwargs)


def test_nearest_upsampling_repeats_values():
    x = np.arange(4, dtype="float32").reshape(1, 2, 2, 1)
    out = numpy_of(CLASSES["UpSampling2D"](size=(1, 2))(x))
    np.testing.assert_array_equal(out[0, :, :, 0], [[0, 0, 1, 1], [2, 2, 3, 3]])


def test_padding_and_cropping_invert_each_other():
    x = np.random.normal(size=(2, 3, 4, 5, 2)).astype("float32")
    pairs = ((1, 0), (2, 2), (0, 3))
    padded = CLASSES["ZeroPadding3D"](pairs)(x)
    assert tuple(padded.shape) == (2, 4, 8, 8, 2)
    np.testing.assert_array_equal(numpy_of(CLASSES["Cropping3D"](pairs)(padded)), x)


def test_unknown_spatial_sizes_stay_unknown():
    x = cornu.Input(batch_shape=(None, None, 4))
    assert tuple(CLASSES["UpSampling1D"](2)(x).shape) == (None, None, 4)
    assert tuple(CLASSES["ZeroPadding1D"](1)(x).shape) == (None, None, 4)
    assert tuple(CLASSES["Cropping1D"](1)(x).shape) == (None, None, 4)
    assert tuple(CLASSES["Permute"]((2, 1))(x).shape) == (None, 4, None)


def test_permute_keeps_integer_dtype():
    x = cornu.Input(shape=(3, 4), dtype="int32")
    assert CLASSES["Permute"]((2, 1))(x).dtype == "int32"


@pytest.mark.parametrize("name, kwargs, match", [
    ("Permute", {"dims": (1, 3)}, "Permute"),
    ("Permute", {"dims": (0, 1)}, "batch axis"),
    ("UpSampling1D", {"size": 0}, "UpSampling1D"),
    ("UpSampling2D", {"size": (2, 0)}, "UpSampling2D"),
    ("UpSampling2D", {"interpolation": "cubic"}, "interpolation"),
    ("UpSampling3D", {"size": (2, 2)}, "UpSampling3D"),
    ("ZeroPadding1D", {"padding": (1, 2, 3)}, "ZeroPadding1D"),
    ("ZeroPadding2D", {"padding": (1, 2, 3)}, "ZeroPadding2D"),
    ("ZeroPadding2D", {"padding": -1}, "ZeroPadding2D"),
    ("ZeroPadding3D", {"padding": ((1, 1), (1, -1), (0, 0))}, "ZeroPadding3D"),
    ("Cropping1D", {"cropping": -1}, "Cropping1D"),
    ("Cropping2D", {"cropping": -1}, "Cropping2D"),
    ("Cropping3D", {"cropping": ((1, 1), (1, 1))}, "Cropping3D"),
    ("RepeatVector", {"n": 0}, "RepeatVector"),
])
def test_bad_arguments_raise_clear_errors(name, kwargs, match):
    with pytest.raises(ValueError, match=match):
        CLASSES[name](**kwargs)


def test_non_integer_sizes_raise_type_errors():
    with pytest.raises(TypeError, match="RepeatVector"):
        CLASSES["RepeatVector"](2.0)
    with pytest.raises(TypeError, match="UpSampling1D"):
        CLASSES["UpSampling1D"]("2")


@pytest.mark.parametrize("name, kwargs, shape", [
    ("Cropping1D", {"cropping": (2, 3)}, (1, 5, 2)),
    ("Cropping2D", {"cropping": ((1, 1), (3, 3))}, (1, 4, 6, 2)),
    ("Cropping3D", {"cropping": 2}, (1, 4, 5, 5, 2)),
])
def test_cropping_everything_away_is_refused(name, kwargs, shape):
    layer = CLASSES[name](**kwargs)
    with pytest.raises(ValueError, match=name):
        layer(np.ones(shape, "float32"))
    with pytest.raises(ValueError, match=name):
        layer.compute_output_shape(shape)


def test_wrong_rank_is_refused_with_the_layer_name():
    with pytest.raises(ValueError, match="repeat_vector"):
        CLASSES["RepeatVector"](2)(np.ones((2, 3, 4), "float32"))


@pytest.mark.parametrize("name, kwargs", [
    ("PReLU", {}), ("ReLU", {}), ("GroupNormalization", {"groups": 2}),
    ("UpSampling2D", {}),
    ("ZeroPadding1D", {}),
    ("Cropping3D", {}),
    ("SpatialDropout2D", {"rate": 0.5}),
])
def test_default_names_match_keras(keras_ref, name, kwargs):
    keras_name = re.sub(r"_\d+$", "", getattr(keras_ref.layers, name)(**kwargs).name)  # Keras's session counter
    assert CLASSES[name](**kwargs).name == keras_name
