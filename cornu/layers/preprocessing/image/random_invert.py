"""``RandomInvert``: inverts the colours of a random subset of the images."""

from cornu.layers.preprocessing.image.color_utils import batch_size_of, images_of, seed_for
from cornu.layers.preprocessing.image.pixel_value_layer import PixelValueLayer
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export

@keras_export("keras.layers.RandomInvert")
class RandomInvert(PixelValueLayer):
    """Replaces pixels ``x`` by ``value_range[1] - x`` in randomly chosen images during training.

    Per image, a probability ``p`` is drawn from ``[lower, upper]`` (``factor`` a number ``f``
    gives ``(0, f)``) and the image is inverted when a uniform draw falls below ``p``; the default
    ``factor=1.0`` inverts about half of the images. Labels, bounding boxes and segmentation
    masks pass through unchanged.

    Args:
        factor: a number in ``[0, 1]`` or a pair ``(lower, upper)``.
        value_range: the ``(low, high)`` range of the pixel values.
        seed: an integer seed.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
    >>> layer = cornu.layers.RandomInvert(value_range=(0, 1), seed=0)
    >>> layer(np.zeros((4, 2, 2, 3))).shape
    (4, 2, 2, 3)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = value_range
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        ns = self.backend
        batch_size = batch_size_of(ns, images_of(data))
        probability = ns.random.uniform((batch_size,), minval=self.factor[0], maxval=self.factor[1],
                                        seed=seed_for(self, seed))
        threshold = ns.random.uniform((batch_size,), minval=0.0, maxval=1.0, seed=seed_for(self, seed))
        return {"apply_inversion": threshold < probability}

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        ns = self.backend
        images = ns.cast(images, self.compute_dtype)
        invert = ns.numpy.reshape(transformation["apply_inversion"], (-1, 1, 1, 1))
        return ns.numpy.where(invert, self.value_range[1] - images, images)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config
