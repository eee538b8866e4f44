"""``RandomCrop``: a random ``height`` x ``width`` window of each batch during training."""

import random

from cornu.layers.preprocessing.image import bounding_boxes as box_utils
from cornu.layers.preprocessing.image.base_image_layer import BaseImagePreprocessingLayer
from cornu.layers.preprocessing.image.image_resize import crop_window, resize_images, spatial_axes
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.RandomCrop")
class RandomCrop(BaseImagePreprocessingLayer):
    """Crops a random window of ``(height, width)`` (one offset per call) during training; at
    inference, or when the input is not larger than the target, crops the centre to the target
    aspect ratio and resizes (as Keras documents; Keras 3.15.1's code returns inference inputs
    unchanged).

    Example:
    >>> cornu.layers.RandomCrop(2, 3, seed=0)(np.zeros((4, 5, 5, 1))).shape
    (4, 2, 3, 1)
    """

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        super().__init__(name=name, data_format=data_format, **kwargs)
        self.height, self.width = height, width
        # As Keras: the config always records a seed (the generator still follows `seed`).
        self.seed = seed if seed is not None else random.randint(1, int(1e9))
        self.seed_generator = SeedGenerator(seed)
        self.height_axis, self.width_axis = (-2, -1) if self.data_format == "channels_first" else (-3, -2)
        self.supports_masking = False

    def get_random_transformation(self, data, training=True, seed=None):
        shape = self.backend.shape(data["images"] if isinstance(data, dict) else data)
        input_height, input_width = shape[self.height_axis], shape[self.width_axis]
        if input_height is None or input_width is None:
            raise ValueError(
                f"RandomCrop requires the input to have a fully defined height and width. Received: images.shape={shape}"
            )
        if training and input_height > self.height and input_width > self.width:
            next_seed = self.draw_seed if seed is None else (lambda: seed)
            uniform, cast = self.backend.random.uniform, self.backend.cast
            h_start = cast(uniform((), 0, maxval=float(input_height - self.height + 1), seed=next_seed()), "int32")
            w_start = cast(uniform((), 0, maxval=float(input_width - self.width + 1), seed=next_seed()), "int32")
            return h_start, w_start
        top, left, _, _ = crop_window(input_height, input_width, self.height, self.width)
        return top, left

    def transform_images(self, images, transformation, training=True):
        images = self.backend.cast(images, self.compute_dtype)
        rank = len(images.shape)
        h_axis, w_axis = spatial_axes(self.data_format, rank)
        height, width = int(images.shape[h_axis]), int(images.shape[w_axis])
        if training and height > self.height and width > self.width and transformation is not None:
            top, left = transformation
            if self.backend.is_tensor(top) and not self.backend.is_numpy:
                # A traced offset: slice dynamically.
                return self._dynamic_crop(images, top, left, rank, h_axis, w_axis)
            index = [slice(None)] * rank
            index[h_axis], index[w_axis] = slice(int(top), int(top) + self.height), slice(int(left), int(left) + self.width)
            return images[tuple(index)]
        if (height, width) == (self.height, self.width):
            return images
        return self.backend.cast(resize_images(self.backend, images, (self.height, self.width), crop_to_aspect_ratio=True,
                                               data_format=self.data_format), self.compute_dtype)

    def _dynamic_crop(self, images, top, left, rank, h_axis, w_axis):
        n = self.backend.numpy
        rows = n.arange(self.height) + self.backend.cast(top, "int32")
        cols = n.arange(self.width) + self.backend.cast(left, "int32")
        return n.take(n.take(images, rows, axis=h_axis % rank), cols, axis=w_axis % rank)

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return self.transform_images(segmentation_masks, transformation, training=training)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        # Boxes move with the crop window (x by its left edge, y by its top edge) and are clipped to it.
        top, left = transformation
        boxes = box_utils.convert_format(bounding_boxes["boxes"], self.bounding_box_format, "xyxy",
                                         height=self.height, width=self.width)
        top, left = self.backend.cast(top, boxes.dtype), self.backend.cast(left, boxes.dtype)
        boxes = box_utils.crop(boxes, top, left, self.height, self.width)
        boxes = box_utils.convert_format(boxes, "xyxy", self.bounding_box_format, height=self.height, width=self.width)
        return {"boxes": boxes, "labels": bounding_boxes["labels"]}

    def compute_output_shape(self, input_shape, *args, **kwargs):
        shape = list(input_shape)
        shape[self.height_axis], shape[self.width_axis] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "seed": self.seed, "data_format": self.data_format})
        return config
