"""``RandomGrayscale``: turns a random subset of the images grey, keeping their channel count."""

from cornu.layers.preprocessing.image import color_space
from cornu.layers.preprocessing.image.color_utils import batch_size_of, images_of, seed_for
from cornu.layers.preprocessing.image.pixel_value_layer import PixelValueLayer
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export

@keras_export("keras.layers.RandomGrayscale")
class RandomGrayscale(PixelValueLayer):
    """Converts each image to grayscale with probability ``factor`` during training.

    A converted image keeps its channels, each set to the image's luma
    (``0.2989 R + 0.5870 G + 0.1140 B``). The transformation is a boolean tensor of shape
    ``(batch, 1, 1, 1)`` (as in Keras), ``True`` for the images to convert. Labels, bounding boxes
    and segmentation masks pass through unchanged.

    Args:
        factor: the probability, in ``[0, 1]``, of converting an image.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: an integer seed.

    Example:
    >>> layer = cornu.layers.RandomGrayscale(factor=1.0)
    >>> out = layer(np.random.uniform(0, 255, (2, 4, 4, 3)))
    >>> bool(np.allclose(out[..., 0], out[..., 2]))
    True
    """

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if factor < 0 or factor > 1:
            raise ValueError(f"`factor` should be between 0 and 1. Received: factor={factor}")
        self.factor = factor
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)

    def get_random_transformation(self, images, training=True, seed=None):
        ns = self.backend
        images = images_of(images)
        batch_size = batch_size_of(ns, images)
        draws = ns.random.uniform((batch_size,), minval=0.0, maxval=1.0, seed=seed_for(self, seed))
        return ns.numpy.reshape(draws < self.factor, (batch_size, 1, 1, 1))

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        ns = self.backend
        images = ns.convert_to_tensor(images)
        if transformation is None:
            transformation = self.get_random_transformation(images)
        gray = color_space.rgb_to_grayscale(ns, images, data_format=self.data_format)
        return ns.numpy.where(transformation, gray, images)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor})
        return config
