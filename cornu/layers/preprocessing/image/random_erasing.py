"""``RandomErasing``: replaces a random rectangle of each image by a constant or noise."""

from cornu.layers.preprocessing.image.pixel_value_layer import PixelValueLayer
from cornu.layers.preprocessing.image.random_boxes import bounded_range, box_masks, random_box_span, spatial_axes
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export

@keras_export("keras.layers.RandomErasing")
class RandomErasing(PixelValueLayer):
    """Erases a random box of each image with probability drawn from ``factor`` (Random Erasing).

    Each image gets a box whose width and height are ``sqrt(u) * size`` with ``u`` drawn from
    ``scale``; the box is filled with ``fill_value`` (a number or a per-channel triple) or, when
    ``fill_value`` is ``None``, with Gaussian noise scaled by ``value_range[1]``, then clipped
    to ``value_range``. Labels, boxes and segmentation masks pass through.

    Example:
    >>> layer = cornu.layers.RandomErasing(factor=(1.0, 1.0), fill_value=0.0, seed=1)  # always erase
    >>> layer(np.full((2, 8, 8, 3), 255.0)).min()  # a box of zeros in each image
    0.0
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255), seed=None,
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.scale = bounded_range(scale, self._FACTOR_BOUNDS, "scale")
        if fill_value is not None and not (
            isinstance(fill_value, (int, float)) or (isinstance(fill_value, (tuple, list)) and len(fill_value) == 3)
        ):
            raise ValueError(
                "The `fill_value` argument should be a number (or a list of three numbers), or None for "
                f"random noise. Received: fill_value={fill_value}"
            )
        self.fill_value = fill_value
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
        height_axis, width_axis, _ = spatial_axes(self.data_format)
        sides = ns.random.uniform((batch_size, 2), self.scale[0], self.scale[1], dtype=self.compute_dtype,
                                  seed=self.draw_seed(seed))
        sides = ns.numpy.sqrt(sides)
        x0, x1 = random_box_span(self, batch_size, shape[width_axis], sides[:, 0], seed)
        y0, y1 = random_box_span(self, batch_size, shape[height_axis], sides[:, 1], seed)
        probability = ns.random.uniform((batch_size,), self.factor[0], self.factor[1], seed=self.draw_seed(seed))
        threshold = ns.random.uniform((batch_size,), 0.0, 1.0, seed=self.draw_seed(seed))
        return {
            "apply_erasing": threshold < probability,
            "batch_masks": box_masks(self, shape if len(shape) == 4 else (1,) + shape, (x0, x1, y0, y1)),
            "fill_value": self._fill_values(images, shape, seed),
        }

    def _fill_values(self, images, shape, seed):
        ns = self.backend
        if self.fill_value is None:
            fill = ns.random.normal(shape, dtype=self.compute_dtype, seed=self.draw_seed(seed)) * self.value_range[1]
        elif isinstance(self.fill_value, (tuple, list)):
            per_channel = ns.convert_to_tensor(list(self.fill_value), dtype=self.compute_dtype)
            if self.data_format == "channels_first":
                per_channel = ns.numpy.reshape(per_channel, (-1, 1, 1))
            fill = ns.numpy.broadcast_to(per_channel, shape)
        else:
            fill = ns.numpy.full(shape, self.fill_value, dtype=self.compute_dtype)
        return ns.numpy.clip(fill, self.value_range[0], self.value_range[1])

    def transform_images(self, images, transformation=None, training=True):
        ns = self.backend
        images = ns.cast(images, self.compute_dtype)
        if training and transformation is not None:
            erased = ns.numpy.where(transformation["batch_masks"], transformation["fill_value"], images)
            apply = transformation["apply_erasing"][:, None, None, None]
            images = ns.numpy.where(apply, erased, images)
        return ns.cast(images, self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "scale": self.scale, "fill_value": self.fill_value,
                       "value_range": self.value_range, "seed": self.seed})
        return config
