"""``RandomElasticTransform``: a random, smooth elastic distortion of each image during training."""

from cornu.layers.preprocessing.image.base_image_layer import BaseImagePreprocessingLayer
from cornu.layers.preprocessing.image.geometry_helpers import batch_size
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.RandomElasticTransform")
class RandomElasticTransform(BaseImagePreprocessingLayer):
    """Moves pixels along a random displacement field smoothed by a Gaussian, applied to each image
    with a probability drawn from ``factor``; ``scale`` (in [0, 1]) sets the strength (the field is
    ``0.1 * scale * max(height, width)`` pixels strong with smoothing ``0.05 * scale * min(height, width)``).
    Outputs are clipped to ``value_range``.

    Example:
    >>> cornu.layers.RandomElasticTransform(seed=0)(np.zeros((2, 16, 16, 3))).shape
    (2, 16, 16, 3)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)
    _SUPPORTED_INTERPOLATION = ("nearest", "bilinear")
    _SUPPORTED_FILL_MODES = {"constant", "nearest", "wrap", "mirror", "reflect"}

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                 value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.scale = self._set_factor_by_name(scale, "scale")
        self.interpolation, self.fill_mode, self.fill_value = interpolation, fill_mode, fill_value
        self.value_range = value_range
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        if interpolation not in self._SUPPORTED_INTERPOLATION:
            raise NotImplementedError(
                f"Unknown `interpolation` {interpolation}. Expected of one {self._SUPPORTED_INTERPOLATION}."
            )
        if fill_mode not in self._SUPPORTED_FILL_MODES:
            raise NotImplementedError(f"Unknown `fill_mode` {fill_mode}. Expected of one {self._SUPPORTED_FILL_MODES}.")
        self.height_axis, self.width_axis = (-2, -1) if self.data_format == "channels_first" else (-3, -2)

    def _set_factor_by_name(self, factor, name):
        saved = getattr(self, "factor", None)
        try:
            self._set_factor(factor)
        except ValueError:
            low, high = self._FACTOR_BOUNDS
            raise ValueError(
                f"The `{name}` argument should be a number (or a list of two numbers) in the range [{low}, {high}]. "
                f"Received: factor={factor}"
            ) from None
        value, self.factor = self.factor, saved
        return value

    def get_random_transformation(self, data, training=True, seed=None):
        if not training or self.scale[1] == 0 or self.factor[1] == 0:
            return None
        shape = self.backend.shape(data["images"] if isinstance(data, dict) else data)
        count = batch_size(shape)
        next_seed = self.draw_seed if seed is None else (lambda: seed)
        uniform = self.backend.random.uniform
        probability = uniform((count,), minval=self.factor[0], maxval=self.factor[1], seed=next_seed())
        apply = uniform((count,), minval=0.0, maxval=1.0, seed=next_seed()) < probability
        distortion = uniform((), minval=self.scale[0], maxval=self.scale[1], seed=next_seed(), dtype=self.compute_dtype)
        return {"apply_transform": apply, "distortion_factor": distortion, "seed": next_seed()}

    def get_elastic_transform_params(self, height, width, factor):
        """(alpha, sigma): the displacement strength and its Gaussian smoothing, in pixels."""
        return max(height, width) * 0.1 * factor, min(height, width) * 0.05 * factor

    def _static_distortion(self, distortion):
        # The smoothing kernel's size must be known when tracing: a traced draw uses the upper scale.
        try:
            return float(self.backend.convert_to_numpy(distortion))
        except Exception:  # a tracer (jax.jit) has no value yet
            return float(self.scale[1])

    def _transform_images(self, images, transformation, interpolation):
        if transformation is None:
            return images
        n = self.backend.numpy
        height, width = int(images.shape[self.height_axis]), int(images.shape[self.width_axis])
        alpha, sigma = self.get_elastic_transform_params(height, width,
                                                         self._static_distortion(transformation["distortion_factor"]))
        warped = self.backend.image.elastic_transform(images, alpha=alpha, sigma=sigma, interpolation=interpolation,
                                                      fill_mode=self.fill_mode, fill_value=self.fill_value,
                                                      seed=transformation["seed"], data_format=self.data_format)
        apply = transformation["apply_transform"]
        apply = n.reshape(apply, (-1, 1, 1) if len(images.shape) == 3 else (-1, 1, 1, 1))
        images = n.where(apply, self.backend.cast(warped, images.dtype), images)
        images = n.clip(images, self.value_range[0], self.value_range[1])
        return self.backend.cast(images, self.compute_dtype)

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "scale": self.scale, "interpolation": self.interpolation,
                       "fill_mode": self.fill_mode, "fill_value": self.fill_value, "value_range": self.value_range,
                       "seed": self.seed})
        return config
