"""``CenterCrop``: the central ``height`` x ``width`` window of each image."""

from cornu.layers.preprocessing.image import bounding_boxes as box_utils
from cornu.layers.preprocessing.image.base_image_layer import BaseImagePreprocessingLayer
from cornu.layers.preprocessing.image.image_resize import crop_window, resize_images, spatial_axes
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.CenterCrop")
class CenterCrop(BaseImagePreprocessingLayer):
    """Crops the centre of each image to ``(height, width)``; an image smaller than that is first
    cropped to the target aspect ratio and resized up (bilinear), as Keras's ``smart_resize``.

    Example:
    >>> cornu.layers.CenterCrop(2, 2)(np.arange(16.0).reshape(4, 4, 1))[..., 0]
    array([[ 5.,  6.],
           [ 9., 10.]], dtype=float32)
    """

    _USE_BASE_FACTOR = False

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = height, width

    def get_random_transformation(self, data, training=True, seed=None):
        return {"input_shape": self.backend.shape(data["images"] if isinstance(data, dict) else data)}

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return self.transform_images(segmentation_masks, transformation, training=training)

    def transform_images(self, images, transformation=None, training=True):
        images = self.backend.cast(images, self.compute_dtype)
        rank = len(images.shape)
        h_axis, w_axis = spatial_axes(self.data_format, rank)
        height, width = int(images.shape[h_axis]), int(images.shape[w_axis])
        if height >= self.height and width >= self.width:
            top, left = (height - self.height) // 2, (width - self.width) // 2
            index = [slice(None)] * rank
            index[h_axis], index[w_axis] = slice(top, top + self.height), slice(left, left + self.width)
            return images[tuple(index)]
        return resize_images(self.backend, images, (self.height, self.width), crop_to_aspect_ratio=True,
                             data_format=self.data_format)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        n = self.backend.numpy
        shape = transformation["input_shape"]
        h_axis, w_axis = (-2, -1) if self.data_format == "channels_first" else (-3, -2)
        height, width = int(shape[h_axis]), int(shape[w_axis])
        bounding_boxes = box_utils.convert_format(bounding_boxes, self.bounding_box_format, "xyxy", height=height,
                                                  width=width)
        if height >= self.height and width >= self.width:
            top, left = int((height - self.height) / 2), int((width - self.width) / 2)
            crop_height, crop_width = self.height, self.width
        else:
            top, left, crop_height, crop_width = crop_window(height, width, self.height, self.width)
        x1, y1, x2, y2 = n.split(bounding_boxes["boxes"], 4, axis=-1)
        x1, x2 = (n.clip(v, left, left + crop_width) - left for v in (x1, x2))
        y1, y2 = (n.clip(v, top, top + crop_height) - top for v in (y1, y2))
        if (crop_height, crop_width) != (self.height, self.width):
            scale_x, scale_y = self.width / crop_width, self.height / crop_height
            x1, x2, y1, y2 = x1 * scale_x, x2 * scale_x, y1 * scale_y, y2 * scale_y
        bounding_boxes["boxes"] = n.concatenate([x1, y1, x2, y2], axis=-1)
        bounding_boxes = box_utils.clip_to_image_size(bounding_boxes, height=self.height, width=self.width)
        return box_utils.convert_format(bounding_boxes, "xyxy", self.bounding_box_format, height=self.height,
                                        width=self.width)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        if len(shape) not in (3, 4) or isinstance(shape[0], (list, tuple)):
            raise ValueError("`input_shape` must be a non-nested tuple or list of rank-1 with size 3 (unbatched) "
                             "or 4 (batched). ")
        h_axis, w_axis = spatial_axes(self.data_format, len(shape))
        shape[h_axis], shape[w_axis] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "data_format": self.data_format})
        return config
