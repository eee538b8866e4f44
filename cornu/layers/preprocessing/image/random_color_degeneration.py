"""``RandomColorDegeneration``: blends each image towards its grayscale version."""

from cornu.layers.preprocessing.image import color_space
from cornu.layers.preprocessing.image.base_image_layer import BaseImagePreprocessingLayer
from cornu.layers.preprocessing.image.color_utils import batch_size_of, images_of, seed_for, sorted_value_range
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.RandomColorDegeneration")
class RandomColorDegeneration(BaseImagePreprocessingLayer):
    """Randomly desaturates each image during training.

    Per image, ``f`` is drawn from ``[lower, upper]`` (``factor`` a number ``f`` gives
    ``(-f, f)``, as in Keras) and the output is ``image + f * (grayscale - image)``, clipped to
    ``value_range``: ``f = 0`` keeps the image, ``1`` makes it grey. Inputs must have 3 channels.
    Labels, bounding boxes and segmentation masks pass through unchanged.

    Args:
        factor: a number in ``[-1, 1]`` or a pair ``(lower, upper)``, typically within ``[0, 1]``.
        value_range: the ``(low, high)`` range of the pixel values.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: an integer seed.

    Example:
    >>> layer = cornu.layers.RandomColorDegeneration((1.0, 1.0))  # always fully grey
    >>> out = layer(np.random.uniform(0, 255, (2, 4, 4, 3)))
    >>> bool(np.allclose(out[..., 0], out[..., 1]))
    True
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
        factor = ns.random.uniform((batch_size, 1, 1, 1), minval=self.factor[0], maxval=self.factor[1],
                                   seed=seed_for(self, seed))
        return {"factor": factor}

    def transform_images(self, images, transformation=None, training=True):
        if not training:
            return images
        ns = self.backend
        images = ns.cast(images, self.compute_dtype)
        factor = ns.cast(transformation["factor"], self.compute_dtype)
        gray = color_space.rgb_to_grayscale(ns, images, data_format=self.data_format)
        images = ns.numpy.clip(images + factor * (gray - images), self.value_range[0], self.value_range[1])
        return ns.cast(images, self.compute_dtype)

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return segmentation_masks

    def compute_output_shape(self, input_shape):
        if len(input_shape) not in (3, 4):
            raise ValueError(
                "Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). "
                f"Received: input_shape={input_shape}"
            )
        channels = input_shape[color_space.channel_axis(self.data_format)]
        if channels is not None and channels != 3:
            raise ValueError(f"Input images must have 3 channels, but received images with {channels} channels.")
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config
