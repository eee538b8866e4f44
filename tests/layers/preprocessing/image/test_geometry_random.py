"""The random geometric layers next to the real Keras 3.15.1: both layers' ``transform_*`` on the
SAME transformation (drawn by Keras), configs, the draw's keys/shapes/ranges, and the call paths."""

import json

import numpy as np
import optree
import pytest

import cornu

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(0, 255, (2, 9, 7, 3)).astype("float32")
MASKS = RNG.integers(0, 4, (2, 9, 7, 1)).astype("float32")
BOXES = np.array([[[1, 1, 5, 6], [0, 2, 6, 8]], [[2, 3, 4, 4], [3, 1, 6, 5]]], "float32")
LABELS = np.array([[1, 2], [3, 1]], "int32")


def _np(x):
    return np.asarray(cornu.ops.convert_to_numpy(x))


def _host(transformation):
    """Keras's transformation with every array as NumPy (shapes and Python numbers kept)."""
    return optree.tree_map(lambda v: np.asarray(v) if hasattr(v, "shape") and not isinstance(v, tuple) else v,
                           transformation, none_is_leaf=True)


def _config(layer):
    return json.loads(json.dumps({k: v for k, v in layer.get_config().items() if k != "name"}))


CASES = []
for fill_mode, interpolation in [("reflect", "bilinear"), ("constant", "bilinear"), ("wrap", "bilinear"),
                                  ("nearest", "bilinear"), ("constant", "nearest"), ("reflect", "nearest")]:
    if True:
        options = {"fill_mode": fill_mode, "interpolation": interpolation, "fill_value": 5.0}
        CASES += [("RandomRotation", (0.2,), options), ("RandomZoom", (0.3, (-0.2, 0.4)), options),
                  ("RandomTranslation", (0.3, 0.2), options), ("RandomShear", (0.3, 0.2), options)]
CASES += [("RandomZoom", ((-0.5, -0.2),), {}), ("RandomFlip", ("horizontal",), {}), ("RandomFlip", ("vertical",), {}),
          ("RandomFlip", (), {}), ("RandomPerspective", (), {}),
          ("RandomPerspective", (0.5, 0.3), {"interpolation": "nearest", "fill_value": 3.0})]


@pytest.mark.parametrize("name,args,kwargs", CASES)
def test_same_transformation_same_output(keras_ref, name, args, kwargs):
    layer = getattr(cornu.layers, name)(*args, bounding_box_format="xyxy", seed=3, **kwargs)
    k_layer = getattr(keras_ref.layers, name)(*args, bounding_box_format="xyxy", seed=3, **kwargs)
    t = _host(k_layer.get_random_transformation({"images": IMAGES}, training=True))
    np.testing.assert_allclose(_np(layer.transform_images(IMAGES, t)), np.asarray(k_layer.transform_images(IMAGES, t)),
                               rtol=1e-4, atol=2e-2)
    np.testing.assert_allclose(_np(layer.transform_segmentation_masks(MASKS, t)),
                               np.asarray(k_layer.transform_segmentation_masks(MASKS, t)), atol=1e-4)
    boxes = layer.transform_bounding_boxes({"boxes": BOXES, "labels": LABELS}, t)
    k_boxes = k_layer.transform_bounding_boxes({"boxes": BOXES, "labels": LABELS}, t)
    for key in ("boxes", "labels"):
        np.testing.assert_allclose(_np(boxes[key]), np.asarray(k_boxes[key]), rtol=1e-4, atol=1e-3)
    assert _config(layer) == _config(k_layer)


@pytest.mark.parametrize("fmt", ["center_xywh", "rel_yxyx"])
@pytest.mark.parametrize("name,args", [("RandomTranslation", (0.3, 0.2)), ("RandomFlip", ()), ("RandomZoom", (0.3,)),
                                       ("RandomShear", (0.3, 0.2)), ("RandomRotation", (0.1,))])
def test_boxes_in_other_formats(keras_ref, fmt, name, args):
    boxes = np.asarray(keras_ref.utils.bounding_boxes.convert_format(BOXES, "xyxy", fmt, height=9, width=7))
    layer = getattr(cornu.layers, name)(*args, bounding_box_format=fmt)
    k_layer = getattr(keras_ref.layers, name)(*args, bounding_box_format=fmt)
    t = _host(k_layer.get_random_transformation({"images": IMAGES}, training=True))
    out = layer.transform_bounding_boxes({"boxes": boxes, "labels": LABELS}, t)
    expected = k_layer.transform_bounding_boxes({"boxes": boxes, "labels": LABELS}, t)
    np.testing.assert_allclose(_np(out["boxes"]), np.asarray(expected["boxes"]), rtol=1e-4, atol=1e-3)


def test_random_crop_matches_keras_on_images(keras_ref):
    layer, k_layer = cornu.layers.RandomCrop(4, 5, seed=1), keras_ref.layers.RandomCrop(4, 5, seed=1)
    for t in [(0, 0), (2, 1), (5, 2)]:
        np.testing.assert_allclose(_np(layer.transform_images(IMAGES, t)), np.asarray(k_layer.transform_images(IMAGES, t)))
    config, k_config = _config(layer), _config(k_layer)
    assert config == k_config
    # No seed: a seed is still recorded, as in Keras.
    assert isinstance(cornu.layers.RandomCrop(2, 2).get_config()["seed"], int)
    # Boxes move with the window: x by its left edge, y by its top edge, clipped to the crop.
    layer = cornu.layers.RandomCrop(4, 5, bounding_box_format="xyxy")
    out = layer.transform_bounding_boxes({"boxes": BOXES, "labels": LABELS}, (2, 1))
    np.testing.assert_allclose(_np(out["boxes"])[0], [[0, 0, 4, 4], [0, 0, 5, 4]])


def test_random_crop_draws_inside_and_centres_at_inference():
    layer = cornu.layers.RandomCrop(4, 5, seed=2)
    starts = {tuple(int(v) for v in _np(np.stack([_np(s) for s in layer.get_random_transformation(IMAGES)])))
              for _ in range(30)}
    assert len(starts) > 3 and all(0 <= top <= 5 and 0 <= left <= 2 for top, left in starts)
    out = layer(IMAGES, training=False)
    assert out.shape == (2, 4, 5, 3)
    np.testing.assert_allclose(out, cornu.layers.Resizing(4, 5, crop_to_aspect_ratio=True)(IMAGES), rtol=1e-5)
    assert layer(IMAGES[:, :4, :5]).shape == (2, 4, 5, 3)


@pytest.mark.parametrize("name,args", [("RandomRotation", (0.2,)), ("RandomZoom", (0.3, 0.2)),
                                       ("RandomTranslation", (0.3, 0.2)), ("RandomShear", (0.3, 0.2)),
                                       ("RandomFlip", ()), ("RandomPerspective", ()), ("RandomElasticTransform", ())])
def test_transformation_keys_shapes_and_no_op_at_inference(keras_ref, name, args):
    layer = getattr(cornu.layers, name)(*args, seed=4)
    k_layer = getattr(keras_ref.layers, name)(*args, seed=4)
    t = layer.get_random_transformation(IMAGES, training=True)
    k_t = k_layer.get_random_transformation(IMAGES, training=True)
    assert sorted(t) == sorted(k_t)
    for key, value in k_t.items():
        if hasattr(value, "shape") and key != "seed":
            assert tuple(_np(t[key]).shape) == tuple(np.asarray(value).shape), key
    assert layer.get_random_transformation(IMAGES, training=False) is None
    np.testing.assert_array_equal(layer(IMAGES, training=False), IMAGES)
    big = RNG.uniform(0, 255, (8, 16, 16, 3)).astype("float32")
    out = layer(big)
    assert isinstance(out, np.ndarray) and out.shape == big.shape and not np.allclose(out, big)
    assert layer(IMAGES[0]).shape == IMAGES[0].shape
    assert _config(layer) == _config(k_layer)


def test_random_draw_ranges():
    rotation = cornu.layers.RandomRotation((-0.1, 0.05), seed=1)
    angles = np.concatenate([_np(rotation.get_random_transformation(np.zeros((64, 4, 4, 1)))["angle"])])
    assert angles.min() >= -36.0 and angles.max() <= 18.0 and angles.std() > 5.0
    zoom = cornu.layers.RandomZoom((-0.5, -0.2), seed=1)
    zooms = _np(zoom.get_random_transformation(np.zeros((64, 4, 4, 1)))["height_zoom"])
    assert zooms.min() >= 0.5 and zooms.max() <= 0.8
    flips = _np(cornu.layers.RandomFlip(seed=1).get_random_transformation(np.zeros((400, 2, 2, 1)))["flips"])
    assert 0.4 < flips.mean() < 0.6
    shear = _np(cornu.layers.RandomShear(0.3, 0.0, seed=1).get_random_transformation(np.zeros((200, 2, 2, 1)))["shear_factor"])
    assert np.abs(shear[:, 0]).max() <= 0.3 and (shear[:, 0] < 0).any() and (shear[:, 0] > 0).any()
    np.testing.assert_array_equal(shear[:, 1], 0.0)


def test_elastic_transform_moves_pixels_and_clips():
    layer = cornu.layers.RandomElasticTransform(scale=0.5, value_range=(0, 200), seed=5)
    images = np.tile(np.linspace(0, 255, 16, dtype="float32")[None, :, None, None], (2, 1, 16, 3))
    out = layer(images)
    assert out.max() <= 200.0 and out.shape == images.shape and not np.allclose(out, np.clip(images, 0, 200))
    assert cornu.layers.RandomElasticTransform(factor=0.0)(images) is not None
    np.testing.assert_allclose(cornu.layers.RandomElasticTransform(factor=0.0)(images), images)


def test_option_errors():
    with pytest.raises(NotImplementedError, match="fill_mode"):
        cornu.layers.RandomRotation(0.1, fill_mode="mirror")
    with pytest.raises(NotImplementedError, match="interpolation"):
        cornu.layers.RandomZoom(0.1, interpolation="bicubic")
    with pytest.raises(ValueError, match="height_factor"):
        cornu.layers.RandomZoom(-1.0)
    with pytest.raises(ValueError, match="factor"):
        cornu.layers.RandomTranslation(1.5, 0.1)
    with pytest.raises(ValueError, match="factor"):
        cornu.layers.RandomShear(-0.2)
    with pytest.raises(ValueError, match="scale"):
        cornu.layers.RandomPerspective(scale=2.0)
    with pytest.raises(ValueError, match="scale"):
        cornu.layers.RandomElasticTransform(scale=2.0)


ALL_LAYERS = [("RandomRotation", (0.2,)), ("RandomZoom", (0.3,)), ("RandomTranslation", (0.3, 0.2)),
              ("RandomShear", (0.3, 0.2)), ("RandomFlip", ()), ("RandomPerspective", ()), ("RandomCrop", (5, 4)),
              ("Resizing", (5, 4)), ("CenterCrop", (5, 4))]


@pytest.mark.parametrize("name,args", ALL_LAYERS)
def test_dict_inputs_batched_and_single(name, args):
    layer = getattr(cornu.layers, name)(*args, bounding_box_format="xyxy")
    out = layer({"images": IMAGES, "segmentation_masks": MASKS, "labels": np.array([0, 1]),
                 "bounding_boxes": {"boxes": BOXES, "labels": LABELS}})
    height, width = out["images"].shape[1:3]
    assert out["segmentation_masks"].shape[1:3] == (height, width)
    assert set(np.unique(out["segmentation_masks"])) <= {0.0, 1.0, 2.0, 3.0}  # nearest: no blended classes
    boxes = out["bounding_boxes"]["boxes"]
    assert boxes.shape == BOXES.shape and isinstance(boxes, np.ndarray)
    assert boxes.min() >= 0 and (boxes[..., 2] <= width + 1e-4).all() and (boxes[..., 3] <= height + 1e-4).all()
    np.testing.assert_array_equal(out["labels"], [0, 1])
    single = layer({"images": IMAGES[0], "segmentation_masks": MASKS[0],
                    "bounding_boxes": {"boxes": BOXES[0], "labels": LABELS[0]}})
    assert single["images"].shape == (height, width, 3) and single["bounding_boxes"]["boxes"].shape == (2, 4)
    assert single["bounding_boxes"]["labels"].shape == (2,)
