"""``PixelValueLayer``: the base of image layers that change pixel values only (colour,
contrast, blur...): labels, bounding boxes and segmentation masks pass through unchanged, and
the output shape is the input shape."""

from cornu.layers.preprocessing.image.base_image_layer import BaseImagePreprocessingLayer


class PixelValueLayer(BaseImagePreprocessingLayer):
    """An image layer whose transformation touches pixel values, never geometry.

    Example:
    >>> class Invert(PixelValueLayer):
    ...     def transform_images(self, images, transformation, training=True):
    ...         return 255.0 - images
    """

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return segmentation_masks

    def compute_output_shape(self, input_shape):
        return input_shape
