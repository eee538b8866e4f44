"""``RandAugment``: ``num_ops`` augmentations picked at random per call (Cubuk et al., 2019)."""

from cornu.layers.preprocessing.image.augmentation_menu import attach_augmentation_layers, build_augmentation_layers
from cornu.layers.preprocessing.image.base_image_layer import BaseImagePreprocessingLayer
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.RandAugment")
class RandAugment(BaseImagePreprocessingLayer):
    """Applies ``num_ops`` operations drawn (per call, for the whole batch) among eleven:
    shear, translation, rotation, brightness, colour degeneration, contrast, sharpness,
    posterization, solarization, auto-contrast and equalization, of strength ``factor``.

    Every operation's parameters are drawn each call and the drawn ones selected, so the layer
    compiles to one graph (as in Keras).

    Example:
    >>> layer = cornu.layers.RandAugment(value_range=(0, 255), num_ops=2, seed=1)
    >>> layer(np.random.uniform(0, 255, (2, 16, 16, 3))).shape
    (2, 16, 16, 3)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)
    _AUGMENT_LAYERS = ["random_shear", "random_translation", "random_rotation", "random_brightness",
                       "random_color_degeneration", "random_contrast", "random_sharpness", "random_posterization",
                       "solarization", "auto_contrast", "equalization"]

    def __init__(self, value_range=(0, 255), num_ops=2, factor=0.5, interpolation="bilinear", seed=None,
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.num_ops = num_ops
        self._set_factor(factor)
        self.interpolation = interpolation
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        attach_augmentation_layers(self, self._AUGMENT_LAYERS, value_range, interpolation, data_format, kwargs)

    def build(self, input_shape):
        build_augmentation_layers(self, self._AUGMENT_LAYERS, input_shape)
        self.built = True

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        ns = self.backend
        chosen = ns.random.randint((self.num_ops,), 0, len(self._AUGMENT_LAYERS), seed=self.draw_seed(seed))
        transforms = {name: getattr(self, name).get_random_transformation(data, training=training)
                      for name in self._AUGMENT_LAYERS}
        return {"transforms": transforms, "layer_idxes": chosen}

    def _apply_chosen(self, values, transformation, method):
        where = self.backend.numpy.where
        chosen = transformation["layer_idxes"]
        for op_index in range(self.num_ops):
            for layer_index, (name, layer_transformation) in enumerate(transformation["transforms"].items()):
                candidate = getattr(getattr(self, name), method)(values, layer_transformation)
                values = where(chosen[op_index] == layer_index, candidate, values)
        return values

    def transform_images(self, images, transformation, training=True):
        ns = self.backend
        images = ns.cast(images, self.compute_dtype)
        if training and transformation is not None:
            images = self._apply_chosen(images, transformation, "transform_images")
        return ns.cast(images, self.compute_dtype)

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training or transformation is None:
            return bounding_boxes
        where = self.backend.numpy.where
        chosen = transformation["layer_idxes"]
        bounding_boxes = dict(bounding_boxes)
        for layer_index, (name, layer_transformation) in enumerate(transformation["transforms"].items()):
            moved = getattr(self, name).transform_bounding_boxes(dict(bounding_boxes), layer_transformation)
            for op_index in range(self.num_ops):
                picked = chosen[op_index] == layer_index
                for key in ("boxes", "labels"):
                    bounding_boxes[key] = where(picked, moved[key], bounding_boxes[key])
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        if training and transformation is not None:
            segmentation_masks = self._apply_chosen(segmentation_masks, transformation, "transform_segmentation_masks")
        return segmentation_masks

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"value_range": self.value_range, "num_ops": self.num_ops, "factor": self.factor,
                       "interpolation": self.interpolation, "seed": self.seed})
        return config
