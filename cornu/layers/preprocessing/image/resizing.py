"""``Resizing``: resizes images (and masks and boxes) to a fixed height and width."""

from cornu.layers.preprocessing.image import bounding_boxes as box_utils
from cornu.layers.preprocessing.image.base_image_layer import BaseImagePreprocessingLayer
from cornu.layers.preprocessing.image.image_resize import resize_images, spatial_axes
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Resizing")
class Resizing(BaseImagePreprocessingLayer):
    """Resizes images to ``(height, width)``, optionally cropping or padding (centred) to the
    target aspect ratio first so nothing is stretched.

    Example:
    >>> cornu.layers.Resizing(4, 6)(np.zeros((2, 8, 8, 3))).shape
    (2, 4, 6, 3)
    """

    _USE_BASE_FACTOR = False

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False, pad_to_aspect_ratio=False,
                 fill_mode="constant", fill_value=0.0, antialias=False, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = height, width
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.fill_mode, self.fill_value = fill_mode, fill_value
        self.antialias = bool(antialias)
        self.height_axis, self.width_axis = (-2, -1) if self.data_format == "channels_first" else (-3, -2)

    def _transform_images(self, images, transformation, interpolation):
        return resize_images(self.backend, images, (self.height, self.width), interpolation, self.antialias,
                             self.crop_to_aspect_ratio, self.pad_to_aspect_ratio, self.fill_mode, self.fill_value,
                             self.data_format)

    def transform_images(self, images, transformation=None, training=True):
        return self._transform_images(images, transformation, self.interpolation)

    def transform_segmentation_masks(self, segmentation_masks, transformation=None, training=True):
        return self._transform_images(segmentation_masks, transformation, "nearest")

    def transform_labels(self, labels, transformation=None, training=True):
        return labels

    def get_random_transformation(self, data, training=True, seed=None):
        shape = self.backend.shape(data["images"] if isinstance(data, dict) else data)
        return shape[self.height_axis], shape[self.width_axis]

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        n = self.backend.numpy
        input_height, input_width = transformation
        boxes = bounding_boxes["boxes"]
        # Padding boxes (all -1 or all 0) stay zeros.
        padding = n.logical_or(n.all(boxes == -1, axis=-1), n.all(boxes == 0, axis=-1))
        bounding_boxes = box_utils.convert_format(bounding_boxes, self.bounding_box_format, "xyxy",
                                                  height=input_height, width=input_width)
        bounding_boxes["boxes"] = self._transform_xyxy(bounding_boxes["boxes"], input_height, input_width)
        bounding_boxes = box_utils.clip_to_image_size(bounding_boxes, height=self.height, width=self.width)
        moved = bounding_boxes["boxes"]
        bounding_boxes["boxes"] = n.where(n.expand_dims(padding, -1), n.zeros_like(moved), moved)
        return box_utils.convert_format(bounding_boxes, "xyxy", self.bounding_box_format, height=self.height,
                                        width=self.width)

    def _transform_xyxy(self, boxes, input_height, input_width):
        n = self.backend.numpy
        input_height, input_width = float(input_height), float(input_width)
        if self.pad_to_aspect_ratio:
            ratio = min(self.height / input_height, self.width / input_width)
            x_offset = (self.width - input_width * ratio) // 2
            y_offset = (self.height - input_height * ratio) // 2
            scale_x = scale_y = ratio
        elif self.crop_to_aspect_ratio:
            source, target = input_width / input_height, self.width / self.height
            new_width = self.height * source if source > target else self.width
            new_height = self.height if source > target else self.width / source
            scale_x, scale_y = new_width / input_width, new_height / input_height
            x_offset, y_offset = -((new_width - self.width) // 2), -((new_height - self.height) // 2)
        else:
            scale_x, scale_y = self.width / input_width, self.height / input_height
            x_offset = y_offset = 0.0
        x1, y1, x2, y2 = (boxes[..., i] for i in range(4))
        return n.stack([x1 * scale_x + x_offset, y1 * scale_y + y_offset, x2 * scale_x + x_offset,
                        y2 * scale_y + y_offset], axis=-1)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        h_axis, w_axis = spatial_axes(self.data_format, len(shape))
        shape[h_axis], shape[w_axis] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "interpolation": self.interpolation,
                       "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                       "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                       "fill_value": self.fill_value, "antialias": self.antialias, "data_format": self.data_format})
        return config
