"""``MixUp``: blends each image (and label) with another one of the batch."""

from cornu.layers.preprocessing.image.base_image_layer import BaseImagePreprocessingLayer
from cornu.random.seed_generator import SeedGenerator
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.MixUp")
class MixUp(BaseImagePreprocessingLayer):
    """MixUp augmentation (Zhang et al., 2017): ``w * x + (1 - w) * x[perm]``, ``w ~ Beta(alpha, alpha)``.

    The same weights and permutation mix the images, the (one-hot) labels and the segmentation
    masks; bounding boxes of the partner image are appended to each image's boxes.

    Example:
    >>> images = np.stack([np.zeros((4, 4, 3)), np.full((4, 4, 3), 255.0)])
    >>> out = cornu.layers.MixUp(alpha=0.2, seed=1)({"images": images, "labels": np.eye(2)})
    >>> out["images"].shape
    (2, 4, 4, 3)
    """

    def __init__(self, alpha=0.2, data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.alpha = alpha
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = data["images"] if isinstance(data, dict) else data
        ns = self.backend
        shape = tuple(ns.shape(images))
        batch_size = 1 if len(shape) == 3 else shape[0]
        order = ns.random.shuffle(ns.numpy.arange(0, batch_size, dtype="int32"), seed=self.draw_seed(seed))
        weights = ns.random.beta((batch_size,), self.alpha, self.alpha, seed=self.draw_seed(seed))
        return {"mix_weight": weights, "permutation_order": order}

    def _mix(self, values, transformation, weight_shape):
        ns = self.backend
        partners = ns.numpy.take(values, transformation["permutation_order"], axis=0)
        weight = ns.numpy.reshape(transformation["mix_weight"], weight_shape)
        return weight * values + (1.0 - weight) * partners

    def transform_images(self, images, transformation=None, training=True):
        if training and transformation is not None:
            ns = self.backend
            images = ns.cast(images, self.compute_dtype)
            transformation = dict(transformation, mix_weight=ns.cast(transformation["mix_weight"], self.compute_dtype))
            images = self._mix(images, transformation, (-1, 1, 1, 1))
        return images

    def transform_labels(self, labels, transformation, training=True):
        if training and transformation is not None:
            labels = self._mix(labels, transformation, (-1, 1))
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if training and transformation is not None:
            ns = self.backend
            order = transformation["permutation_order"]
            boxes, labels = bounding_boxes["boxes"], bounding_boxes["labels"]
            boxes = ns.numpy.concatenate([boxes, ns.numpy.take(boxes, order, axis=0)], axis=1)
            labels = ns.numpy.concatenate([labels, ns.numpy.take(labels, order, axis=0)], axis=1)
            bounding_boxes = {**bounding_boxes, "boxes": boxes, "labels": labels}
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        if training and transformation is not None:
            segmentation_masks = self._mix(segmentation_masks, transformation, (-1, 1, 1, 1))
        return segmentation_masks

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"alpha": self.alpha, "seed": self.seed})
        return config
