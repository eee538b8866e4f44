"""Bounding-box formats and the geometric edits preprocessing layers make to boxes.

Formats (last axis of 4): ``xyxy`` (left, top, right, bottom in pixels), ``yxyx``, ``xywh``
(left, top, width, height), ``center_xywh``, ``center_yxhw``, and the relative (0..1) forms
``rel_xyxy``, ``rel_yxyx``, ``rel_xywh``, ``rel_center_xywh``. Every conversion goes through
``xyxy``. A dict ``{"boxes": ..., "labels": ...}`` is accepted wherever boxes are.
"""

import math

from cornu.backend import namespaces
from cornu.serialization.registry import keras_export

SUPPORTED_FORMATS = ("xywh", "xyxy", "yxyx", "center_xywh", "center_yxhw", "rel_xywh", "rel_xyxy", "rel_yxyx",
                     "rel_center_xywh")


def _ns():
    return namespaces.current_namespace()


def _split(boxes):
    return _ns().numpy.split(boxes, 4, axis=-1)


def _join(parts):
    return _ns().numpy.concatenate(list(parts), axis=-1)


def _to_xyxy(boxes, source, height, width):
    a, b, c, d = _split(boxes)
    if source == "xyxy":
        return boxes
    if source == "yxyx":
        return _join([b, a, d, c])
    if source == "xywh":
        return _join([a, b, a + c, b + d])
    if source == "center_xywh":
        return _join([a - c / 2.0, b - d / 2.0, a + c / 2.0, b + d / 2.0])
    if source == "center_yxhw":
        return _join([b - d / 2.0, a - c / 2.0, b + d / 2.0, a + c / 2.0])
    if source == "rel_xyxy":
        return _join([a * width, b * height, c * width, d * height])
    if source == "rel_yxyx":
        return _join([b * width, a * height, d * width, c * height])
    if source == "rel_xywh":
        return _join([a * width, b * height, (a + c) * width, (b + d) * height])
    return _join([(a - c / 2.0) * width, (b - d / 2.0) * height, (a + c / 2.0) * width, (b + d / 2.0) * height])


def _from_xyxy(boxes, target, height, width):
    x1, y1, x2, y2 = _split(boxes)
    w, h = x2 - x1, y2 - y1
    if target == "xyxy":
        return boxes
    if target == "yxyx":
        return _join([y1, x1, y2, x2])
    if target == "xywh":
        return _join([x1, y1, w, h])
    if target == "center_xywh":
        return _join([x1 + w / 2.0, y1 + h / 2.0, w, h])
    if target == "center_yxhw":
        return _join([y1 + h / 2.0, x1 + w / 2.0, h, w])
    if target == "rel_xyxy":
        return _join([x1 / width, y1 / height, x2 / width, y2 / height])
    if target == "rel_yxyx":
        return _join([y1 / height, x1 / width, y2 / height, x2 / width])
    if target == "rel_xywh":
        return _join([x1 / width, y1 / height, w / width, h / height])
    return _join([(x1 + w / 2.0) / width, (y1 + h / 2.0) / height, w / width, h / height])


@keras_export("keras.utils.bounding_boxes.convert_format")
def convert_format(boxes, source, target, height=None, width=None, dtype="float32"):
    """Converts boxes (or a ``{"boxes", "labels"}`` dict) from format ``source`` to ``target``.

    ``height`` and ``width`` (of the image) are needed when either format is relative.

    Example:
    >>> convert_format(np.array([[10., 20., 30., 40.]]), "xyxy", "xywh")
    array([[10., 20., 20., 20.]], dtype=float32)
    """
    if isinstance(boxes, dict):
        out = dict(boxes)
        out["boxes"] = convert_format(boxes["boxes"], source, target, height=height, width=width, dtype=dtype)
        return out
    ns = _ns()
    boxes = ns.convert_to_tensor(boxes)
    if tuple(ns.shape(boxes))[-1] != 4:
        raise ValueError(f"`boxes` must be a tensor with the last dimension of 4. Received: boxes.shape={tuple(ns.shape(boxes))}")
    source, target = source.lower(), target.lower()
    if source not in SUPPORTED_FORMATS or target not in SUPPORTED_FORMATS:
        raise ValueError(f"Invalid source or target format. Supported formats: {SUPPORTED_FORMATS}")
    if (source.startswith("rel_") or target.startswith("rel_")) and (width is None or height is None):
        raise ValueError(
            "convert_format() must receive `height` and `width` transforming between relative and absolute "
            f"formats. convert_format() received source=`{source}`, target=`{target}, but height={height} "
            f"and width={width}."
        )
    boxes = ns.cast(boxes, dtype)
    if source == target:
        return boxes
    height = None if height is None else ns.cast(height, dtype)
    width = None if width is None else ns.cast(width, dtype)
    if source.startswith("rel_") and target.startswith("rel_"):
        source, target = source[4:], target[4:]
    return _from_xyxy(_to_xyxy(boxes, source, height, width), target, height, width)


def compute_area(boxes):
    """Areas ``(..., 1)`` of ``xyxy`` boxes."""
    x1, y1, x2, y2 = _split(boxes)
    return (x2 - x1) * (y2 - y1)


@keras_export("keras.utils.bounding_boxes.clip_to_image_size")
def clip_to_image_size(bounding_boxes, height=None, width=None, bounding_box_format="xyxy"):
    """Clips ``{"boxes", "labels"}`` to the image; boxes left with no area get label -1.

    Example:
    >>> clip_to_image_size({"boxes": np.array([[-5., 2., 8., 30.]]), "labels": np.array([1])}, 10, 10)["boxes"]
    array([[ 0.,  2.,  8., 10.]], dtype=float32)
    """
    if bounding_box_format not in ("xyxy", "rel_xyxy"):
        raise NotImplementedError(
            f"clip_to_image_size supports the 'xyxy' and 'rel_xyxy' formats. Received: "
            f"bounding_box_format={bounding_box_format!r}"
        )
    if bounding_box_format == "xyxy" and (height is None or width is None):
        raise ValueError("`height` and `width` must be set if `format='xyxy'`.")
    ns = _ns()
    boxes = ns.convert_to_tensor(bounding_boxes["boxes"])
    labels = bounding_boxes.get("labels", None)
    if bounding_box_format == "xyxy":
        high_x, high_y = ns.cast(width, boxes.dtype), ns.cast(height, boxes.dtype)
    else:
        high_x = high_y = 1.0
    x1, y1, x2, y2 = _split(boxes)
    clip = ns.numpy.clip
    boxes = _join([clip(x1, 0, high_x), clip(y1, 0, high_y), clip(x2, 0, high_x), clip(y2, 0, high_y)])
    result = dict(bounding_boxes)
    result["boxes"] = boxes
    if labels is not None:
        areas = ns.numpy.squeeze(compute_area(boxes), axis=-1)
        result["labels"] = ns.numpy.where(areas > 0, ns.convert_to_tensor(labels), -1)
    return result


def _inverse_affine_matrix(center_x, center_y, angle, translate_x, translate_y, scale, shear_x, shear_y, height,
                           width):
    """``(batch, 3, 3)`` matrices taking input points to output points for the layers' affine
    transform (rotation/shear in degrees, translation as a fraction of the image size)."""
    n = _ns().numpy
    batch = int(_ns().shape(angle)[0])
    to_radians = math.pi / 180.0
    cx, cy = center_x * (width - 1), center_y * (height - 1)
    rot = -angle * to_radians
    tx, ty = -translate_x * (width - 1), -translate_y * (height - 1)
    sx, sy = -shear_x * to_radians, -shear_y * to_radians
    cos_sy, tan_sx = n.cos(sy), n.tan(sx)
    a = n.cos(rot - sy) / cos_sy
    b = a * tan_sx + n.sin(rot)
    c = -n.sin(rot - sy) / cos_sy
    d = n.cos(rot) - c * tan_sx
    a0, a1, b0, b1 = d * scale, -b * scale, -c * scale, a * scale
    a2 = cx - a0 * (cx + tx) - a1 * (cy + ty)
    b2 = cy - b0 * (cx + tx) - b1 * (cy + ty)
    zeros, ones = n.zeros_like(a0), n.ones_like(a0)
    return n.reshape(n.stack([a0, a1, a2, b0, b1, b2, zeros, zeros, ones], axis=-1), (batch, 3, 3))


@keras_export("keras.utils.bounding_boxes.affine_transform")
def affine_transform(boxes, angle, translate_x, translate_y, scale, shear_x, shear_y, height, width, center_x=None,
                     center_y=None, bounding_box_format="xyxy"):
    """The axis-aligned hulls of ``(batch, boxes, 4)`` ``xyxy`` boxes moved by per-image affine
    transforms (``angle`` and shears in degrees, translations as fractions of the image).

    Example:
    >>> zero = np.zeros(1, "float32")
    >>> affine_transform(np.array([[[1., 1., 3., 3.]]]), zero, zero, zero, np.ones(1), zero, zero, 5, 5)
    array([[[1., 1., 3., 3.]]], dtype=float32)
    """
    if bounding_box_format != "xyxy":
        raise NotImplementedError(f"affine_transform supports 'xyxy' boxes. Received: bounding_box_format={bounding_box_format!r}")
    ns = _ns()
    n = ns.numpy
    angle = ns.cast(ns.convert_to_tensor(angle), "float32")
    translate_x, translate_y, scale, shear_x, shear_y = (
        ns.cast(ns.convert_to_tensor(v), angle.dtype) for v in (translate_x, translate_y, scale, shear_x, shear_y))
    matrix = _inverse_affine_matrix(0.5 if center_x is None else center_x, 0.5 if center_y is None else center_y,
                                    angle, translate_x, translate_y, scale, shear_x, shear_y, height, width)
    boxes = ns.cast(ns.convert_to_tensor(boxes), matrix.dtype)
    batch, count = (int(d) for d in ns.shape(boxes)[:2])
    x1, y1, x2, y2 = (boxes[..., i] for i in range(4))
    corners = n.reshape(n.stack([x1, y1, x2, y1, x2, y2, x1, y2], axis=-1), (batch, count, 4, 2))
    corners = n.concatenate([corners, n.ones((batch, count, 4, 1), dtype=corners.dtype)], axis=-1)
    moved = n.einsum("bnkj,bij->bnki", corners, matrix[:, :2, :])
    return n.concatenate([n.min(moved, axis=2), n.max(moved, axis=2)], axis=-1)


@keras_export("keras.utils.bounding_boxes.crop")
def crop(boxes, top, left, height, width, bounding_box_format="xyxy"):
    """``xyxy`` boxes in the frame of the crop at ``(top, left)`` of ``height`` x ``width``, clipped to it.

    Example:
    >>> crop(np.array([[2., 2., 8., 8.]]), 1, 1, 5, 5)
    array([[1., 1., 5., 5.]], dtype=float32)
    """
    if bounding_box_format != "xyxy":
        raise NotImplementedError(f"crop supports 'xyxy' boxes. Received: bounding_box_format={bounding_box_format!r}")
    clip = _ns().numpy.clip
    x1, y1, x2, y2 = _split(_ns().convert_to_tensor(boxes))
    return _join([clip(x1 - left, 0, width), clip(y1 - top, 0, height), clip(x2 - left, 0, width),
                  clip(y2 - top, 0, height)])


@keras_export("keras.utils.bounding_boxes.pad")
def pad(boxes, top, left, height=None, width=None, bounding_box_format="xyxy"):
    """``xyxy`` boxes shifted by the ``top``/``left`` padding added to their image.

    Example:
    >>> pad(np.array([[2., 2., 8., 8.]]), 1, 3)
    array([[ 5.,  3., 11.,  9.]], dtype=float32)
    """
    if bounding_box_format != "xyxy":
        raise NotImplementedError(f"pad supports 'xyxy' boxes. Received: bounding_box_format={bounding_box_format!r}")
    x1, y1, x2, y2 = _split(_ns().convert_to_tensor(boxes))
    return _join([x1 + left, y1 + top, x2 + left, y2 + top])
