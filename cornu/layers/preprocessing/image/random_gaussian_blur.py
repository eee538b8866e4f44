"""``RandomGaussianBlur``: blurs each image, with a probability drawn from ``factor``."""

from cornu.layers.preprocessing.image.pixel_value_layer import PixelValueLayer
from cornu.layers.preprocessing.image.random_boxes import bounded_range
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export

def _odd_kernel_size(kernel_size):
    """``(width_size, height_size)`` from an odd integer or a pair of odd integers."""
    if isinstance(kernel_size, (tuple, list)):
        if len(kernel_size) != 2:
            raise ValueError(
                f"The `kernel_size` argument should be a number (or a list of two numbers). "
                f"Received: kernel_size={kernel_size}"
            )
        sizes = tuple(kernel_size)
    elif isinstance(kernel_size, (int, float)) and not isinstance(kernel_size, bool):
        sizes = (kernel_size, kernel_size)
    else:
        raise ValueError(f"kernel_size must be an odd number. Received: kernel_size={kernel_size}")
    if any(size % 2 == 0 for size in sizes):
        raise ValueError(f"kernel_size must be an odd number. Received: kernel_size={kernel_size}")
    return sizes

@keras_export("keras.layers.RandomGaussianBlur")
class RandomGaussianBlur(PixelValueLayer):
    """Blurs images with a Gaussian kernel whose ``sigma`` is drawn from ``sigma`` per call.

    Each image is blurred with probability ``p``, ``p`` drawn per image from ``factor``
    (``factor=1.0``: every image); the result is clipped to ``value_range``. ``kernel_size`` is
    odd; ``sigma`` is a number ``s`` (the range ``(0, s)``) or a ``(low, high)`` pair in
    ``[0, 1]``, one value drawn for the width and one for the height.

    Example:
    >>> layer = cornu.layers.RandomGaussianBlur(kernel_size=3, sigma=(1.0, 1.0))
    >>> layer(np.eye(5)[None, :, :, None] * 255.0).shape
    (1, 5, 5, 1)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255), data_format=None, seed=None,
                 **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.kernel_size = _odd_kernel_size(kernel_size)
        self.sigma = bounded_range(sigma, self._FACTOR_BOUNDS, "sigma")
        self.value_range = value_range
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = data["images"] if isinstance(data, dict) else data
        ns = self.backend
        shape = tuple(ns.shape(images))
        if len(shape) not in (3, 4):
            raise ValueError(f"Expected the input image to be rank 3 or 4. Received inputs.shape={shape}")
        batch_size = shape[0] if len(shape) == 4 else 1
        probability = ns.random.uniform((batch_size,), self.factor[0], self.factor[1], seed=self.draw_seed(seed))
        threshold = ns.random.uniform((batch_size,), 0.0, 1.0, seed=self.draw_seed(seed))
        sigmas = ns.random.uniform((2,), self.sigma[0], self.sigma[1], dtype=self.compute_dtype,
                                   seed=self.draw_seed(seed))
        return {"should_apply_blur": threshold < probability, "blur_factor": sigmas + 1e-6}

    def _gaussian_taps(self, size, sigma, dtype):
        ns = self.backend
        offsets = ns.numpy.arange(size, dtype=dtype) - (size - 1) / 2.0
        taps = ns.numpy.exp(-0.5 * ns.numpy.square(offsets / sigma))
        return taps / ns.numpy.sum(taps)

    def _blur(self, images, sigmas):
        """Depthwise 'same' convolution with the separable kernel (width: sigmas[0], height: sigmas[1])."""
        ns = self.backend
        dtype = self.compute_dtype
        sigmas = ns.cast(sigmas, dtype)
        kernel = ns.numpy.outer(self._gaussian_taps(self.kernel_size[1], sigmas[1], dtype),
                                self._gaussian_taps(self.kernel_size[0], sigmas[0], dtype))
        channel_axis = 1 if self.data_format == "channels_first" else -1
        channels = ns.shape(images)[channel_axis]
        kernel = ns.numpy.tile(kernel[:, :, None, None], (1, 1, channels, 1))
        return ns.nn.depthwise_conv(images, kernel, strides=1, padding="same", data_format=self.data_format)

    def transform_images(self, images, transformation=None, training=True):
        ns = self.backend
        images = ns.cast(images, self.compute_dtype)
        if training and transformation is not None:
            blurred = self._blur(images, transformation["blur_factor"])
            apply = transformation["should_apply_blur"][:, None, None, None]
            images = ns.numpy.where(apply, blurred, images)
            images = ns.numpy.clip(images, self.value_range[0], self.value_range[1])
            images = ns.cast(images, self.compute_dtype)
        return images

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "kernel_size": self.kernel_size, "sigma": self.sigma,
                       "value_range": self.value_range, "seed": self.seed})
        return config
