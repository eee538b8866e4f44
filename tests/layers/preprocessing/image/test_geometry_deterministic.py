"""``Resizing`` and ``CenterCrop`` next to the real Keras 3.15.1 on fixed images, masks and boxes."""

import json

import numpy as np
import pytest

import cornu

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(0, 255, (2, 9, 7, 3)).astype("float32")
MASKS = RNG.integers(0, 4, (2, 9, 7, 1)).astype("float32")
BOXES = np.array([[[1, 1, 5, 6], [0, 2, 6, 8]], [[2, 3, 4, 4], [-1, -1, -1, -1]]], "float32")
LABELS = np.array([[1, 2], [3, -1]], "int32")


def _np(x):
    return np.asarray(cornu.ops.convert_to_numpy(x))


def _data():
    return {"images": IMAGES, "segmentation_masks": MASKS, "bounding_boxes": {"boxes": BOXES, "labels": LABELS}}


def _assert_same(out, k_out):
    np.testing.assert_allclose(_np(out["images"]), np.asarray(k_out["images"]), rtol=1e-4, atol=1e-2)
    np.testing.assert_allclose(_np(out["segmentation_masks"]), np.asarray(k_out["segmentation_masks"]), atol=1e-4)
    for key in ("boxes", "labels"):
        np.testing.assert_allclose(_np(out["bounding_boxes"][key]), np.asarray(k_out["bounding_boxes"][key]),
                                   rtol=1e-5, atol=1e-4)


def _config(layer):
    return json.loads(json.dumps({k: v for k, v in layer.get_config().items() if k != "name"}))


RESIZE_CASES = [
    {"interpolation": interpolation, "antialias": antialias, **extra}
    for interpolation in ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5")
    for antialias, extra in ((False, {}), (True, {"crop_to_aspect_ratio": True}),
                             (False, {"pad_to_aspect_ratio": True, "fill_value": 7.0}))
]


@pytest.mark.parametrize("kwargs", RESIZE_CASES)
@pytest.mark.parametrize("size", [(5, 4), (12, 5)])
def test_resizing_matches_keras(keras_ref, kwargs, size):
    layer = cornu.layers.Resizing(*size, bounding_box_format="xyxy", **kwargs)
    k_layer = keras_ref.layers.Resizing(*size, bounding_box_format="xyxy", **kwargs)
    out = layer(_data())
    assert isinstance(out["images"], np.ndarray)  # host data in, NumPy out
    _assert_same(out, k_layer(_data()))
    assert _config(layer) == _config(k_layer)
    assert layer.compute_output_shape((None, 9, 7, 3)) == k_layer.compute_output_shape((None, 9, 7, 3))


def test_resizing_keeps_integer_images_and_channels_first(keras_ref):
    images = RNG.integers(0, 255, (2, 9, 7, 3)).astype("uint8")
    out = cornu.layers.Resizing(4, 5)(images)
    assert out.dtype == np.uint8
    # Rounded back to uint8: a value at exactly .5 may round either way after float32 sums.
    np.testing.assert_allclose(out.astype("int32"), np.asarray(keras_ref.layers.Resizing(4, 5)(images)).astype("int32"),
                               atol=1)
    first = np.transpose(IMAGES, (0, 3, 1, 2))
    out = cornu.layers.Resizing(4, 5, data_format="channels_first", crop_to_aspect_ratio=True)(first)
    expected = keras_ref.layers.Resizing(4, 5, data_format="channels_first", crop_to_aspect_ratio=True)(first)
    np.testing.assert_allclose(out, np.asarray(expected), rtol=1e-4, atol=1e-2)
    np.testing.assert_allclose(cornu.layers.Resizing(4, 5)(IMAGES[0]), np.asarray(keras_ref.layers.Resizing(4, 5)(IMAGES[0])),
                               rtol=1e-4, atol=1e-2)


@pytest.mark.parametrize("fmt", ["xyxy", "rel_yxyx", "center_xywh"])
def test_resizing_boxes_in_other_formats(keras_ref, fmt):
    boxes = np.asarray(keras_ref.utils.bounding_boxes.convert_format(BOXES[:1, :1], "xyxy", fmt, height=9, width=7))
    data = {"images": IMAGES[:1], "bounding_boxes": {"boxes": boxes, "labels": LABELS[:1, :1]}}
    out = cornu.layers.Resizing(5, 4, bounding_box_format=fmt, pad_to_aspect_ratio=True)(data)
    expected = keras_ref.layers.Resizing(5, 4, bounding_box_format=fmt, pad_to_aspect_ratio=True)(data)
    np.testing.assert_allclose(out["bounding_boxes"]["boxes"], np.asarray(expected["bounding_boxes"]["boxes"]),
                               rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("size", [(4, 4), (9, 3), (12, 5), (5, 10)])
def test_center_crop_matches_keras(keras_ref, size):
    layer = cornu.layers.CenterCrop(*size, bounding_box_format="xyxy")
    k_layer = keras_ref.layers.CenterCrop(*size, bounding_box_format="xyxy")
    _assert_same(layer(_data()), k_layer(_data()))
    np.testing.assert_allclose(layer(IMAGES[1]), np.asarray(k_layer(IMAGES[1])), rtol=1e-4, atol=1e-2)
    assert _config(layer) == _config(k_layer)
    assert layer.compute_output_shape((2, 9, 7, 3)) == (2,) + size + (3,)


def test_errors():
    with pytest.raises(ValueError, match="interpolation"):
        cornu.layers.Resizing(2, 2, interpolation="area")(IMAGES)
    with pytest.raises(ValueError, match="Only one of"):
        cornu.layers.Resizing(2, 2, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)(IMAGES)
    with pytest.raises(ValueError, match="rank"):
        cornu.layers.CenterCrop(2, 2).compute_output_shape((4, 4))
