"""``Equalization``: histogram equalization of every colour channel."""

from cornu.layers.preprocessing.image.color_utils import sorted_value_range
from cornu.layers.preprocessing.image.pixel_value_layer import PixelValueLayer
from cornu.serialization.registry import keras_export

@keras_export("keras.layers.Equalization")
class Equalization(PixelValueLayer):
    """Equalizes the histogram of each colour channel during training.

    Values are mapped to ``[0, 255]``, binned into ``bins`` bins, and every pixel replaced by the
    rescaled cumulative count of its bin (rounded to an integer level), which spreads the levels
    evenly; a channel whose pixels all share one bin is kept. As in Keras, one histogram is
    computed per channel over the whole batch. Labels, bounding boxes and segmentation masks pass
    through unchanged.

    Args:
        value_range: the ``(low, high)`` range of the pixel values.
        bins: the number of histogram bins.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
    >>> layer = cornu.layers.Equalization()
    >>> layer(np.array([[[[0.0], [10.0], [20.0], [30.0]]]]))[..., 0]
    array([[[  0.,  85., 170., 255.]]], dtype=float32)
    """

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.bins = bins
        self.value_range = sorted_value_range(value_range)

    @staticmethod
    def _rescale(values, source_range, target_range):
        scale = (target_range[1] - target_range[0]) / (source_range[1] - source_range[0])
        return values * scale + (target_range[0] - source_range[0] * scale)

    def _equalize_channel(self, channel):
        ns = self.backend
        bins = self.bins
        channel = self._rescale(channel, self.value_range, (0, 255))
        # The bin of each value, as Keras computes it for the histogram ...
        binned = ns.cast(ns.cast(channel, "float32") * (bins - 1) / 255.0, "int32")
        binned = ns.numpy.reshape(ns.numpy.clip(binned, 0, bins - 1), (-1,))
        # ... whose cumulative counts are the number of values in each bin or below.
        cdf = ns.numpy.searchsorted(ns.numpy.sort(binned), ns.numpy.arange(bins, dtype="int32"), side="right")
        cdf = ns.cast(cdf, "float32")
        lowest = ns.numpy.min(binned)
        single_bin = ns.numpy.equal(lowest, ns.numpy.max(binned))
        cdf_min = ns.numpy.take(cdf, lowest)
        denominator = cdf[-1] - cdf_min
        denominator = ns.numpy.where(denominator == 0, ns.numpy.ones_like(denominator), denominator)
        lookup = ns.numpy.clip(ns.numpy.round((cdf - cdf_min) * 255.0 / denominator), 0, 255)
        # The pixels are looked up with Keras's (slightly different) bin formula.
        indices = ns.cast(ns.numpy.clip((channel / 255.0) * (bins - 1), 0, bins - 1), "int32")
        equalized = ns.cast(ns.numpy.take(lookup, indices), self.compute_dtype)
        equalized = ns.numpy.where(single_bin, channel, equalized)
        return self._rescale(equalized, (0, 255), self.value_range)

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        ns = self.backend
        images = ns.cast(images, self.compute_dtype)
        if self.data_format == "channels_first":
            channels = [images[..., i, :, :] for i in range(ns.shape(images)[-3])]
            equalized = ns.numpy.stack([self._equalize_channel(c) for c in channels], axis=-3)
        else:
            channels = [images[..., i] for i in range(ns.shape(images)[-1])]
            equalized = ns.numpy.stack([self._equalize_channel(c) for c in channels], axis=-1)
        return ns.cast(equalized, self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update({"bins": self.bins, "value_range": self.value_range})
        return config
