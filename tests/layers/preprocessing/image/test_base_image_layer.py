"""``BaseImagePreprocessingLayer``'s protocol (input kinds, factor rules, value ranges) next to the
real Keras 3.15.1's base class."""

import numpy as np
import pytest

import cornu
from cornu.layers.preprocessing.image.base_image_layer import BaseImagePreprocessingLayer

IMAGES = np.random.default_rng(1).uniform(0, 255, (2, 5, 6, 3)).astype("float32")


class AddShift(BaseImagePreprocessingLayer):
    """Adds a per-call random shift to images, masks and box x-coordinates; labels +1."""

    def __init__(self, **kwargs):
        super().__init__(factor=(0.0, 1.0), **kwargs)
        self.interpolation = "bilinear"
        self.seed_generator = cornu.random.SeedGenerator(1)

    def get_random_transformation(self, data, training=True, seed=None):
        return {"shift": self.backend.random.uniform((), 1.0, 2.0, seed=self.draw_seed())}

    def _transform_images(self, images, transformation, interpolation):
        return images + self.backend.cast(transformation["shift"], images.dtype)

    def transform_labels(self, labels, transformation, training=True):
        return labels + 1

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        out = dict(bounding_boxes)
        out["boxes"] = bounding_boxes["boxes"] + transformation["shift"]
        return out


def test_dict_batch_and_single_inputs():
    layer = AddShift(bounding_box_format="xyxy")
    boxes = {"boxes": np.ones((2, 3, 4), "float32"), "labels": np.zeros((2, 3), "int32")}
    data = {"images": IMAGES, "labels": np.array([0, 1]), "segmentation_masks": IMAGES[..., :1], "bounding_boxes": boxes}
    out = layer(data)
    shift = out["images"][0, 0, 0, 0] - IMAGES[0, 0, 0, 0]
    assert 1.0 <= shift <= 2.0
    np.testing.assert_allclose(out["images"], IMAGES + shift, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(out["segmentation_masks"], IMAGES[..., :1] + shift, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(out["bounding_boxes"]["boxes"], 1.0 + shift, rtol=1e-5)
    np.testing.assert_array_equal(out["labels"], [1, 2])
    assert all(isinstance(v, np.ndarray) for v in (out["images"], out["labels"], out["bounding_boxes"]["labels"]))
    assert set(data) == {"images", "labels", "segmentation_masks", "bounding_boxes"} and data["images"] is IMAGES

    single = layer({"images": IMAGES[0], "labels": np.array(3), "bounding_boxes": {"boxes": np.ones((3, 4)),
                                                                                  "labels": np.zeros(3)}})
    assert single["images"].shape == (5, 6, 3) and single["bounding_boxes"]["boxes"].shape == (3, 4)
    assert int(single["labels"]) == 4
    assert layer(IMAGES[0]).shape == (5, 6, 3) and layer(IMAGES).shape == (2, 5, 6, 3)
    np.testing.assert_allclose(layer(IMAGES, training=False), IMAGES)


def test_errors():
    with pytest.raises(ValueError, match="bounding box format"):
        AddShift()({"images": IMAGES, "bounding_boxes": {"boxes": np.ones((2, 1, 4)), "labels": np.ones((2, 1))}})
    with pytest.raises(ValueError, match="rank 3"):
        AddShift()(np.zeros((2, 2, 5, 6, 3), "float32"))


class _Plain(BaseImagePreprocessingLayer):
    pass


@pytest.mark.parametrize("factor", [0.3, -0.3, (0.2, -0.4), [0.1, 0.5], 1, None])
def test_factor_like_keras(keras_ref, factor):
    from keras.src.layers.preprocessing.image_preprocessing.base_image_preprocessing_layer import (
        BaseImagePreprocessingLayer as KerasBase,
    )

    assert tuple(_Plain(factor=factor).factor) == tuple(KerasBase(factor=factor).factor)


@pytest.mark.parametrize("factor", [1.5, (0.2, 0.3, 0.4), "big", (2.0, 3.0)])
def test_bad_factor_raises(factor):
    with pytest.raises(ValueError, match="factor"):
        _Plain(factor=factor)


def test_no_factor_layers_reject_a_factor():
    with pytest.raises(ValueError, match="does not take"):
        cornu.layers.Resizing(2, 2, factor=0.5)


def test_value_range_and_affine_matrix_match_keras(keras_ref):
    from keras.src.layers.preprocessing.image_preprocessing.base_image_preprocessing_layer import (
        BaseImagePreprocessingLayer as KerasBase,
    )

    ours, theirs = _Plain(), KerasBase()
    np.testing.assert_allclose(cornu.ops.convert_to_numpy(ours._transform_value_range(IMAGES, (0, 255), (-1, 1))),
                               np.asarray(theirs._transform_value_range(IMAGES, (0, 255), (-1, 1))), rtol=1e-5,
                               atol=1e-6)
    assert ours._transform_value_range(IMAGES, (0, 255), (0, 255)) is IMAGES
    angle = np.array([10.0, -40.0], "float32")
    args = (0.4, 0.6, angle, np.array([1.0, 2.0], "float32"), np.array([0.0, -3.0], "float32"),
            np.array([1.1, 0.9], "float32"), np.array([5.0, 0.0], "float32"), np.array([0.0, 8.0], "float32"), 9, 7)
    np.testing.assert_allclose(cornu.ops.convert_to_numpy(ours._compute_affine_matrix(*args)),
                               np.asarray(theirs._compute_affine_matrix(*args)), rtol=1e-5, atol=1e-5)
    assert ours.get_config()["data_format"] == "channels_last"
    assert "bounding_box_format" not in ours.get_config()
    assert _Plain(bounding_box_format="xywh").get_config()["bounding_box_format"] == "xywh"
