"""TensorFlow image ops: resizing by separable interpolation matrices.

Each spatial axis is resampled with a dense ``(out, in)`` weight matrix (see
``image_weights``) built the way ``jax.image.resize`` samples, so every backend gives the same
numbers; nearest-neighbour resizing gathers rows instead. Works eagerly and inside
``tf.function``, also with unknown batch or spatial sizes, and compiles with XLA.
"""

import tensorflow as tf

from cornu.backend.tensorflow.core import convert_to_tensor
from cornu.backend.tensorflow.image_weights import apply_weights, dim, resize_weights

RESIZE_METHODS = ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5")


def _nearest(x, in_size, out_size, axis):
    source = tf.floor((tf.range(out_size, dtype=tf.float64) + 0.5) * tf.cast(in_size, tf.float64) / out_size)
    source = tf.minimum(tf.cast(source, tf.int32), tf.cast(in_size, tf.int32) - 1)
    return tf.gather(x, source, axis=axis % len(x.shape))


def _round_into(x, dtype):
    """Float results back in ``dtype``: integers rounded and clipped to their range."""
    if dtype.is_integer:
        x = tf.clip_by_value(tf.round(x), tf.cast(dtype.min, x.dtype), tf.cast(dtype.max, x.dtype))
    return tf.cast(x, dtype)


def resize(images, size, interpolation="bilinear", antialias=False, data_format="channels_last"):
    images = convert_to_tensor(images)
    if interpolation not in RESIZE_METHODS:
        raise ValueError(f"`interpolation` must be one of {RESIZE_METHODS}. Received: interpolation={interpolation!r}")
    axes = (-3, -2) if data_format == "channels_last" else (-2, -1)
    if interpolation == "nearest":
        out = images
        for axis, target in zip(axes, size):
            out = _nearest(out, dim(out, axis), int(target), axis)
        return out
    dtype = images.dtype
    x = images if dtype in (tf.float32, tf.float64) else tf.cast(images, tf.float32)
    for axis, target in zip(axes, size):
        x = apply_weights(x, resize_weights(dim(x, axis), int(target), interpolation, antialias), axis)
    return _round_into(x, dtype)


SCALE_AND_TRANSLATE_KERNELS = {
    "linear": "bilinear", "bilinear": "bilinear", "trilinear": "bilinear", "cubic": "bicubic", "bicubic": "bicubic",
    "tricubic": "bicubic", "lanczos3": "lanczos3", "lanczos5": "lanczos5",
}


def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method, antialias=True):
    x = convert_to_tensor(images)
    dtype = x.dtype if x.dtype.is_floating else tf.float32
    x = tf.cast(x, tf.float64 if dtype == tf.float64 else tf.float32)
    scale = tf.reshape(tf.cast(scale, tf.float64), [-1])
    translation = tf.reshape(tf.cast(translation, tf.float64), [-1])
    for i, axis in enumerate(spatial_dims):
        weights = resize_weights(dim(x, axis), int(output_shape[axis]), SCALE_AND_TRANSLATE_KERNELS[method], antialias,
                                 scale[i], translation[i])
        x = apply_weights(x, weights, axis)
    return tf.cast(x, dtype)


# Geometric transforms: written once in cornu/backend/common/image_transforms.py over this backend's ops.
from cornu.backend.common import image_transforms as _transforms  # noqa: E402
from cornu.backend.common.array_namespace_ops import install as _install  # noqa: E402
from cornu.backend.common.image_transform_functions import backend_transform_functions  # noqa: E402


def _image_ops():
    from cornu.backend.tensorflow import core, linalg, nn, numpy, random

    return _transforms.ImageOps(numpy, core.cast, core.convert_to_tensor, linalg.solve, nn.depthwise_conv,
                                random.normal)


_install(globals(), backend_transform_functions(_image_ops))

# The shared transforms read the batch size as a Python int. Inside a `tf.function` traced with an
# unknown batch, map them over the images one at a time instead (each image has a known size).
_batched_affine_transform = affine_transform  # noqa: F821 (installed above)
_batched_perspective_transform = perspective_transform  # noqa: F821
_compute_homography_matrix = compute_homography_matrix  # noqa: F821


def _batch_unknown(images):
    return len(images.shape) == 4 and images.shape[0] is None


def _float_tensor(x):
    x = convert_to_tensor(x)
    return x if x.dtype.is_floating else tf.cast(x, tf.float32)


def _per_image_affine(images, transforms, interpolation, fill_mode, fill_value, data_format):
    transforms = tf.broadcast_to(tf.reshape(transforms, [-1, 8]), tf.stack([tf.shape(images)[0], 8]))
    return tf.map_fn(
        lambda pair: _batched_affine_transform(pair[0], pair[1], interpolation, fill_mode, fill_value, data_format),
        (images, transforms), fn_output_signature=tf.TensorSpec(images.shape[1:], images.dtype))


def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0,
                     data_format="channels_last"):
    images = convert_to_tensor(images)
    if not _batch_unknown(images):
        return _batched_affine_transform(images, transform, interpolation, fill_mode, fill_value, data_format)
    return _per_image_affine(images, _float_tensor(transform), interpolation, fill_mode, fill_value, data_format)


def perspective_transform(images, start_points, end_points, interpolation="bilinear", fill_value=0,
                          data_format="channels_last"):
    images = convert_to_tensor(images)
    if not _batch_unknown(images):
        return _batched_perspective_transform(images, start_points, end_points, interpolation, fill_value,
                                              data_format)
    start = tf.cast(convert_to_tensor(start_points), tf.float32)
    end = tf.cast(convert_to_tensor(end_points), tf.float32)
    if len(start.shape) == 2:
        start, end = start[None], end[None]
    transforms = _compute_homography_matrix(start, end)
    return _per_image_affine(images, transforms, interpolation, "constant", fill_value, data_format)
