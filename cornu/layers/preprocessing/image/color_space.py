"""Colour-space conversions for the colour augmentation layers, over a ``BackendNamespace``.

The layers compute through ``self.backend`` (NumPy on host data, the chosen backend in a
model), so these helpers take that namespace ``ns`` instead of calling ``cornu.ops.image``.
They follow the formulas of ``keras.ops.image`` (ITU-R 601-2 luma; the hexcone HSV model with
hue in ``[0, 1)``), so layer outputs match Keras to float rounding.
"""

import numpy as np

from cornu import backend

_LUMA_WEIGHTS = (0.2989, 0.5870, 0.1140)


def channel_axis(data_format):
    """The channel axis of a rank-3 or rank-4 image tensor: -1 (channels last) or -3."""
    return -1 if data_format == "channels_last" else -3


def _check_rank(ns, images):
    shape = ns.shape(images)
    if len(shape) not in (3, 4):
        raise ValueError(
            "Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). "
            f"Received input with shape: images.shape={tuple(shape)}"
        )
    return shape


def _planes(ns, images, axis):
    """The three colour planes along ``axis``, each without that axis."""
    if axis == -1:
        return [images[..., index] for index in range(3)]
    return [images[..., index, :, :] for index in range(3)]


def rgb_to_grayscale(ns, images, data_format="channels_last"):
    """Luma of RGB images, keeping a channel axis of size 1 and the input dtype.

    Single-channel images are returned unchanged.

    Example:
    >>> rgb_to_grayscale(numpy_namespace(), np.ones((2, 2, 3), "float32")).shape
    (2, 2, 1)
    """
    axis = channel_axis(data_format)
    shape = _check_rank(ns, images)
    if shape[axis] == 1:
        return images
    if shape[axis] != 3:
        raise ValueError(
            "Invalid channel size: expected 3 (RGB) or 1 (Grayscale). "
            f"Received input with shape: images.shape={tuple(shape)}"
        )
    dtype = dtype_name(images)
    floats = images if "float" in dtype else ns.cast(images, "float32")
    red, green, blue = _planes(ns, floats, axis)
    luma = red * _LUMA_WEIGHTS[0] + green * _LUMA_WEIGHTS[1] + blue * _LUMA_WEIGHTS[2]
    return ns.cast(ns.numpy.expand_dims(luma, axis=axis), dtype)


def dtype_name(tensor):
    """The standard name ("float32", "uint8", ...) of a tensor's dtype, on any backend."""
    return backend.standardize_dtype(tensor.dtype)


def rgb_to_hsv(ns, images, data_format="channels_last"):
    """Float RGB images to HSV: hue in ``[0, 1)``, saturation ``(max - min) / max``, value ``max``.

    The value channel keeps the input's scale (images in ``[0, 255]`` give values in
    ``[0, 255]``); hue and saturation do not depend on it.

    Example:
    >>> rgb_to_hsv(numpy_namespace(), np.array([[[1.0, 0.0, 0.0]]], "float32"))
    array([[[0., 1., 1.]]], dtype=float32)
    """
    axis = channel_axis(data_format)
    _check_rank(ns, images)
    dtype = dtype_name(images)
    if "float" not in dtype:
        raise ValueError(f"Invalid images dtype: expected float dtype. Received: images.dtype={dtype}")
    # Flush values within one ulp of zero, as Keras does, so near-black pixels get hue 0.
    eps = float(np.finfo(dtype).eps) if dtype != "bfloat16" else 2.0**-7
    images = ns.numpy.where(ns.numpy.abs(images) < eps, 0.0, images)
    red, green, blue = _planes(ns, images, axis)
    value = ns.numpy.maximum(ns.numpy.maximum(red, green), blue)
    spread = value - ns.numpy.minimum(ns.numpy.minimum(red, green), blue)
    safe_value = ns.numpy.where(value > 0, value, 1.0)
    safe_spread = ns.numpy.where(spread > 0, spread, 1.0)
    saturation = ns.numpy.where(value > 0, spread / safe_value, 0.0)
    sixth = 1.0 / (6.0 * safe_spread)
    hue = ns.numpy.where(value == green, sixth * (blue - red) + 2.0 / 6.0, sixth * (red - green) + 4.0 / 6.0)
    hue = ns.numpy.where(value == red, sixth * (green - blue), hue)
    hue = ns.numpy.where(spread > 0, hue, 0.0)
    hue = ns.numpy.where(hue < 0.0, hue + 1.0, hue)
    return ns.cast(ns.numpy.stack([hue, saturation, value], axis=axis), dtype)


def hsv_to_rgb(ns, images, data_format="channels_last"):
    """HSV images (hue in ``[0, 1)``, any value scale) back to RGB.

    Each channel is ``value * (1 - saturation * (1 - ramp(hue)))``, linear in the saturation,
    so saturations above 1 (as ``RandomSaturation`` can make) extrapolate as in Keras.

    Example:
    >>> hsv_to_rgb(numpy_namespace(), np.array([[[0.0, 1.0, 1.0]]], "float32"))
    array([[[1., 0., 0.]]], dtype=float32)
    """
    axis = channel_axis(data_format)
    _check_rank(ns, images)
    hue, saturation, value = _planes(ns, images, axis)
    sector = ns.numpy.mod(hue, 1.0) * 6.0
    ramps = (
        ns.numpy.clip(ns.numpy.abs(sector - 3.0) - 1.0, 0.0, 1.0),
        ns.numpy.clip(2.0 - ns.numpy.abs(sector - 2.0), 0.0, 1.0),
        ns.numpy.clip(2.0 - ns.numpy.abs(sector - 4.0), 0.0, 1.0),
    )
    planes = [value * (1.0 - saturation + saturation * ramp) for ramp in ramps]
    return ns.cast(ns.numpy.stack(planes, axis=axis), dtype_name(images))
