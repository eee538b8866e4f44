"""``RandomZoom``: zooms each image in or out by a random factor during training."""

from cornu.layers.preprocessing.image import bounding_boxes as box_utils
from cornu.layers.preprocessing.image.base_image_layer import BaseImagePreprocessingLayer
from cornu.layers.preprocessing.image.geometry_helpers import (affine_on_batch, apply_projective,
                                                               check_fill_and_interpolation, image_size,
                                                               symmetric_range)
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.RandomZoom")
class RandomZoom(BaseImagePreprocessingLayer):
    """Zooms images by a random amount: ``height_factor`` 0.2 draws a height change in
    [-20%, +20%] (positive zooms out, negative zooms in); ``width_factor`` defaults to the
    same zoom as the height (keeping the aspect ratio).

    Example:
    >>> cornu.layers.RandomZoom(0.2, seed=0)(np.zeros((2, 8, 8, 3))).shape
    (2, 8, 8, 3)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_VALIDATION_ERROR = (
        "The `height_factor` and `width_factor` arguments should be a number (or a list of two numbers) in the "
        "range (-1.0, 1.0]. "
    )
    _SUPPORTED_FILL_MODE = ("reflect", "wrap", "constant", "nearest")
    _SUPPORTED_INTERPOLATION = ("nearest", "bilinear")

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.height_lower, self.height_upper = self._set_factor(height_factor, "height_factor")
        self.width_factor = width_factor
        if width_factor is not None:
            self.width_lower, self.width_upper = self._set_factor(width_factor, "width_factor")
        check_fill_and_interpolation(fill_mode, interpolation)
        self.fill_mode, self.fill_value, self.interpolation = fill_mode, fill_value, interpolation
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)

    def _set_factor(self, factor, factor_name):
        return symmetric_range(factor, factor_name, self._FACTOR_VALIDATION_ERROR, lambda v: -1.0 < v <= 1.0)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        shape = self.backend.shape(data["images"] if isinstance(data, dict) else data)
        factor_shape = (shape[0], 1) if len(shape) == 4 else (1, 1)
        next_seed = self.draw_seed if seed is None else (lambda: seed)
        uniform = self.backend.random.uniform
        height_zoom = uniform(factor_shape, minval=1.0 + self.height_lower, maxval=1.0 + self.height_upper,
                              seed=next_seed())
        if self.width_factor is not None:
            width_zoom = uniform(factor_shape, minval=1.0 + self.width_lower, maxval=1.0 + self.width_upper,
                                 seed=next_seed())
        else:
            width_zoom = height_zoom
        return {"height_zoom": height_zoom, "width_zoom": width_zoom, "input_shape": shape}

    def _zoom_matrix(self, transformation, height, width):
        """Per-image transforms scaling about the image centre (x by the width zoom, y by the height zoom)."""
        n = self.backend.numpy
        zx = self.backend.cast(transformation["width_zoom"], "float32")
        zy = self.backend.cast(transformation["height_zoom"], "float32")
        zeros = n.zeros_like(zx)
        x_offset = (float(width) - 1.0) / 2.0 * (1.0 - zx)
        y_offset = (float(height) - 1.0) / 2.0 * (1.0 - zy)
        return n.concatenate([zx, zeros, x_offset, zeros, zy, y_offset, zeros, zeros], axis=1)

    def _transform_images(self, images, transformation, interpolation):
        if transformation is None:
            return images
        height, width = image_size(images.shape, self.data_format)
        return affine_on_batch(self.backend, images, self._zoom_matrix(transformation, height, width), interpolation,
                               self.fill_mode, self.fill_value, self.data_format)

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training:
            return bounding_boxes
        n = self.backend.numpy
        height, width = image_size(transformation["input_shape"], self.data_format)
        bounding_boxes = box_utils.convert_format(bounding_boxes, self.bounding_box_format, "xyxy", height=height,
                                                  width=width)
        transform = self._zoom_matrix(transformation, height, width)
        # The input window the output shows: boxes are clipped to it and rescaled to the output.
        w_start, h_start = apply_projective(self.backend, 0, 0, transform)
        w_end, h_end = apply_projective(self.backend, width, height, transform)
        boxes = bounding_boxes["boxes"]
        if len(boxes.shape) == 3:
            w_start, h_start, w_end, h_end = (n.expand_dims(v, -1) for v in (w_start, h_start, w_end, h_end))
        x1, y1, x2, y2 = n.split(boxes, 4, axis=-1)
        x1, x2 = (n.clip(v, w_start, w_end) - w_start for v in (x1, x2))
        y1, y2 = (n.clip(v, h_start, h_end) - h_start for v in (y1, y2))
        bounding_boxes["boxes"] = n.concatenate([x1, y1, x2, y2], axis=-1)
        shown_height, shown_width = h_end - h_start, w_end - w_start
        if len(boxes.shape) == 2:
            shown_height, shown_width = n.expand_dims(shown_height, -1), n.expand_dims(shown_width, -1)
        bounding_boxes = box_utils.convert_format(bounding_boxes, "xyxy", "rel_xyxy", height=shown_height,
                                                  width=shown_width)
        bounding_boxes = box_utils.clip_to_image_size(bounding_boxes, bounding_box_format="rel_xyxy")
        return box_utils.convert_format(bounding_boxes, "rel_xyxy", self.bounding_box_format, height=height,
                                        width=width)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"height_factor": self.height_factor, "width_factor": self.width_factor,
                       "fill_mode": self.fill_mode, "interpolation": self.interpolation, "seed": self.seed,
                       "fill_value": self.fill_value, "data_format": self.data_format})
        return config
