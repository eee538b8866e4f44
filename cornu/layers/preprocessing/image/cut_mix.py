"""``CutMix``: pastes a random box of another image of the batch into each image, mixing labels by area."""

from cornu.layers.preprocessing.image.base_image_layer import BaseImagePreprocessingLayer
from cornu.layers.preprocessing.image.random_boxes import box_masks, random_box_span, spatial_axes
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.CutMix")
class CutMix(BaseImagePreprocessingLayer):
    """CutMix augmentation (Yun et al., 2019) on a batch of images and their one-hot labels.

    Each image receives a box cut from another image of the batch (a random permutation); the box
    covers about ``1 - lambda`` of the image, ``lambda ~ Beta(a, a)`` with ``a`` drawn from
    ``factor``, and the labels are mixed by the pasted area. A single (unbatched) image passes
    through unchanged.

    Example:
    >>> images = np.stack([np.zeros((8, 8, 3)), np.full((8, 8, 3), 255.0)])
    >>> labels = np.eye(2, dtype="float32")
    >>> out = cornu.layers.CutMix(seed=1)({"images": images, "labels": labels})
    >>> out["labels"].sum(axis=-1)  # still probabilities
    array([1., 1.], dtype=float32)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        self.height_axis, self.width_axis, self.channel_axis = spatial_axes(self.data_format)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = data["images"] if isinstance(data, dict) else data
        ns = self.backend
        shape = tuple(ns.shape(images))
        if len(shape) == 3:
            return None
        batch_size, height, width = shape[0], shape[self.height_axis], shape[self.width_axis]
        dtype = self.compute_dtype
        concentration = ns.random.uniform((), self.factor[0], self.factor[1], dtype=dtype,
                                          seed=self.draw_seed(seed)) + 1e-6
        kept = ns.random.beta((batch_size,), concentration, concentration, dtype=dtype, seed=self.draw_seed(seed))
        side_ratio = ns.numpy.sqrt(1.0 - kept)
        x0, x1 = random_box_span(self, batch_size, width, side_ratio, seed)
        y0, y1 = random_box_span(self, batch_size, height, side_ratio, seed)
        masks = box_masks(self, shape, (x0, x1, y0, y1))
        # The labels' weight is the area really kept (the drawn box, not lambda itself).
        mix_weight = 1.0 - (x1 - x0) * (y1 - y0) / (width * height)
        order = ns.random.shuffle(ns.numpy.arange(0, batch_size, dtype="int32"), seed=self.draw_seed(seed))
        return {"permutation_order": order, "batch_masks": masks, "mix_weight": mix_weight[:, None, None, None]}

    def transform_images(self, images, transformation=None, training=True):
        ns = self.backend
        images = ns.cast(images, self.compute_dtype)
        if training and transformation is not None:
            donors = ns.numpy.take(images, transformation["permutation_order"], axis=0)
            images = ns.numpy.where(transformation["batch_masks"], donors, images)
        return images

    def transform_labels(self, labels, transformation, training=True):
        if training and transformation is not None:
            ns = self.backend
            donors = ns.numpy.take(labels, transformation["permutation_order"], axis=0)
            weight = ns.numpy.reshape(transformation["mix_weight"], (-1, 1))
            labels = weight * labels + (1.0 - weight) * donors
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        raise NotImplementedError("CutMix does not transform bounding boxes (as in Keras).")

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return self.transform_images(segmentation_masks, transformation, training)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "seed": self.seed})
        return config
