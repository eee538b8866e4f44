"""``keras.utils.bounding_boxes``: box format conversion, clipping, geometric transforms, IoU and
box/delta encoding, computed on the namespace in use (NumPy on host data, else the backend)."""

from cornu.layers.preprocessing.image.bounding_boxes.converters import (affine_transform, clip_to_image_size,
                                                                        convert_format, crop, pad)
from cornu.layers.preprocessing.image.bounding_boxes.deltas import decode_deltas_to_boxes, encode_box_to_deltas
from cornu.layers.preprocessing.image.bounding_boxes.iou import compute_ciou, compute_iou

__all__ = ["affine_transform", "clip_to_image_size", "compute_ciou", "compute_iou", "convert_format", "crop",
           "decode_deltas_to_boxes", "encode_box_to_deltas", "pad"]
