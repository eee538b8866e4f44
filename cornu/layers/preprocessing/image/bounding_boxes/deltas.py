"""Boxes as offsets from anchors (``encode_box_to_deltas``) and back (``decode_deltas_to_boxes``)."""

from cornu import backend, ops
from cornu.layers.preprocessing.image.bounding_boxes.converters import convert_format
from cornu.serialization.registry import keras_export


def _check_variance(variance):
    if variance is None:
        return None
    variance = ops.convert_to_tensor(variance, "float32")
    if variance.shape[-1] != 4:
        raise ValueError(f"`variance` must be length 4, got {variance}")
    return variance


def _image_size(image_shape):
    return (None, None) if image_shape is None else (image_shape[0], image_shape[1])


@keras_export("keras.utils.bounding_boxes.encode_box_to_deltas")
def encode_box_to_deltas(anchors, boxes, anchor_format, box_format, encoding_format="center_yxhw", variance=None,
                         image_shape=None):
    """Deltas of ``boxes`` from ``anchors``: centre offsets over the anchor size, then log size ratios.

    Example:
    >>> encode_box_to_deltas(np.array([[0., 0., 2., 2.]]), np.array([[0., 0., 2., 2.]]), "xyxy", "xyxy")  # zeros
    """
    variance = _check_variance(variance)
    if encoding_format not in ("center_xywh", "center_yxhw"):
        raise ValueError(f"`encoding_format` should be one of 'center_xywh' or 'center_yxhw', got {encoding_format}")
    height, width = _image_size(image_shape)
    anchors = convert_format(anchors, anchor_format, encoding_format, height=height, width=width)
    boxes = convert_format(boxes, box_format, encoding_format, height=height, width=width)
    anchor_size = ops.maximum(anchors[..., 2:], backend.epsilon())
    box_size = ops.maximum(boxes[..., 2:], backend.epsilon())
    deltas = ops.concatenate([(boxes[..., :2] - anchors[..., :2]) / anchor_size, ops.log(box_size / anchor_size)],
                             axis=-1)
    return deltas if variance is None else deltas / variance


@keras_export("keras.utils.bounding_boxes.decode_deltas_to_boxes")
def decode_deltas_to_boxes(anchors, boxes_delta, anchor_format, box_format, encoded_format="center_yxhw",
                           variance=None, image_shape=None):
    """Boxes from deltas and their anchors (the inverse of ``encode_box_to_deltas``); dicts of
    levels (``{level: anchors}``, ``{level: deltas}``) decode level by level.

    Example:
    >>> decode_deltas_to_boxes(np.array([[0., 0., 2., 2.]]), np.zeros((1, 4)), "xyxy", "xyxy")  # [[0, 0, 2, 2]]
    """
    variance = _check_variance(variance)
    if encoded_format not in ("center_xywh", "center_yxhw"):
        raise ValueError(f"`encoded_format` should be 'center_xywh' or 'center_yxhw', but got '{encoded_format}'.")
    height, width = _image_size(image_shape)

    def decode(anchor, delta):
        anchor = convert_format(anchor, anchor_format, encoded_format, height=height, width=width)
        if variance is not None:
            delta = delta * variance
        box = ops.concatenate([delta[..., :2] * anchor[..., 2:] + anchor[..., :2], ops.exp(delta[..., 2:]) * anchor[..., 2:]],
                              axis=-1)
        return convert_format(box, encoded_format, box_format, height=height, width=width)

    if isinstance(anchors, dict) and isinstance(boxes_delta, dict):
        return {level: decode(anchor, boxes_delta[level]) for level, anchor in anchors.items()}
    return decode(anchors, boxes_delta)
