"""``RandomPerspective``: a random perspective warp (corners moved at random) during training."""

from cornu.layers.preprocessing.image import bounding_boxes as box_utils
from cornu.layers.preprocessing.image.base_image_layer import BaseImagePreprocessingLayer
from cornu.layers.preprocessing.image.geometry_helpers import batch_size, image_size
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.RandomPerspective")
class RandomPerspective(BaseImagePreprocessingLayer):
    """Warps each image, with probability drawn from ``factor``, by moving its four corners by up
    to ``scale / 2`` of their coordinates.

    Example:
    >>> cornu.layers.RandomPerspective(seed=0)(np.zeros((2, 8, 8, 3))).shape
    (2, 8, 8, 3)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)
    _SUPPORTED_INTERPOLATION = ("nearest", "bilinear")

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_value=0.0, seed=None, data_format=None,
                 **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.scale, self.fill_value, self.interpolation = scale, fill_value, interpolation
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        if scale < 0.0 or scale > 1.0:
            raise ValueError(f"The `scale` argument should be a number in the range [0,1]. Received: scale={scale}")
        if interpolation not in self._SUPPORTED_INTERPOLATION:
            raise NotImplementedError(
                f"Unknown `interpolation` {interpolation}. Expected of one {self._SUPPORTED_INTERPOLATION}."
            )

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        n = self.backend.numpy
        shape = self.backend.shape(data["images"] if isinstance(data, dict) else data)
        count = batch_size(shape)
        height, width = image_size(shape, self.data_format)
        next_seed = self.draw_seed if seed is None else (lambda: seed)
        uniform = self.backend.random.uniform
        probability = uniform((count,), minval=self.factor[0], maxval=self.factor[1], seed=next_seed())
        apply = uniform((count,), minval=0.0, maxval=1.0, seed=next_seed()) < probability
        moves = uniform((count, 4, 2), minval=-0.5 * self.scale, maxval=0.5 * self.scale, seed=next_seed(),
                        dtype=self.compute_dtype)
        corners = [[0.0, 0.0], [width - 1, 0.0], [0.0, height - 1], [width - 1, height - 1]]
        start = n.repeat(self.backend.convert_to_tensor([corners], dtype=self.compute_dtype), count, axis=0)
        return {"apply_perspective": apply, "start_points": start, "end_points": start + start * moves,
                "input_shape": shape}

    def _transform_images(self, images, transformation, interpolation):
        if transformation is None:
            return images
        n = self.backend.numpy
        single = len(images.shape) == 3
        batch = n.expand_dims(images, 0) if single else images
        warped = self.backend.image.perspective_transform(batch, transformation["start_points"],
                                                          transformation["end_points"], interpolation=interpolation,
                                                          fill_value=self.fill_value, data_format=self.data_format)
        apply = n.reshape(transformation["apply_perspective"], (-1, 1, 1, 1))
        out = n.where(apply, self.backend.cast(warped, batch.dtype), batch)
        return n.squeeze(out, 0) if single else out

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training or transformation is None:
            return bounding_boxes
        n = self.backend.numpy
        height, width = image_size(transformation["input_shape"], self.data_format)
        bounding_boxes = box_utils.convert_format(bounding_boxes, self.bounding_box_format, "xyxy", height=height,
                                                  width=width)
        boxes = bounding_boxes["boxes"]
        transform = self.backend.image.compute_homography_matrix(transformation["start_points"],
                                                                transformation["end_points"])
        # The homography maps output points to input points: invert it to move the box corners.
        count = int(transform.shape[0])
        matrix = n.reshape(n.concatenate([self.backend.cast(transform, boxes.dtype), n.ones((count, 1), boxes.dtype)],
                                         axis=-1), (count, 3, 3))
        inverse = self.backend.linalg.inv(matrix)
        x0, y0, x1, y1 = (boxes[..., i] for i in range(4))
        corner_x = n.stack([x0, x1, x0, x1], axis=-1)  # (batch, boxes, 4)
        corner_y = n.stack([y0, y1, y1, y0], axis=-1)
        points = n.stack([corner_x, corner_y, n.ones_like(corner_x)], axis=-1)  # (batch, boxes, 4, 3)
        moved = n.einsum("bij,bnkj->bnki", inverse, points)
        xs, ys = moved[..., 0] / moved[..., 2], moved[..., 1] / moved[..., 2]
        warped = n.stack([n.min(xs, axis=-1), n.min(ys, axis=-1), n.max(xs, axis=-1), n.max(ys, axis=-1)], axis=-1)
        apply = n.reshape(transformation["apply_perspective"], (-1, 1, 1))
        bounding_boxes["boxes"] = n.where(apply, warped, boxes)
        # As Keras: the boxes stay in xyxy (not converted back to ``bounding_box_format``).
        return box_utils.clip_to_image_size(bounding_boxes, height=height, width=width)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "scale": self.scale, "interpolation": self.interpolation,
                       "fill_value": self.fill_value, "seed": self.seed})
        return config
