"""Image files and arrays: ``load_img``, ``img_to_array``, ``array_to_img``, ``save_img`` (Pillow)
and ``smart_resize`` (``keras.utils`` / ``keras.preprocessing.image``)."""

import io
import pathlib
import warnings

import numpy as np

from cornu.backend import floatx, standardize_data_format
from cornu.serialization.registry import keras_export

_PIL_RESAMPLING = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def _pil_image():
    try:
        from PIL import Image
    except ImportError as error:
        raise ImportError("Could not import PIL.Image: the image utilities need Pillow (`pip install pillow`).") from error
    return Image


@keras_export("keras.utils.array_to_img", "keras.preprocessing.image.array_to_img")
def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A 3D array (one image) as a PIL Image.

    Args:
        x: the image, ``(height, width, channels)`` (1, 3 or 4 channels) or channels first.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global one).
        scale: stretch the values to ``[0, 255]`` (min to 0, max to 255).
        dtype: the dtype the values are read as (default ``floatx()``).

    Example:
    >>> array_to_img(np.random.random((8, 8, 3))).size
    (8, 8)
    """
    data_format = standardize_data_format(data_format)
    Image = _pil_image()
    x = np.asarray(x, dtype=dtype or floatx())
    if x.ndim != 3:
        raise ValueError(f"Expected image array to have rank 3 (single image). Got array with shape: {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        peak = np.max(x)
        if peak != 0:
            x = x / peak
        x = x * 255
    channels = x.shape[2]
    if channels in (3, 4):
        return Image.fromarray(x.astype("uint8"), "RGB" if channels == 3 else "RGBA")
    if channels == 1:
        if np.max(x) > 255:  # 32-bit grayscale keeps values above 255
            return Image.fromarray(x[:, :, 0].astype("int32"), "I")
        return Image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {channels}")


@keras_export("keras.utils.img_to_array", "keras.preprocessing.image.img_to_array")
def img_to_array(img, data_format=None, dtype=None):
    """A PIL Image as a 3D NumPy array (grayscale gets a channel axis of 1).

    Example:
    >>> img_to_array(load_img("cat.png")).shape
    (240, 320, 3)
    """
    data_format = standardize_data_format(data_format)
    x = np.asarray(img, dtype=dtype or floatx())
    if x.ndim == 3:
        return x.transpose(2, 0, 1) if data_format == "channels_first" else x
    if x.ndim == 2:
        return x[None] if data_format == "channels_first" else x[:, :, None]
    raise ValueError(f"Unsupported image shape: {x.shape}")


@keras_export("keras.utils.save_img", "keras.preprocessing.image.save_img")
def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Saves the image array ``x`` to ``path`` (a path or a file object) with Pillow.

    ``file_format`` defaults to the path's extension (needed for a file object); other keyword
    arguments go to ``PIL.Image.save``. An RGBA image saved as JPEG is converted to RGB, with a
    warning.

    Example:
    >>> save_img("out.png", np.random.random((8, 8, 3)))
    """
    data_format = standardize_data_format(data_format)
    if file_format is None and isinstance(path, (str, pathlib.Path)):
        file_format = pathlib.Path(path).suffix[1:].lower()
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        warnings.warn("The JPEG format does not support RGBA images, converting to RGB.", stacklevel=2)
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def _center_box(width, height, target_width, target_height):
    crop_height = min(height, (width * target_height) // target_width)
    crop_width = min(width, (height * target_width) // target_height)
    top, left = (height - crop_height) // 2, (width - crop_width) // 2
    return [left, top, left + crop_width, top + crop_height]


@keras_export("keras.utils.load_img", "keras.preprocessing.image.load_img")
def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest", keep_aspect_ratio=False):
    """Loads an image file as a PIL Image.

    Args:
        path: a path (str, bytes or ``pathlib.Path``) or an ``io.BytesIO``.
        color_mode: ``"rgb"``, ``"rgba"`` or ``"grayscale"``.
        target_size: None (keep the size) or ``(height, width)``.
        interpolation: Pillow's resampling: ``"nearest"``, ``"bilinear"``, ``"bicubic"``,
            ``"hamming"``, ``"box"`` or ``"lanczos"``.
        keep_aspect_ratio: crop the centered box with the target aspect ratio before resizing.

    Example:
    >>> image = load_img("cat.jpg", target_size=(96, 96))
    >>> batch = img_to_array(image)[None]
    """
    Image = _pil_image()
    if isinstance(path, io.BytesIO):
        img = Image.open(path)
    elif isinstance(path, (pathlib.Path, bytes, str)):
        if isinstance(path, pathlib.Path):
            path = str(path.resolve())
        with open(path, "rb") as f:
            img = Image.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"path should be path-like or io.BytesIO, not {type(path)}")
    if color_mode == "grayscale":
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif color_mode in ("rgba", "rgb"):
        if img.mode != color_mode.upper():
            img = img.convert(color_mode.upper())
    else:
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')
    if target_size is None:
        return img
    width_height = (target_size[1], target_size[0])
    if img.size == width_height:
        return img
    if interpolation not in _PIL_RESAMPLING:
        raise ValueError(
            f"Invalid interpolation method {interpolation} specified. Supported methods are "
            f"{', '.join(_PIL_RESAMPLING)}"
        )
    resample = getattr(Image.Resampling, interpolation.upper())
    box = _center_box(*img.size, *width_height) if keep_aspect_ratio else None
    return img.resize(width_height, resample, box=box)


@keras_export("keras.preprocessing.image.smart_resize")
def smart_resize(x, size, interpolation="bilinear", data_format="channels_last", **kwargs):
    """Resizes image(s) to ``size`` without distorting them: the largest centered crop with the
    aspect ratio of ``size`` is resized.

    Args:
        x: an image ``(height, width, channels)`` or a batch of them (NumPy or backend tensor).
        size: ``(height, width)``.
        interpolation: ``"bilinear"``, ``"nearest"``, ``"bicubic"``, ``"lanczos3"`` or ``"lanczos5"``.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Returns:
        NumPy for NumPy input, else a backend tensor.

    Example:
    >>> smart_resize(np.zeros((340, 500, 3)), (200, 200)).shape
    (200, 200, 3)
    """
    from cornu import backend, ops
    from cornu.utils.image_decoding import crop_box

    if kwargs:
        raise TypeError(f"smart_resize() got unexpected keyword arguments: {list(kwargs.keys())}")
    if len(size) != 2:
        raise ValueError(f"Expected `size` to be a tuple of 2 integers, but got: {size}.")
    image = x if backend.is_tensor(x) else backend.convert_to_tensor(x)
    if not 3 <= len(image.shape) <= 4:
        raise ValueError(
            "Expected an image array with shape `(height, width, channels)`, or `(batch_size, height, width, "
            f"channels)`, but got input with incorrect rank, of shape {tuple(image.shape)}."
        )
    h_axis = len(image.shape) - (3 if data_format == "channels_last" else 2)
    height, width = int(image.shape[h_axis]), int(image.shape[h_axis + 1])
    top, left, crop_height, crop_width = crop_box(height, width, size)
    index = [slice(None)] * len(image.shape)
    index[h_axis], index[h_axis + 1] = slice(top, top + crop_height), slice(left, left + crop_width)
    resized = ops.image.resize(image[tuple(index)], size=size, interpolation=interpolation, data_format=data_format)
    return np.array(backend.convert_to_numpy(resized)) if isinstance(x, np.ndarray) else resized
