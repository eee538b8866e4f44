"""``RandomContrast``: scales each image's pixels away from (or towards) its per-channel mean."""

from cornu.layers.preprocessing.image import host_image_ops
from cornu.layers.preprocessing.image.color_utils import images_of, per_image_shape, seed_for
from cornu.layers.preprocessing.image.pixel_value_layer import PixelValueLayer
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export


def _weak_bounds(value_range):
    """Whether ``value_range`` holds two Python numbers (clipping then keeps the images' dtype)."""
    return len(value_range) == 2 and all(type(v) in (int, float) for v in value_range)


@keras_export("keras.layers.RandomContrast")
class RandomContrast(PixelValueLayer):
    """Randomly adjusts the contrast of each image during training.

    Each channel's pixels ``x`` become ``(x - mean) * contrast_factor + mean`` (``mean`` over the
    image's height and width), with one ``contrast_factor`` per image drawn from
    ``[1 - lower, 1 + upper]`` where ``(lower, upper)`` comes from ``factor`` (a number ``f`` gives
    ``(0, f)``, as in Keras), then clipped to ``value_range``. Outputs are floats. Labels,
    bounding boxes and segmentation masks pass through unchanged.

    Args:
        factor: a number in ``[0, 1]`` or a pair ``(lower, upper)``.
        value_range: the ``(low, high)`` range of the pixel values.
        seed: an integer seed.

    Example:
    >>> layer = cornu.layers.RandomContrast(0.5, seed=1)
    >>> layer(np.random.uniform(0, 255, (2, 8, 8, 3))).shape
    (2, 8, 8, 3)
    """

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(**kwargs)
        self._set_factor(factor)
        self.value_range = value_range
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        ns = self.backend
        shape = per_image_shape(ns, images_of(data))
        if not training:
            return {"contrast_factor": ns.numpy.zeros(shape)}
        factor = ns.random.uniform(shape, minval=1.0 - self.factor[0], maxval=1.0 + self.factor[1],
                                   dtype=self.compute_dtype, seed=seed_for(self, seed))
        return {"contrast_factor": factor}

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        ns = self.backend
        images = ns.cast(images, self.compute_dtype)
        spatial_axes = (-3, -2) if self.data_format == "channels_last" else (-2, -1)
        mean = ns.numpy.mean(images, axis=spatial_axes, keepdims=True)
        factor = ns.cast(transformation["contrast_factor"], self.compute_dtype)
        if ns.is_numpy and self.data_format == "channels_last" and _weak_bounds(self.value_range):
            outputs = host_image_ops.adjust_contrast(images, mean, factor, *self.value_range)
            if outputs is not None:
                return outputs
        outputs = (images - mean) * factor + mean
        return ns.numpy.clip(outputs, self.value_range[0], self.value_range[1])

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config
