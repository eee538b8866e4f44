"""Intersection over union (pairwise) and complete IoU (element-wise) of bounding boxes."""

import math

from cornu import backend, ops
from cornu.layers.preprocessing.image.bounding_boxes.converters import convert_format
from cornu.serialization.registry import keras_export


def _image_size(image_shape):
    return (None, None) if image_shape is None else (image_shape[0], image_shape[1])


def _pairwise_intersection(boxes1, boxes2):
    """``(N, M)`` (or batched) overlap areas of ``yxyx`` boxes."""
    y1a, x1a, y2a, x2a = ops.split(boxes1[..., :4], 4, axis=-1)
    y1b, x1b, y2b, x2b = ops.split(boxes2[..., :4], 4, axis=-1)
    perm = (1, 0) if len(boxes2.shape) == 2 else (0, 2, 1)
    heights = ops.minimum(y2a, ops.transpose(y2b, perm)) - ops.maximum(y1a, ops.transpose(y1b, perm))
    widths = ops.minimum(x2a, ops.transpose(x2b, perm)) - ops.maximum(x1a, ops.transpose(x1b, perm))
    return ops.maximum(heights, 0.0) * ops.maximum(widths, 0.0)


def _area(boxes):
    y1, x1, y2, x2 = ops.split(boxes[..., :4], 4, axis=-1)
    return ops.squeeze((y2 - y1) * (x2 - x1), axis=-1)


@keras_export("keras.utils.bounding_boxes.compute_iou")
def compute_iou(boxes1, boxes2, bounding_box_format, use_masking=False, mask_val=-1, image_shape=None):
    """Pairwise IoU of ``(N, 4)`` and ``(M, 4)`` boxes (or batched): an ``(N, M)`` matrix.

    With ``use_masking``, pairs involving a padding box (all coordinates negative) get ``mask_val``.

    Example:
    >>> compute_iou(np.array([[0., 0., 2., 2.]]), np.array([[1., 1., 3., 3.]]), "xyxy")  # [[1/7]]
    """
    rank1, rank2 = len(ops.shape(boxes1)), len(ops.shape(boxes2))
    for name, rank in (("boxes1", rank1), ("boxes2", rank2)):
        if rank not in (2, 3):
            raise ValueError(
                f"compute_iou() expects {name} to be batched, or to be unbatched. Received "
                f"len(boxes1.shape)={rank1}, len(boxes2.shape)={rank2}. Expected either "
                f"len({name}.shape)=2 AND or len({name}.shape)=3."
            )
    if "rel" in bounding_box_format and image_shape is None:
        raise ValueError(
            "When using relative bounding box formats (e.g. `rel_yxyx`) the `image_shape` argument must be "
            f"provided.Received `image_shape`: {image_shape}"
        )
    height, width = _image_size(image_shape)
    boxes1 = convert_format(boxes1, bounding_box_format, "yxyx", height=height, width=width)
    boxes2 = convert_format(boxes2, bounding_box_format, "yxyx", height=height, width=width)
    intersection = _pairwise_intersection(boxes1, boxes2)
    area1 = ops.expand_dims(_area(boxes1), -1)
    area2 = _area(boxes2)
    area2 = ops.expand_dims(area2, 1 if len(area2.shape) == 2 else 0)
    iou = ops.divide(intersection, area1 + area2 - intersection + backend.epsilon())
    if not use_masking:
        return iou
    perm = (1, 0) if rank1 == 2 else (0, 2, 1)
    padding1 = ops.less(ops.max(boxes1, axis=-1, keepdims=True), 0.0)
    padding2 = ops.less(ops.max(boxes2, axis=-1, keepdims=True), 0.0)
    return ops.where(ops.logical_or(padding1, ops.transpose(padding2, perm)), ops.cast(mask_val, iou.dtype), iou)


@keras_export("keras.utils.bounding_boxes.compute_ciou")
def compute_ciou(boxes1, boxes2, bounding_box_format, image_shape=None):
    """Complete IoU of matching boxes (element-wise): IoU minus the normalised centre distance
    and an aspect-ratio consistency term (Zheng et al., 2020).

    Example:
    >>> compute_ciou(np.array([[0., 0., 2., 2.]]), np.array([[0., 0., 2., 2.]]), "xyxy")  # [~1.0]
    """
    if "rel" in bounding_box_format:
        raise ValueError(
            "When using relative bounding box formats (e.g. `rel_yxyx`) the `image_shape` argument must be "
            f"provided.Received `image_shape`: {image_shape}"
        )
    eps = backend.epsilon()
    height, width = _image_size(image_shape)
    boxes1 = convert_format(boxes1, bounding_box_format, "xyxy", height=height, width=width)
    boxes2 = convert_format(boxes2, bounding_box_format, "xyxy", height=height, width=width)
    x1a, y1a, x2a, y2a = ops.split(boxes1[..., :4], 4, axis=-1)
    x1b, y1b, x2b, y2b = ops.split(boxes2[..., :4], 4, axis=-1)
    w1, h1 = x2a - x1a, y2a - y1a + eps
    w2, h2 = x2b - x1b, y2b - y1b + eps
    overlap = ops.maximum(ops.minimum(x2a, x2b) - ops.maximum(x1a, x1b), 0) * ops.maximum(
        ops.minimum(y2a, y2b) - ops.maximum(y1a, y1b), 0)
    union = w1 * h1 + w2 * h2 - overlap + eps
    iou = ops.squeeze(overlap / (union + eps), axis=-1)
    hull_w = ops.maximum(x2a, x2b) - ops.minimum(x1a, x1b)
    hull_h = ops.maximum(y2a, y2b) - ops.minimum(y1a, y1b)
    hull_diagonal2 = ops.squeeze(hull_w**2 + hull_h**2 + eps, axis=-1)
    centre_distance2 = ops.squeeze(((x1a + x2a) / 2 - (x1b + x2b) / 2) ** 2 + ((y1a + y2a) / 2 - (y1b + y2b) / 2) ** 2,
                                   axis=-1)
    v = ops.squeeze((4 / math.pi**2) * (ops.arctan(w2 / h2) - ops.arctan(w1 / h1)) ** 2, axis=-1)
    alpha = v / (v - iou + (1 + eps))
    return iou - (centre_distance2 / hull_diagonal2 + v * alpha)
