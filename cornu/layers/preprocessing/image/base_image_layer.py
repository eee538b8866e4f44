"""``BaseImagePreprocessingLayer``: Keras's protocol for layers that transform images and their
labels, bounding boxes and segmentation masks together.

A subclass draws one random ``transformation`` per call (``get_random_transformation``) and
applies it to every part of the input with ``transform_images``, ``transform_labels``,
``transform_bounding_boxes`` and ``transform_segmentation_masks``, so an image and its boxes
move together. ``call`` accepts a batch ``(batch, height, width, channels)``, a single image, or
a dict with ``"images"`` and optionally ``"labels"``, ``"bounding_boxes"`` (a dict of
``"boxes"`` and ``"labels"``) and ``"segmentation_masks"``.
"""

import math

from cornu import backend as backend_module
from cornu.layers.preprocessing.data_layer import DataLayer


class BaseImagePreprocessingLayer(DataLayer):
    """The base of image preprocessing layers.

    Subclasses override ``get_random_transformation`` and the ``transform_*`` methods (or
    ``_transform_images`` when the base ``transform_images`` suits them).

    Example:
    >>> class Invert(BaseImagePreprocessingLayer):
    ...     _USE_BASE_FACTOR = False
    ...     def transform_images(self, images, transformation, training=True):
    ...         return 255.0 - self.backend.cast(images, self.compute_dtype)
    ...     def transform_labels(self, labels, transformation, training=True):
    ...         return labels
    >>> Invert()(np.zeros((2, 4, 4, 3))).max()
    255.0
    """

    # Whether ``factor`` is the base's symmetric range (else a subclass handles it itself).
    _USE_BASE_FACTOR = True
    _FACTOR_BOUNDS = (-1, 1)

    def __init__(self, factor=None, bounding_box_format=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.bounding_box_format = bounding_box_format
        self.data_format = backend_module.standardize_data_format(data_format)
        if self._USE_BASE_FACTOR:
            self._set_factor(factor or 0.0)
        elif factor is not None:
            raise ValueError(f"Layer {type(self).__name__} does not take a `factor` argument. Received: factor={factor}")

    def _set_factor(self, factor):
        """Stores ``self.factor = (lower, upper)``: a number ``f`` means ``(-f, f)`` clipped to the bounds."""
        low_bound, high_bound = self._FACTOR_BOUNDS
        message = (
            f"The `factor` argument should be a number (or a list of two numbers) in the range "
            f"[{low_bound}, {high_bound}]. Received: factor={factor}"
        )
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2 or factor[0] > high_bound or factor[1] < low_bound:
                raise ValueError(message)
            lower, upper = sorted(factor)
        elif isinstance(factor, (int, float)) and not isinstance(factor, bool):
            if not low_bound <= factor <= high_bound:
                raise ValueError(message)
            factor = abs(factor)
            lower, upper = max(-factor, low_bound), factor
        else:
            raise ValueError(message)
        self.factor = lower, upper

    # -- the protocol subclasses implement ---------------------------------------------------

    def get_random_transformation(self, data, training=True, seed=None):
        """The parameters of this call's transformation (``None`` for deterministic layers)."""
        return None

    def _transform_images(self, images, transformation, interpolation):
        raise NotImplementedError(f"{type(self).__name__} must implement `transform_images`.")

    def transform_images(self, images, transformation, training=True):
        images = self.backend.cast(images, self.compute_dtype)
        if training:
            images = self._transform_images(images, transformation, self.interpolation)
        return images

    def transform_labels(self, labels, transformation, training=True):
        raise NotImplementedError(f"{type(self).__name__} must implement `transform_labels`.")

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        raise NotImplementedError(f"{type(self).__name__} must implement `transform_bounding_boxes`.")

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        if training:
            segmentation_masks = self._transform_images(segmentation_masks, transformation, "nearest")
        return segmentation_masks

    # -- single (unbatched) inputs: add a batch axis, transform, take it off ----------------------

    def _on_single(self, method, value, transformation, training):
        batch = self.backend.numpy.expand_dims(value, axis=0)
        return self.backend.numpy.squeeze(method(batch, transformation=transformation, training=training), axis=0)

    def transform_single_image(self, image, transformation, training=True):
        return self._on_single(self.transform_images, image, transformation, training)

    def transform_single_label(self, label, transformation, training=True):
        return self._on_single(self.transform_labels, label, transformation, training)

    def transform_single_segmentation_mask(self, segmentation_mask, transformation, training=True):
        return self._on_single(self.transform_segmentation_masks, segmentation_mask, transformation, training)

    def transform_single_bounding_box(self, bounding_box, transformation, training=True):
        expand, squeeze = self.backend.numpy.expand_dims, self.backend.numpy.squeeze
        batch = {k: (expand(v, axis=0) if k in ("boxes", "labels") else v) for k, v in bounding_box.items()}
        out = self.transform_bounding_boxes(batch, transformation=transformation, training=training)
        return {k: (squeeze(v, axis=0) if k in ("boxes", "labels") else v) for k, v in out.items()}

    # -- call ------------------------------------------------------------------------------------

    def _is_batched(self, maybe_image_batch):
        rank = len(self.backend.shape(maybe_image_batch))
        if rank in (3, 4):
            return rank == 4
        raise ValueError(
            "Expected image tensor to have rank 3 (single image) or 4 (batch of images). "
            f"Received: data.shape={tuple(self.backend.shape(maybe_image_batch))}"
        )

    def call(self, data, training=True):
        transformation = self.get_random_transformation(data, training=training)
        if not isinstance(data, dict):
            images = self.backend.convert_to_tensor(data)
            if self._is_batched(images):
                return self.transform_images(images, transformation=transformation, training=training)
            return self.transform_single_image(images, transformation=transformation, training=training)

        data = dict(data)
        batched = self._is_batched(data["images"])

        def apply(key, batch_method, single_method, value):
            method = batch_method if batched else single_method
            data[key] = method(value, transformation=transformation, training=training)

        to_tensor = self.backend.convert_to_tensor
        apply("images", self.transform_images, self.transform_single_image, to_tensor(data["images"]))
        if "bounding_boxes" in data:
            if not self.bounding_box_format:
                raise ValueError(
                    "You passed an input with a 'bounding_boxes' key, but you didn't specify a bounding box "
                    f"format. Pass a `bounding_box_format` argument to your {type(self).__name__} layer, "
                    "e.g. `bounding_box_format='xyxy'`."
                )
            boxes = self._densify_bounding_boxes(data["bounding_boxes"])
            apply("bounding_boxes", self.transform_bounding_boxes, self.transform_single_bounding_box, boxes)
        if "labels" in data:
            apply("labels", self.transform_labels, self.transform_single_label, to_tensor(data["labels"]))
        if "segmentation_masks" in data:
            apply("segmentation_masks", self.transform_segmentation_masks, self.transform_single_segmentation_mask,
                  to_tensor(data["segmentation_masks"]))
        return data

    def _densify_bounding_boxes(self, bounding_boxes):
        """``{"boxes", "labels"}`` as tensors (boxes in the compute dtype, labels as int32)."""
        if not isinstance(bounding_boxes, dict) or "boxes" not in bounding_boxes or "labels" not in bounding_boxes:
            raise ValueError(
                "`bounding_boxes` must be a dict with the keys 'boxes' and 'labels'. "
                f"Received: bounding_boxes={bounding_boxes}"
            )
        out = dict(bounding_boxes)
        out["boxes"] = self.backend.cast(self.backend.convert_to_tensor(bounding_boxes["boxes"]), self.compute_dtype)
        out["labels"] = self.backend.cast(self.backend.convert_to_tensor(bounding_boxes["labels"]), "int32")
        return out

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        if self.bounding_box_format is not None:
            config["bounding_box_format"] = self.bounding_box_format
        return config

    # -- helpers shared by subclasses -------------------------------------------------------------

    def _transform_value_range(self, images, original_range, target_range, dtype="float32"):
        """Maps pixel values linearly from ``original_range`` to ``target_range`` (both ``(low, high)``)."""
        if original_range[0] == target_range[0] and original_range[1] == target_range[1]:
            return images
        images = self.backend.cast(images, dtype)
        old_low, old_high = self._unwrap_value_range(original_range, dtype)
        new_low, new_high = self._unwrap_value_range(target_range, dtype)
        unit = (images - old_low) / (old_high - old_low)
        return unit * (new_high - new_low) + new_low

    def _unwrap_value_range(self, value_range, dtype="float32"):
        low, high = value_range
        return self.backend.cast(low, dtype), self.backend.cast(high, dtype)

    def _compute_affine_matrix(self, center_x, center_y, angle, translate_x, translate_y, scale, shear_x, shear_y,
                               height, width):
        """Per-image 8-parameter transforms (as ``affine_transform`` reads them) for a rotation by
        ``angle`` degrees and shears (degrees) about the relative centre, then a scale and a
        translation in pixels. All arguments but ``height``/``width`` are ``(batch,)`` tensors."""
        ns = self.backend
        to_radians = math.pi / 180.0
        angle = ns.convert_to_tensor(angle) * to_radians
        dtype = angle.dtype
        translate_x, translate_y, scale, shear_x, shear_y = (
            ns.cast(ns.convert_to_tensor(v), dtype) for v in (translate_x, translate_y, scale, shear_x, shear_y))
        cx = center_x * (ns.cast(width, dtype) - 1)
        cy = center_y * (ns.cast(height, dtype) - 1)
        cos, sin = ns.numpy.cos(angle), ns.numpy.sin(angle)
        tan_x, tan_y = ns.numpy.tan(shear_x * to_radians), ns.numpy.tan(shear_y * to_radians)
        a0 = scale * (cos + tan_x * sin)
        a1 = scale * (tan_x * cos - sin)
        b0 = scale * (tan_y * cos + sin)
        b1 = scale * (cos - tan_y * sin)
        a2 = translate_x + cx - cx * a0 - cy * a1
        b2 = translate_y + cy - cx * b0 - cy * b1
        zeros = ns.numpy.zeros_like(a0)
        return ns.numpy.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1)
