"""``keras.utils.bounding_boxes`` and ``MaxNumBoundingBoxes`` next to the real Keras 3.15.1."""

import itertools

import numpy as np
import pytest

import cornu
from cornu.backend import namespaces

FORMATS = ["xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw", "rel_xyxy", "rel_yxyx", "rel_xywh", "rel_center_xywh"]
RNG = np.random.default_rng(5)
XY = RNG.uniform(0, 20, (2, 3, 2)).astype("float32")
BOXES = np.concatenate([XY, XY + RNG.uniform(1, 10, (2, 3, 2)).astype("float32")], axis=-1)  # xyxy in a 24x32 image
LABELS = np.array([[0, 1, 2], [2, 1, -1]], "int32")


def _np(x):
    return np.asarray(cornu.ops.convert_to_numpy(x))


@pytest.mark.parametrize("source,target", list(itertools.permutations(FORMATS, 2))[::3] + [("xyxy", "xyxy")])
def test_convert_format_matches_keras(keras_ref, source, target):
    boxes = np.asarray(keras_ref.utils.bounding_boxes.convert_format(BOXES, "xyxy", source, height=24, width=32))
    expected = keras_ref.utils.bounding_boxes.convert_format(boxes, source, target, height=24, width=32)
    out = cornu.utils.bounding_boxes.convert_format(boxes, source, target, height=24, width=32)
    np.testing.assert_allclose(_np(out), np.asarray(expected), rtol=1e-5, atol=1e-4)


def test_convert_format_roundtrip_and_errors():
    for fmt in FORMATS:
        there = cornu.utils.bounding_boxes.convert_format(BOXES, "xyxy", fmt, height=24, width=32)
        back = cornu.utils.bounding_boxes.convert_format(there, fmt, "xyxy", height=24, width=32)
        np.testing.assert_allclose(_np(back), BOXES, rtol=1e-5, atol=1e-4)
    with pytest.raises(ValueError, match="height"):
        cornu.utils.bounding_boxes.convert_format(BOXES, "xyxy", "rel_xyxy")
    with pytest.raises(ValueError, match="last dimension of 4"):
        cornu.utils.bounding_boxes.convert_format(BOXES[..., :3], "xyxy", "xywh")
    with pytest.raises(ValueError, match="Invalid source or target"):
        cornu.utils.bounding_boxes.convert_format(BOXES, "xyxy", "corners")


def test_convert_format_on_numpy_namespace_gives_numpy():
    with namespaces.compute_on_numpy():
        out = cornu.utils.bounding_boxes.convert_format({"boxes": BOXES, "labels": LABELS}, "xyxy", "xywh")
    assert isinstance(out["boxes"], np.ndarray)
    np.testing.assert_allclose(out["boxes"][..., 2:], BOXES[..., 2:] - BOXES[..., :2], rtol=1e-6)


@pytest.mark.parametrize("fmt,height,width", [("xyxy", 12, 10), ("rel_xyxy", None, None)])
def test_clip_to_image_size_matches_keras(keras_ref, fmt, height, width):
    boxes = BOXES if fmt == "xyxy" else BOXES / 15.0
    k_out = keras_ref.utils.bounding_boxes.clip_to_image_size({"boxes": boxes, "labels": LABELS}, height, width, fmt)
    out = cornu.utils.bounding_boxes.clip_to_image_size({"boxes": boxes, "labels": LABELS}, height, width, fmt)
    np.testing.assert_allclose(_np(out["boxes"]), np.asarray(k_out["boxes"]), rtol=1e-6)
    np.testing.assert_array_equal(_np(out["labels"]), np.asarray(k_out["labels"]))


def test_affine_crop_pad_match_keras(keras_ref):
    angle, tx, ty = np.array([30.0, -75.0], "float32"), np.array([0.1, -0.2], "float32"), np.array([0.0, 0.3], "float32")
    scale, sx, sy = np.array([1.2, 0.8], "float32"), np.array([10.0, 0.0], "float32"), np.array([0.0, -5.0], "float32")
    args = (BOXES, angle, tx, ty, scale, sx, sy, 24, 32)
    for kwargs in ({}, {"center_x": 0.3, "center_y": 0.6}):
        np.testing.assert_allclose(_np(cornu.utils.bounding_boxes.affine_transform(*args, **kwargs)),
                                   np.asarray(keras_ref.utils.bounding_boxes.affine_transform(*args, **kwargs)),
                                   rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(_np(cornu.utils.bounding_boxes.crop(BOXES, 3, 4, 10, 12)),
                               np.asarray(keras_ref.utils.bounding_boxes.crop(BOXES, 3, 4, 10, 12)), rtol=1e-6)
    np.testing.assert_allclose(_np(cornu.utils.bounding_boxes.pad(BOXES, 3, 4)),
                               np.asarray(keras_ref.utils.bounding_boxes.pad(BOXES, 3, 4)), rtol=1e-6)
    with pytest.raises(NotImplementedError):
        cornu.utils.bounding_boxes.crop(BOXES, 3, 4, 10, 12, bounding_box_format="yxyx")


@pytest.mark.parametrize("use_masking", [False, True])
@pytest.mark.parametrize("batched", [False, True])
def test_compute_iou_matches_keras(keras_ref, use_masking, batched):
    boxes1 = BOXES if batched else BOXES[0]
    boxes2 = (BOXES[:, ::-1] + 1.5) if batched else BOXES[1]
    boxes2 = np.where(np.arange(3)[:, None] == 2, -1.0, boxes2).astype("float32") if use_masking else boxes2
    k_out = keras_ref.utils.bounding_boxes.compute_iou(boxes1, boxes2, "xyxy", use_masking=use_masking)
    out = cornu.utils.bounding_boxes.compute_iou(boxes1, boxes2, "xyxy", use_masking=use_masking)
    np.testing.assert_allclose(_np(out), np.asarray(k_out), rtol=1e-5, atol=1e-6)
    rel = cornu.utils.bounding_boxes.compute_iou(BOXES[0] / 32.0, BOXES[0] / 32.0, "rel_xyxy", image_shape=(32, 32, 3))
    np.testing.assert_allclose(np.diag(_np(rel)), 1.0, rtol=1e-5)


def test_compute_ciou_matches_keras(keras_ref):
    other = BOXES + np.array([1.0, -2.0, 3.0, 0.5], "float32")
    for fmt in ("xyxy", "center_xywh"):
        a = np.asarray(keras_ref.utils.bounding_boxes.convert_format(BOXES, "xyxy", fmt))
        b = np.asarray(keras_ref.utils.bounding_boxes.convert_format(other, "xyxy", fmt))
        np.testing.assert_allclose(_np(cornu.utils.bounding_boxes.compute_ciou(a, b, fmt)),
                                   np.asarray(keras_ref.utils.bounding_boxes.compute_ciou(a, b, fmt)), rtol=1e-5,
                                   atol=1e-5)


@pytest.mark.parametrize("encoding", ["center_yxhw", "center_xywh"])
@pytest.mark.parametrize("variance", [None, [0.1, 0.1, 0.2, 0.2]])
def test_encode_decode_deltas_match_keras(keras_ref, encoding, variance):
    anchors = BOXES[0]
    boxes = BOXES[1]
    k_deltas = keras_ref.utils.bounding_boxes.encode_box_to_deltas(anchors, boxes, "xyxy", "xyxy", encoding, variance)
    deltas = cornu.utils.bounding_boxes.encode_box_to_deltas(anchors, boxes, "xyxy", "xyxy", encoding, variance)
    np.testing.assert_allclose(_np(deltas), np.asarray(k_deltas), rtol=1e-5, atol=1e-5)
    decoded = cornu.utils.bounding_boxes.decode_deltas_to_boxes(anchors, deltas, "xyxy", "xyxy", encoding, variance)
    np.testing.assert_allclose(_np(decoded), boxes, rtol=1e-4, atol=1e-3)
    levels = cornu.utils.bounding_boxes.decode_deltas_to_boxes({"p3": anchors}, {"p3": deltas}, "xyxy", "xyxy",
                                                               encoding, variance)
    np.testing.assert_allclose(_np(levels["p3"]), boxes, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("max_number", [2, 5])
def test_max_num_bounding_boxes_matches_keras(keras_ref, max_number):
    images = np.zeros((2, 4, 4, 3), "float32")
    outs = []
    for lib in (keras_ref, cornu):
        layer = lib.layers.MaxNumBoundingBoxes(max_number, bounding_box_format="xyxy")
        outs.append((layer({"images": images, "bounding_boxes": {"boxes": BOXES, "labels": LABELS}}),
                     layer.get_config()))
    (k_out, k_config), (out, config) = outs
    assert isinstance(out["bounding_boxes"]["boxes"], np.ndarray)  # host data in, NumPy out
    for key in ("boxes", "labels"):
        np.testing.assert_allclose(out["bounding_boxes"][key], np.asarray(k_out["bounding_boxes"][key]))
    assert {k: v for k, v in config.items() if k != "name"} == {k: v for k, v in k_config.items() if k != "name"}
