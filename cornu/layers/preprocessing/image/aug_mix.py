"""``AugMix``: mixes the image with several chains of random augmentations (Hendrycks et al., 2020)."""

import random as python_random

from cornu.layers.preprocessing.image.augmentation_menu import attach_augmentation_layers, build_augmentation_layers
from cornu.layers.preprocessing.image.base_image_layer import BaseImagePreprocessingLayer
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export

_GEOMETRIC_AND_TONAL = ["random_shear", "random_translation", "random_rotation", "random_posterization",
                        "solarization", "auto_contrast", "equalization"]
_COLOUR = ["random_brightness", "random_color_degeneration", "random_contrast", "random_sharpness"]


@keras_export("keras.layers.AugMix")
class AugMix(BaseImagePreprocessingLayer):
    """AugMix: ``w * x + (1 - w) * sum_i m_i * chain_i(x)``, ``w ~ Beta(alpha, alpha)``, ``m ~ Dirichlet(alpha)``.

    Each of ``num_chains`` chains applies up to ``chain_depth`` operations picked at random
    (when the call is traced, as in Keras) among shear, translation, rotation, posterization,
    solarization, auto-contrast and equalization, plus brightness, colour degeneration, contrast
    and sharpness when ``all_ops``; ``factor`` sets their strength. The result is clipped to
    ``value_range``. Labels and boxes pass through.

    Example:
    >>> augmix = cornu.layers.AugMix(value_range=(0, 255), seed=1)
    >>> augmix(np.random.uniform(0, 255, (2, 16, 16, 3))).shape
    (2, 16, 16, 3)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3, alpha=1.0, all_ops=True,
                 interpolation="bilinear", seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.num_chains = num_chains
        self.chain_depth = chain_depth
        self._set_factor(factor)
        self.alpha = alpha
        self.all_ops = all_ops
        self.interpolation = interpolation
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        self._python_random = python_random.Random(seed)
        self._augment_layers = _GEOMETRIC_AND_TONAL + (_COLOUR if all_ops else [])
        attach_augmentation_layers(self, self._augment_layers, value_range, interpolation, data_format, kwargs)

    def build(self, input_shape):
        build_augmentation_layers(self, self._augment_layers, input_shape)
        self.built = True

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        ns = self.backend
        gamma = ns.random.gamma((self.num_chains,), self.alpha, seed=self.draw_seed(seed))
        chain_weights = gamma / ns.numpy.sum(gamma, axis=-1, keepdims=True)  # a Dirichlet(alpha) draw
        keep = ns.random.beta((), self.alpha, self.alpha, seed=self.draw_seed(seed))
        chains = []
        for _ in range(self.num_chains):
            chain = []
            for _ in range(self.chain_depth):
                name = self._python_random.choice(self._augment_layers + [None])
                if name is not None:
                    chain.append({"layer_name": name,
                                  "transformation": getattr(self, name).get_random_transformation(data)})
            chains.append(chain)
        return {"chain_mixing_weights": chain_weights, "weight_sample": keep, "chain_transforms": chains}

    def _mix_chains(self, values, transformation, method):
        ns = self.backend
        dtype = self.compute_dtype
        chain_weights = ns.cast(transformation["chain_mixing_weights"], dtype)
        keep = ns.cast(transformation["weight_sample"], dtype)
        mixed = ns.numpy.zeros_like(values)
        for index, chain in enumerate(transformation["chain_transforms"]):
            augmented = values
            for step in chain:
                augmented = getattr(getattr(self, step["layer_name"]), method)(augmented, step["transformation"])
            mixed = mixed + augmented * chain_weights[index]
        return keep * values + (1.0 - keep) * mixed

    def transform_images(self, images, transformation, training=True):
        ns = self.backend
        images = ns.cast(images, self.compute_dtype)
        if training and transformation is not None:
            images = self._mix_chains(images, transformation, "transform_images")
            images = ns.numpy.clip(images, self.value_range[0], self.value_range[1])
        return ns.cast(images, self.compute_dtype)

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        if training and transformation is not None:
            segmentation_masks = self._mix_chains(segmentation_masks, transformation, "transform_segmentation_masks")
        return segmentation_masks

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"value_range": self.value_range, "num_chains": self.num_chains, "chain_depth": self.chain_depth,
                       "factor": self.factor, "alpha": self.alpha, "all_ops": self.all_ops,
                       "interpolation": self.interpolation, "seed": self.seed})
        return config
