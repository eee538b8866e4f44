"""``MaxNumBoundingBoxes``: pads or truncates the boxes of each image to a fixed count."""

from cornu.layers.preprocessing.image.base_image_layer import BaseImagePreprocessingLayer
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.MaxNumBoundingBoxes")
class MaxNumBoundingBoxes(BaseImagePreprocessingLayer):
    """Makes every image carry exactly ``max_number`` boxes: extra boxes are dropped, missing ones
    are padding boxes and labels of ``fill_value``.

    Example:
    >>> layer = cornu.layers.MaxNumBoundingBoxes(3)
    >>> boxes = {"boxes": np.ones((2, 1, 4)), "labels": np.ones((2, 1))}
    >>> layer.transform_bounding_boxes(boxes, None)["boxes"].shape
    (2, 3, 4)
    """

    def __init__(self, max_number, fill_value=-1, **kwargs):
        super().__init__(**kwargs)
        self.max_number = int(max_number)
        self.fill_value = int(fill_value)

    def transform_images(self, images, transformation=None, training=True):
        return images

    def transform_labels(self, labels, transformation=None, training=True):
        return labels

    def transform_segmentation_masks(self, segmentation_masks, transformation=None, training=True):
        return segmentation_masks

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        n = self.backend.numpy
        boxes = self.backend.convert_to_tensor(bounding_boxes["boxes"])
        labels = self.backend.convert_to_tensor(bounding_boxes["labels"])
        missing = max(self.max_number - int(boxes.shape[1]), 0)
        boxes = n.pad(boxes[:, : self.max_number], [(0, 0), (0, missing), (0, 0)], constant_values=self.fill_value)
        labels = n.pad(labels[:, : self.max_number], [(0, 0), (0, missing)], constant_values=self.fill_value)
        out = dict(bounding_boxes)
        out["boxes"], out["labels"] = boxes, labels
        return out

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, dict) and "bounding_boxes" in input_shape:
            extra = set(input_shape["bounding_boxes"]) - {"boxes", "labels"}
            if extra:
                raise KeyError(f"There are unsupported keys in `bounding_boxes`: {list(extra)}. "
                               "Only `boxes` and `labels` are supported.")
            input_shape = dict(input_shape)
            shapes = dict(input_shape["bounding_boxes"])
            for key in ("boxes", "labels"):
                shape = list(shapes[key])
                shape[1] = self.max_number
                shapes[key] = tuple(shape)
            input_shape["bounding_boxes"] = shapes
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["max_number"] = self.max_number
        return config
