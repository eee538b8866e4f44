"""``Solarization``: inverts the pixels above a threshold, after adding a random offset."""

from cornu.layers.preprocessing.image.color_utils import images_of, per_image_shape, seed_for, sorted_value_range
from cornu.layers.preprocessing.image.pixel_value_layer import PixelValueLayer
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export

_FACTOR_ERROR = (
    "The `addition_factor` and `threshold_factor` arguments should be a number (or a list of two numbers) "
    "in the range [0, 1]. "
)

def _factor_range(factor, name):
    """``factor`` as ``(lower, upper)`` in ``[0, 1]``: a number ``f`` means ``(0, f)``."""
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(_FACTOR_ERROR + f"Received: {name}={factor}")
        values = list(factor)
    elif isinstance(factor, (int, float)) and not isinstance(factor, bool):
        values = [0, factor]
    else:
        raise ValueError(_FACTOR_ERROR + f"Received: {name}={factor}")
    for value in values:
        if value < 0 or value > 1.0:
            raise ValueError(_FACTOR_ERROR + f"Received: {name}={factor}")
    lower, upper = sorted(values)
    return lower, upper

@keras_export("keras.layers.Solarization")
class Solarization(PixelValueLayer):
    """Solarizes images: on the ``[0, 255]`` scale, adds a random offset to every pixel, clips,
    and replaces the pixels at or above a random threshold ``t`` by ``255 - x``.

    Per image, the offset is drawn from ``[lower, upper * 255]`` of ``addition_factor`` and the
    threshold from ``[lower, upper * 255]`` of ``threshold_factor`` (a number ``f`` means
    ``(0, f)``). With the defaults (both ``0``) every pixel is inverted. Applied only in
    training; labels, bounding boxes and segmentation masks pass through unchanged.

    Args:
        addition_factor: a number in ``[0, 1]`` or a pair ``(lower, upper)``.
        threshold_factor: a number in ``[0, 1]`` or a pair ``(lower, upper)``.
        value_range: the ``(low, high)`` range of the pixel values.
        seed: an integer seed.

    Example:
    >>> cornu.layers.Solarization(value_range=(0, 1))(np.array([[[[0.25, 0.5, 1.0]]]]))
    array([[[[0.75, 0.5 , 0.  ]]]], dtype=float32)
    """

    _USE_BASE_FACTOR = False

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        self.addition_factor = _factor_range(addition_factor, "addition_factor")
        self.threshold_factor = _factor_range(threshold_factor, "threshold_factor")
        self.value_range = sorted_value_range(value_range)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        ns = self.backend
        shape = per_image_shape(ns, images_of(data))
        additions = ns.random.uniform(shape, minval=self.addition_factor[0], maxval=self.addition_factor[1] * 255,
                                      dtype=self.compute_dtype, seed=seed_for(self, seed))
        thresholds = ns.random.uniform(shape, minval=self.threshold_factor[0], maxval=self.threshold_factor[1] * 255,
                                       dtype=self.compute_dtype, seed=seed_for(self, seed))
        return {"additions": additions, "thresholds": thresholds}

    def transform_images(self, images, transformation, training=True):
        ns = self.backend
        images = ns.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        images = self._transform_value_range(images, self.value_range, (0, 255), dtype=self.compute_dtype)
        results = ns.numpy.clip(images + ns.cast(transformation["additions"], self.compute_dtype), 0, 255)
        thresholds = ns.cast(transformation["thresholds"], self.compute_dtype)
        results = ns.numpy.where(results < thresholds, results, 255 - results)
        results = self._transform_value_range(results, (0, 255), self.value_range, dtype=self.compute_dtype)
        return ns.cast(results, self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update({"value_range": self.value_range, "addition_factor": self.addition_factor,
                       "threshold_factor": self.threshold_factor, "seed": self.seed})
        return config
