"""``RandomShear``: shears each image along x and/or y by a random amount during training."""

from cornu.layers.preprocessing.image import bounding_boxes as box_utils
from cornu.layers.preprocessing.image.base_image_layer import BaseImagePreprocessingLayer
from cornu.layers.preprocessing.image.geometry_helpers import (affine_on_batch, batch_size,
                                                               check_fill_and_interpolation, image_size,
                                                               symmetric_range)
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.RandomShear")
class RandomShear(BaseImagePreprocessingLayer):
    """Shears images: ``x_factor`` / ``y_factor`` (in [0, 1], or a pair) bound the shear
    coefficient along each axis; each image's direction is flipped at random.

    Example:
    >>> cornu.layers.RandomShear(x_factor=0.2, seed=0)(np.zeros((2, 8, 8, 3))).shape
    (2, 8, 8, 3)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)
    _FACTOR_VALIDATION_ERROR = (
        "The `factor` argument should be a number (or a list of two numbers) in the range [0, 1.0]. "
    )
    _SUPPORTED_FILL_MODE = ("reflect", "wrap", "constant", "nearest")
    _SUPPORTED_INTERPOLATION = ("nearest", "bilinear")

    def __init__(self, x_factor=0.0, y_factor=0.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                 data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.x_factor = self._set_factor_with_name(x_factor, "x_factor")
        self.y_factor = self._set_factor_with_name(y_factor, "y_factor")
        check_fill_and_interpolation(fill_mode, interpolation)
        self.fill_mode, self.fill_value, self.interpolation = fill_mode, fill_value, interpolation
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)

    def _set_factor_with_name(self, factor, factor_name):
        return symmetric_range(factor, factor_name, self._FACTOR_VALIDATION_ERROR, lambda v: 0.0 <= v <= 1.0)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        n = self.backend.numpy
        shape = self.backend.shape(data["images"] if isinstance(data, dict) else data)
        count = batch_size(shape)
        next_seed = self.draw_seed if seed is None else (lambda: seed)
        uniform, dtype = self.backend.random.uniform, self.compute_dtype
        invert = uniform([count, 1], minval=0, maxval=1, seed=next_seed(), dtype=dtype)
        invert = n.where(invert > 0.5, -n.ones_like(invert), n.ones_like(invert))
        shear_y = uniform([count, 1], minval=self.y_factor[0], maxval=self.y_factor[1], seed=next_seed(), dtype=dtype)
        shear_x = uniform([count, 1], minval=self.x_factor[0], maxval=self.x_factor[1], seed=next_seed(), dtype=dtype)
        return {"shear_factor": n.concatenate([shear_x, shear_y], axis=1) * invert, "input_shape": shape}

    def _shear_matrix(self, shear_factor):
        n = self.backend.numpy
        sx, sy = shear_factor[:, 0], shear_factor[:, 1]
        zeros, ones = n.zeros_like(sx), n.ones_like(sx)
        return n.stack([ones, sx, zeros, sy, ones, zeros, zeros, zeros], axis=1)

    def _transform_images(self, images, transformation, interpolation):
        if transformation is None:
            return images
        return affine_on_batch(self.backend, images, self._shear_matrix(transformation["shear_factor"]), interpolation,
                               self.fill_mode, self.fill_value, self.data_format)

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training:
            return bounding_boxes
        height, width = image_size(transformation["input_shape"], self.data_format)
        bounding_boxes = box_utils.convert_format(bounding_boxes, self.bounding_box_format, "rel_xyxy", height=height,
                                                  width=width, dtype=self.compute_dtype)
        bounding_boxes["boxes"] = self._shear_boxes(bounding_boxes["boxes"], transformation["shear_factor"])
        bounding_boxes = box_utils.clip_to_image_size(bounding_boxes, height=height, width=width,
                                                      bounding_box_format="rel_xyxy")
        return box_utils.convert_format(bounding_boxes, "rel_xyxy", self.bounding_box_format, height=height,
                                        width=width, dtype=self.compute_dtype)

    def _shear_boxes(self, boxes, shear_factor):
        """Relative boxes moved by the inverse shear, taking the corner that bounds each side (as Keras)."""
        n = self.backend.numpy
        shear = self.backend.cast(shear_factor, self.compute_dtype)
        sx, sy = shear[:, 0:1], shear[:, 1:2]
        x1, y1, x2, y2 = (boxes[..., i] for i in range(4))
        x1 = n.where(sx < 0, x1 - sx * y1, x1 - sx * y2)
        x2 = n.where(sx < 0, x2 - sx * y2, x2 - sx * y1)
        y1 = n.where(sy > 0, y1 - sy * x2, y1 - sy * x1)
        y2 = n.where(sy > 0, y2 - sy * x1, y2 - sy * x2)
        return n.stack([x1, y1, x2, y2], axis=-1)

    def compute_output_shape(self, input_shape):
        return input_shape

    @classmethod
    def from_config(cls, config):
        # The config stores the drawn range, (-f, f) for a factor f, which the constructor (in
        # [0, 1]) would reject; Keras 3.15.1 cannot reload its own RandomShear configs for that reason.
        config = dict(config)
        for key in ("x_factor", "y_factor"):
            value = config.get(key)
            if isinstance(value, (list, tuple)) and len(value) == 2 and value[0] == -value[1]:
                config[key] = abs(value[1])
        return super().from_config(config)

    def get_config(self):
        config = super().get_config()
        config.update({"x_factor": self.x_factor, "y_factor": self.y_factor, "fill_mode": self.fill_mode,
                       "interpolation": self.interpolation, "seed": self.seed, "fill_value": self.fill_value,
                       "data_format": self.data_format})
        return config
