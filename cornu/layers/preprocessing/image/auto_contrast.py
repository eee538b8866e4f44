"""``AutoContrast``: stretches each image channel to the full ``value_range``."""

from cornu.layers.preprocessing.image.color_utils import sorted_value_range
from cornu.layers.preprocessing.image.pixel_value_layer import PixelValueLayer
from cornu.serialization.registry import keras_export

@keras_export("keras.layers.AutoContrast")
class AutoContrast(PixelValueLayer):
    """Maps each channel of each image linearly so its darkest pixel becomes ``value_range[0]``
    and its brightest ``value_range[1]``.

    Deterministic, and applied at inference too (as in Keras). Constant channels, which have no
    contrast to stretch, are left unchanged. Labels, bounding boxes and segmentation masks pass
    through unchanged.

    Args:
        value_range: the ``(low, high)`` range of the pixel values.

    Example:
    >>> cornu.layers.AutoContrast(value_range=(0, 1))(np.array([[[[0.25], [0.5]]]]))
    array([[[[0.],
             [1.]]]], dtype=float32)
    """

    _USE_BASE_FACTOR = False

    def __init__(self, value_range=(0, 255), **kwargs):
        super().__init__(**kwargs)
        self.value_range = sorted_value_range(value_range)

    def transform_images(self, images, transformation=None, training=True):
        ns = self.backend
        original = ns.cast(images, self.compute_dtype)
        images = self._transform_value_range(original, self.value_range, (0, 255), dtype=self.compute_dtype)
        spatial_axes = (1, 2) if self.data_format == "channels_last" else (2, 3)
        low = ns.numpy.min(images, axis=spatial_axes, keepdims=True)
        high = ns.numpy.max(images, axis=spatial_axes, keepdims=True)
        # A constant channel has no scale (NaN, without a division by zero): the input is kept below.
        span = high - low
        scale = ns.numpy.where(span > 0, 255.0 / ns.numpy.where(span > 0, span, 1.0), float("nan"))
        results = ns.numpy.clip(images * scale - low * scale, 0.0, 255.0)
        results = self._transform_value_range(results, (0, 255), self.value_range, dtype=self.compute_dtype)
        return ns.numpy.where(ns.numpy.isnan(results), original, results)

    def get_config(self):
        config = super().get_config()
        config.update({"value_range": self.value_range})
        return config
