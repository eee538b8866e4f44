"""``RandomHue``: rotates each image's hue by a random amount."""

from cornu.layers.preprocessing.image import color_space
from cornu.layers.preprocessing.image.color_utils import batch_size_of, images_of, seed_for
from cornu.layers.preprocessing.image.pixel_value_layer import PixelValueLayer
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export

@keras_export("keras.layers.RandomHue")
class RandomHue(PixelValueLayer):
    """Randomly shifts the hue of each image during training.

    Per image, a shift in ``[lower, upper] / 2`` (``factor`` a number ``f`` gives ``(0, f)``) with
    a random sign is added to the hue (in ``[0, 1)``, wrapping around), the image staying in HSV
    only for that step. ``factor=1.0`` allows any hue. Outputs are floats in ``value_range``.
    Labels, bounding boxes and segmentation masks pass through unchanged.

    Args:
        factor: a number in ``[0, 1]`` or a pair ``(lower, upper)``.
        value_range: the ``(low, high)`` range of the pixel values.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: an integer seed.

    Example:
    >>> layer = cornu.layers.RandomHue(0.5, value_range=(0, 1), seed=2)
    >>> layer(np.random.uniform(0, 1, (2, 4, 4, 3))).shape
    (2, 4, 4, 3)
    """

    _USE_BASE_FACTOR = True
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = value_range
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        ns = self.backend
        batch_size = batch_size_of(ns, images_of(data))
        coin = ns.random.uniform((batch_size,), seed=seed_for(self, seed))
        sign = ns.numpy.where(coin > 0.5, -ns.numpy.ones_like(coin), ns.numpy.ones_like(coin))
        size = ns.random.uniform((batch_size,), minval=self.factor[0], maxval=self.factor[1], seed=seed_for(self, seed))
        return {"factor": sign * size * 0.5}

    def transform_images(self, images, transformation=None, training=True):
        if not training:
            return images
        ns = self.backend
        images = ns.cast(images, self.compute_dtype)
        images = self._transform_value_range(images, self.value_range, (0, 1), dtype=self.compute_dtype)
        shift = ns.numpy.reshape(ns.cast(transformation["factor"], self.compute_dtype), (-1, 1, 1))
        hsv = color_space.rgb_to_hsv(ns, images, data_format=self.data_format)
        axis = color_space.channel_axis(self.data_format)
        if axis == -1:
            hue, saturation, value = hsv[..., 0], hsv[..., 1], hsv[..., 2]
        else:
            hue, saturation, value = hsv[..., 0, :, :], hsv[..., 1, :, :], hsv[..., 2, :, :]
        hue = hue + shift
        hue = ns.numpy.where(hue > 1.0, hue - 1.0, hue)
        hue = ns.numpy.where(hue < 0.0, hue + 1.0, hue)
        hsv = ns.numpy.stack([hue, saturation, value], axis=axis)
        images = ns.numpy.clip(color_space.hsv_to_rgb(ns, hsv, data_format=self.data_format), 0, 1)
        images = self._transform_value_range(images, (0, 1), self.value_range, dtype=self.compute_dtype)
        return ns.cast(images, self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config
