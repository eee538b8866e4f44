"""``RandomTranslation``: shifts each image by a random offset during training."""

from cornu.layers.preprocessing.image import bounding_boxes as box_utils
from cornu.layers.preprocessing.image.base_image_layer import BaseImagePreprocessingLayer
from cornu.layers.preprocessing.image.geometry_helpers import (affine_on_batch, apply_projective, batch_size,
                                                               check_fill_and_interpolation, image_size,
                                                               symmetric_range)
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.RandomTranslation")
class RandomTranslation(BaseImagePreprocessingLayer):
    """Shifts images by random fractions of their height and width (``height_factor`` 0.2 draws
    a vertical shift in [-20%, +20%] of the height), filling the uncovered area by ``fill_mode``.

    Example:
    >>> cornu.layers.RandomTranslation(0.2, 0.2, seed=0)(np.zeros((2, 8, 8, 3))).shape
    (2, 8, 8, 3)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_VALIDATION_ERROR = (
        "The `factor` argument should be a number (or a list of two numbers) in the range [-1.0, 1.0]. "
    )
    _SUPPORTED_FILL_MODE = ("reflect", "wrap", "constant", "nearest")
    _SUPPORTED_INTERPOLATION = ("nearest", "bilinear")

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.height_lower, self.height_upper = self._set_factor(height_factor, "height_factor")
        self.width_factor = width_factor
        self.width_lower, self.width_upper = self._set_factor(width_factor, "width_factor")
        check_fill_and_interpolation(fill_mode, interpolation)
        self.fill_mode, self.fill_value, self.interpolation = fill_mode, fill_value, interpolation
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)

    def _set_factor(self, factor, factor_name):
        return symmetric_range(factor, factor_name, self._FACTOR_VALIDATION_ERROR, lambda v: -1.0 <= v <= 1.0)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        n = self.backend.numpy
        shape = self.backend.shape(data["images"] if isinstance(data, dict) else data)
        count = batch_size(shape)
        height, width = image_size(shape, self.data_format)
        next_seed = self.draw_seed if seed is None else (lambda: seed)
        uniform = self.backend.random.uniform
        dy = uniform([count, 1], minval=self.height_lower, maxval=self.height_upper, seed=next_seed()) * height
        dx = uniform([count, 1], minval=self.width_lower, maxval=self.width_upper, seed=next_seed()) * width
        return {"translations": self.backend.cast(n.concatenate([dx, dy], axis=1), "float32"), "input_shape": shape}

    def _translation_matrix(self, translations):
        n = self.backend.numpy
        dx, dy = translations[:, 0:1], translations[:, 1:]
        zeros, ones = n.zeros_like(dx), n.ones_like(dx)
        return n.concatenate([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], axis=1)

    def _transform_images(self, images, transformation, interpolation):
        if transformation is None:
            return images
        return affine_on_batch(self.backend, images, self._translation_matrix(transformation["translations"]),
                               interpolation, self.fill_mode, self.fill_value, self.data_format)

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training:
            return bounding_boxes
        n = self.backend.numpy
        height, width = image_size(transformation["input_shape"], self.data_format)
        bounding_boxes = box_utils.convert_format(bounding_boxes, self.bounding_box_format, "xyxy", height=height,
                                                  width=width)
        shift_x, shift_y = apply_projective(self.backend, 0, 0, self._translation_matrix(transformation["translations"]))
        boxes = bounding_boxes["boxes"]
        shift_x, shift_y = self.backend.cast(shift_x, boxes.dtype), self.backend.cast(shift_y, boxes.dtype)
        if len(boxes.shape) == 3:
            shift_x, shift_y = n.expand_dims(shift_x, -1), n.expand_dims(shift_y, -1)
        x1, y1, x2, y2 = n.split(boxes, 4, axis=-1)
        bounding_boxes["boxes"] = n.concatenate([x1 - shift_x, y1 - shift_y, x2 - shift_x, y2 - shift_y], axis=-1)
        bounding_boxes = box_utils.clip_to_image_size(bounding_boxes, height=height, width=width)
        return box_utils.convert_format(bounding_boxes, "xyxy", self.bounding_box_format, height=height, width=width)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"height_factor": self.height_factor, "width_factor": self.width_factor,
                       "fill_mode": self.fill_mode, "interpolation": self.interpolation, "seed": self.seed,
                       "fill_value": self.fill_value, "data_format": self.data_format})
        return config
