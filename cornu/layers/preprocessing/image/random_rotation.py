"""``RandomRotation``: rotates each image by a random angle during training."""

from cornu.layers.preprocessing.image import bounding_boxes as box_utils
from cornu.layers.preprocessing.image.base_image_layer import BaseImagePreprocessingLayer
from cornu.layers.preprocessing.image.geometry_helpers import (batch_size, check_fill_and_interpolation,
                                                               image_size)
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.RandomRotation")
class RandomRotation(BaseImagePreprocessingLayer):
    """Rotates images about their centre by a random fraction of a full turn drawn from
    ``factor`` (a number ``f`` means ``[-f, f]``; 0.25 is up to 90 degrees either way).

    Example:
    >>> cornu.layers.RandomRotation(0.1, seed=0)(np.zeros((2, 8, 8, 3))).shape
    (2, 8, 8, 3)
    """

    _SUPPORTED_FILL_MODE = ("reflect", "wrap", "constant", "nearest")
    _SUPPORTED_INTERPOLATION = ("nearest", "bilinear")

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0,
                 data_format=None, **kwargs):
        super().__init__(factor=factor, data_format=data_format, **kwargs)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        self.fill_mode, self.interpolation, self.fill_value = fill_mode, interpolation, fill_value
        check_fill_and_interpolation(fill_mode, interpolation)

    def _transform_images(self, images, transformation, interpolation):
        return self.backend.image.affine_transform(images, transformation["rotation_matrix"], interpolation=interpolation,
                                                   fill_mode=self.fill_mode, fill_value=self.fill_value,
                                                   data_format=self.data_format)

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training:
            return bounding_boxes
        n = self.backend.numpy
        height, width, count = transformation["image_height"], transformation["image_width"], transformation["batch_size"]
        zeros, ones = n.zeros([count]), n.ones([count])
        bounding_boxes = dict(bounding_boxes)
        bounding_boxes["boxes"] = box_utils.affine_transform(bounding_boxes["boxes"], transformation["angle"], zeros, zeros,
                                                             ones, zeros, zeros, height, width)
        bounding_boxes = box_utils.clip_to_image_size(bounding_boxes, height=height, width=width)
        return box_utils.convert_format(bounding_boxes, "xyxy", self.bounding_box_format, height=height, width=width)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        n = self.backend.numpy
        shape = self.backend.shape(data["images"] if isinstance(data, dict) else data)
        count = batch_size(shape)
        height, width = image_size(shape, self.data_format)
        seed = self.draw_seed() if seed is None else seed
        angle = self.backend.random.uniform((count,), minval=self.factor[0] * 360.0, maxval=self.factor[1] * 360.0,
                                            seed=seed)
        zeros = n.zeros([count])
        matrix = self._compute_affine_matrix(0.5, 0.5, angle, zeros, zeros, n.ones([count]), zeros, zeros, height, width)
        if len(shape) == 3:
            matrix = n.squeeze(matrix, axis=0)
        return {"angle": angle, "rotation_matrix": matrix, "image_height": height, "image_width": width,
                "batch_size": count}

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "data_format": self.data_format, "fill_mode": self.fill_mode,
                       "fill_value": self.fill_value, "interpolation": self.interpolation, "seed": self.seed})
        return config
