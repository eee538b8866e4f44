"""``RandomSharpness``: blends each image with a smoothed copy, sharpening or blurring it."""

from cornu.layers.preprocessing.image.color_utils import batch_size_of, images_of, seed_for, sorted_value_range
from cornu.layers.preprocessing.image.pixel_value_layer import PixelValueLayer
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export

# The 3x3 smoothing filter of PIL's ImageEnhance.Sharpness (weights 1 around a centre of 5, over 13).
_EDGE, _CENTRE = 1.0 / 13.0, 5.0 / 13.0

@keras_export("keras.layers.RandomSharpness")
class RandomSharpness(PixelValueLayer):
    """Randomly sharpens or blurs each image during training.

    Per image, ``f`` is drawn from ``[lower, upper]`` (``factor`` a number ``f`` gives ``(0, f)``)
    and the output is ``image + (1 - 2 f) * (smoothed - image)``: ``f = 0`` gives the smoothed
    image, ``0.5`` the original, ``1`` a sharpened one; results are clipped to ``value_range``.
    Labels, bounding boxes and segmentation masks pass through unchanged.

    Args:
        factor: a number in ``[0, 1]`` or a pair ``(lower, upper)``.
        value_range: the ``(low, high)`` range of the pixel values.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: an integer seed.

    Example:
    >>> layer = cornu.layers.RandomSharpness((0.5, 0.5))  # identity
    >>> layer(np.random.uniform(0, 255, (2, 4, 4, 3))).shape
    (2, 4, 4, 3)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = sorted_value_range(value_range)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        ns = self.backend
        batch_size = batch_size_of(ns, images_of(data))
        factor = ns.random.uniform((batch_size,), minval=self.factor[0], maxval=self.factor[1], seed=seed_for(self, seed))
        return {"factor": factor}

    def transform_images(self, images, transformation=None, training=True):
        ns = self.backend
        images = ns.cast(images, self.compute_dtype)
        if not training:
            return images
        if self.data_format == "channels_first":
            images = ns.numpy.swapaxes(images, -3, -1)
        sharpness = ns.numpy.reshape(ns.cast(transformation["factor"] * 2, self.compute_dtype), (-1, 1, 1, 1))
        channels = ns.shape(images)[-1]
        kernel = ns.convert_to_tensor(
            [[_EDGE, _EDGE, _EDGE], [_EDGE, _CENTRE, _EDGE], [_EDGE, _EDGE, _EDGE]], dtype=self.compute_dtype
        )
        kernel = ns.numpy.tile(ns.numpy.reshape(kernel, (3, 3, 1, 1)), (1, 1, channels, 1))
        smoothed = ns.nn.depthwise_conv(images, kernel, strides=1, padding="same", data_format="channels_last")
        images = images + (1.0 - sharpness) * (ns.cast(smoothed, self.compute_dtype) - images)
        images = ns.numpy.clip(images, self.value_range[0], self.value_range[1])
        if self.data_format == "channels_first":
            images = ns.numpy.swapaxes(images, -3, -1)
        return images

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config
