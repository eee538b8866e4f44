"""``RandomFlip``: flips each image horizontally and/or vertically with probability 1/2."""

from cornu.layers.preprocessing.image import bounding_boxes as box_utils
from cornu.layers.preprocessing.image import host_image_ops
from cornu.layers.preprocessing.image.base_image_layer import BaseImagePreprocessingLayer
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export

HORIZONTAL = "horizontal"
VERTICAL = "vertical"
HORIZONTAL_AND_VERTICAL = "horizontal_and_vertical"


@keras_export("keras.layers.RandomFlip")
class RandomFlip(BaseImagePreprocessingLayer):
    """Randomly flips images (and their boxes and masks) during training.

    ``mode`` is ``"horizontal"``, ``"vertical"`` or ``"horizontal_and_vertical"`` (one coin per
    image decides both flips).

    Example:
    >>> layer = cornu.layers.RandomFlip("horizontal", seed=1)
    >>> layer(np.zeros((2, 4, 4, 3))).shape
    (2, 4, 4, 3)
    """

    _USE_BASE_FACTOR = False

    def __init__(self, mode=HORIZONTAL_AND_VERTICAL, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        self.mode = mode

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        shape = self.backend.shape(data["images"] if isinstance(data, dict) else data)
        flips_shape = (1, 1, 1) if len(shape) == 3 else (shape[0], 1, 1, 1)
        seed = self.draw_seed() if seed is None else seed
        flips = self.backend.numpy.less_equal(self.backend.random.uniform(flips_shape, seed=seed), 0.5)
        return {"flips": flips, "input_shape": shape}

    def transform_images(self, images, transformation, training=True):
        images = self.backend.cast(images, self.compute_dtype)
        return self._flip(images, transformation) if training else images

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return self.transform_images(segmentation_masks, transformation, training=training)

    def _flip(self, inputs, transformation):
        if transformation is None:
            return inputs
        n = self.backend.numpy
        flips = transformation["flips"]
        unbatched = len(inputs.shape) == 3
        if unbatched:
            inputs = n.expand_dims(inputs, 0)
        width_axis, height_axis = (-2, -3) if self.data_format == "channels_last" else (-1, -2)
        if self.backend.is_numpy and self.mode in (HORIZONTAL, VERTICAL):
            axis = width_axis if self.mode == HORIZONTAL else height_axis
            flipped = host_image_ops.flip_selected(inputs, flips, axis)
            if flipped is not None:
                return n.squeeze(flipped, 0) if unbatched else flipped
        if self.mode in (HORIZONTAL, HORIZONTAL_AND_VERTICAL):
            inputs = n.where(flips, n.flip(inputs, axis=width_axis), inputs)
        if self.mode in (VERTICAL, HORIZONTAL_AND_VERTICAL):
            inputs = n.where(flips, n.flip(inputs, axis=height_axis), inputs)
        return n.squeeze(inputs, 0) if unbatched else inputs

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training:
            return bounding_boxes
        n = self.backend.numpy
        flips = n.squeeze(transformation["flips"], axis=-1)
        h_axis, w_axis = (-2, -1) if self.data_format == "channels_first" else (-3, -2)
        height, width = transformation["input_shape"][h_axis], transformation["input_shape"][w_axis]
        bounding_boxes = box_utils.convert_format(bounding_boxes, self.bounding_box_format, "rel_xyxy", height=height,
                                                  width=width)
        boxes = bounding_boxes["boxes"]
        if self.mode in (HORIZONTAL, HORIZONTAL_AND_VERTICAL):
            x1, y1, x2, y2 = n.split(boxes, 4, axis=-1)
            boxes = n.where(flips, n.concatenate([1 - x2, y1, 1 - x1, y2], axis=-1), boxes)
        if self.mode in (VERTICAL, HORIZONTAL_AND_VERTICAL):
            x1, y1, x2, y2 = n.split(boxes, 4, axis=-1)
            boxes = n.where(flips, n.concatenate([x1, 1 - y2, x2, 1 - y1], axis=-1), boxes)
        bounding_boxes["boxes"] = boxes
        # As Keras: the relative boxes are clipped with the pixel size (a no-op inside [0, 1]).
        bounding_boxes = box_utils.clip_to_image_size(bounding_boxes, height=height, width=width)
        return box_utils.convert_format(bounding_boxes, "rel_xyxy", self.bounding_box_format, height=height,
                                        width=width)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"seed": self.seed, "mode": self.mode, "data_format": self.data_format})
        return config
