"""``RandomSaturation``: scales each image's colour saturation by a random amount."""

from cornu import backend as backend_module
from cornu.layers.preprocessing.image import color_space
from cornu.layers.preprocessing.image.color_utils import batch_size_of, images_of, seed_for, sorted_value_range
from cornu.layers.preprocessing.image.pixel_value_layer import PixelValueLayer
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export

@keras_export("keras.layers.RandomSaturation")
class RandomSaturation(PixelValueLayer):
    """Randomly changes the saturation of each image during training.

    Per image, ``f`` is drawn from ``[lower, upper]`` (``factor`` a number ``f`` gives
    ``(-f, f)``, as in Keras) and the HSV saturation is multiplied by ``f / (1 - f + epsilon)``:
    ``f = 0.5`` keeps it, smaller values desaturate towards grey, values near 1 saturate fully.
    Labels, bounding boxes and segmentation masks pass through unchanged.

    Args:
        factor: a number in ``[-1, 1]`` or a pair ``(lower, upper)``, typically within ``[0, 1]``.
        value_range: the ``(low, high)`` range of the pixel values.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: an integer seed.

    Example:
    >>> layer = cornu.layers.RandomSaturation((0.5, 0.5))  # identity
    >>> layer(np.random.uniform(0, 255, (2, 4, 4, 3))).shape
    (2, 4, 4, 3)
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = sorted_value_range(value_range)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        ns = self.backend
        batch_size = batch_size_of(ns, images_of(data))
        draws = ns.random.uniform((batch_size,), minval=self.factor[0], maxval=self.factor[1], seed=seed_for(self, seed))
        return {"factor": draws / (1.0 - draws + backend_module.epsilon())}

    def transform_images(self, images, transformation=None, training=True):
        if not training:
            return images
        ns = self.backend
        images = ns.cast(images, self.compute_dtype)
        scale = ns.numpy.reshape(ns.cast(transformation["factor"], self.compute_dtype), (-1, 1, 1))
        hsv = color_space.rgb_to_hsv(ns, images, data_format=self.data_format)
        axis = color_space.channel_axis(self.data_format)
        if axis == -1:
            hue, saturation, value = hsv[..., 0], hsv[..., 1], hsv[..., 2]
        else:
            hue, saturation, value = hsv[..., 0, :, :], hsv[..., 1, :, :], hsv[..., 2, :, :]
        # Keras clips the scaled saturation to `value_range` (not to [0, 1]); kept for equal outputs.
        saturation = ns.numpy.clip(saturation * scale, self.value_range[0], self.value_range[1])
        hsv = ns.numpy.stack([hue, saturation, value], axis=axis)
        return color_space.hsv_to_rgb(ns, hsv, data_format=self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config
