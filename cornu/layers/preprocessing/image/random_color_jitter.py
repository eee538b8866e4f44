"""``RandomColorJitter``: random brightness, contrast, saturation and hue changes, in that order."""

from cornu.layers.preprocessing.image.pixel_value_layer import PixelValueLayer
from cornu.layers.preprocessing.image.random_brightness import RandomBrightness
from cornu.layers.preprocessing.image.random_contrast import RandomContrast
from cornu.layers.preprocessing.image.random_hue import RandomHue
from cornu.layers.preprocessing.image.random_saturation import RandomSaturation
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export

@keras_export("keras.layers.RandomColorJitter")
class RandomColorJitter(PixelValueLayer):
    """Applies ``RandomBrightness``, ``RandomContrast``, ``RandomSaturation`` and ``RandomHue``
    (those whose factor is given, in that order) during training.

    Each step draws its own random values from this layer's seed generator. Labels, bounding
    boxes and segmentation masks pass through unchanged.

    Args:
        value_range: the ``(low, high)`` range of the pixel values.
        brightness_factor: ``factor`` of ``RandomBrightness``, or ``None`` to skip it.
        contrast_factor: ``factor`` of ``RandomContrast``, or ``None`` to skip it.
        saturation_factor: ``factor`` of ``RandomSaturation``, or ``None`` to skip it.
        hue_factor: ``factor`` of ``RandomHue``, or ``None`` to skip it.
        seed: an integer seed.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
    >>> layer = cornu.layers.RandomColorJitter(brightness_factor=0.2, hue_factor=0.1, seed=4)
    >>> layer(np.random.uniform(0, 255, (2, 4, 4, 3))).shape
    (2, 4, 4, 3)
    """

    def __init__(self, value_range=(0, 255), brightness_factor=None, contrast_factor=None, saturation_factor=None,
                 hue_factor=None, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        self.random_brightness = self.random_contrast = self.random_saturation = self.random_hue = None
        if brightness_factor is not None:
            self.random_brightness = RandomBrightness(factor=brightness_factor, value_range=value_range, seed=seed)
        if contrast_factor is not None:
            self.random_contrast = RandomContrast(factor=contrast_factor, value_range=value_range, seed=seed)
        if saturation_factor is not None:
            self.random_saturation = RandomSaturation(factor=saturation_factor, value_range=value_range, seed=seed)
        if hue_factor is not None:
            self.random_hue = RandomHue(factor=hue_factor, value_range=value_range, seed=seed)

    def _steps(self):
        return [layer for layer in (self.random_brightness, self.random_contrast, self.random_saturation,
                                    self.random_hue) if layer is not None]

    def build(self, input_shape):
        for layer in self._steps():
            layer.build(input_shape)
        self.built = True

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        ns = self.backend
        images = ns.cast(images, self.compute_dtype)
        for layer in self._steps():
            step = layer.get_random_transformation(images, seed=self.seed_generator)
            images = layer.transform_images(images, step)
        return ns.cast(images, self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update({"value_range": self.value_range, "brightness_factor": self.brightness_factor,
                       "contrast_factor": self.contrast_factor, "saturation_factor": self.saturation_factor,
                       "hue_factor": self.hue_factor, "seed": self.seed})
        return config
