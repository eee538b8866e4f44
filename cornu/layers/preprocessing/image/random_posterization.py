"""``RandomPosterization``: keeps only the top bits of every 8-bit colour value."""

from cornu.layers.preprocessing.image.color_utils import batch_size_of, images_of, seed_for, sorted_value_range
from cornu.layers.preprocessing.image.pixel_value_layer import PixelValueLayer
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export

@keras_export("keras.layers.RandomPosterization")
class RandomPosterization(PixelValueLayer):
    """Reduces each image to a random number of bits per colour channel during training.

    Per image, a bit count ``b`` is drawn from ``[lower, upper)`` (``factor`` a number ``f`` gives
    ``(1, f)``; a pair of equal numbers fixes ``b``); pixels are mapped to ``[0, 255]``, truncated
    to 8-bit integers, and their ``8 - b`` low bits cleared. Labels, bounding boxes and
    segmentation masks pass through unchanged.

    Args:
        factor: a number in ``[1, 8]`` or a pair ``(lower, upper)``.
        value_range: the ``(low, high)`` range of the pixel values.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: an integer seed.

    Example:
    >>> layer = cornu.layers.RandomPosterization((1, 1))  # one bit: 0 or 128
    >>> layer(np.array([[[[10.0, 130.0, 250.0]]]]))
    array([[[[  0., 128., 128.]]]], dtype=float32)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (1, 8)
    _MAX_FACTOR = 8

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = sorted_value_range(value_range)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        ns = self.backend
        batch_size = batch_size_of(ns, images_of(data))
        if self.factor[0] != self.factor[1]:
            bits = ns.random.randint((batch_size,), minval=self.factor[0], maxval=self.factor[1], dtype="uint8",
                                     seed=seed_for(self, seed))
        else:
            bits = ns.numpy.ones((batch_size,), dtype="uint8") * self.factor[0]
        return {"shift_factor": self._MAX_FACTOR - bits}

    def transform_images(self, images, transformation=None, training=True):
        if not training:
            return images
        ns = self.backend
        shift = transformation["shift_factor"]
        shift = ns.numpy.reshape(ns.cast(shift, "uint8"), (-1, 1, 1, 1))
        images = self._transform_value_range(images, self.value_range, (0, 255), dtype=self.compute_dtype)
        pixels = ns.cast(images, "uint8")
        pixels = ns.numpy.bitwise_left_shift(ns.numpy.bitwise_right_shift(pixels, shift), shift)
        images = ns.cast(pixels, self.compute_dtype)
        return self._transform_value_range(images, (0, 255), self.value_range, dtype=self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config
