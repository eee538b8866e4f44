"""``RandomBrightness``: adds one random offset to every pixel of each image."""

from cornu.layers.preprocessing.image.color_utils import images_of, per_image_shape, seed_for, sorted_value_range
from cornu.layers.preprocessing.image.pixel_value_layer import PixelValueLayer
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export

@keras_export("keras.layers.RandomBrightness")
class RandomBrightness(PixelValueLayer):
    """Randomly brightens or darkens each image during training.

    One ``delta`` per image is drawn from ``[lower, upper]`` (``factor`` a number ``f`` gives
    ``(-f, f)``), scaled by the width of ``value_range`` and added to every pixel; results are
    clipped to ``value_range``. ``-1.0`` makes an image black, ``1.0`` white. Labels, bounding
    boxes and segmentation masks pass through unchanged.

    Args:
        factor: a number in ``[-1, 1]`` or a pair ``(lower, upper)``.
        value_range: the ``(low, high)`` range of the pixel values.
        seed: an integer seed.

    Example:
    >>> layer = cornu.layers.RandomBrightness(0.2, value_range=(0, 1), seed=3)
    >>> layer(np.full((1, 2, 2, 3), 0.5)).shape
    (1, 2, 2, 3)
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(factor=factor, **kwargs)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        self.value_range = sorted_value_range(value_range)

    def get_random_transformation(self, data, training=True, seed=None):
        ns = self.backend
        shape = per_image_shape(ns, images_of(data))
        if not training:
            return {"rgb_delta": ns.numpy.zeros(shape)}
        delta = ns.random.uniform(shape, minval=self.factor[0], maxval=self.factor[1], seed=seed_for(self, seed))
        return {"rgb_delta": delta * (self.value_range[1] - self.value_range[0])}

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        ns = self.backend
        images = ns.cast(images, self.compute_dtype)
        images = images + ns.cast(transformation["rgb_delta"], self.compute_dtype)
        return ns.numpy.clip(images, self.value_range[0], self.value_range[1])

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config
