"""Decoding image files with Pillow and resizing them as ``tf.image.resize`` does, on the host.

This is the TensorFlow-free path of ``image_dataset_from_directory``: the file is decoded
to ``uint8`` pixels (first frame of a GIF, converted to the requested channels), then resized
with the same sampling as ``tf.image.resize`` (half-pixel centers, no antialiasing), plain,
after a centered crop to the target aspect ratio, or with zero padding to it.
"""

import contextlib
import functools
import os
import threading

import numpy as np

from cornu.backend import namespaces
from cornu.utils import pillow_jpeg

COLOR_MODES = {"rgb": 3, "rgba": 4, "grayscale": 1}
INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic")
HOST_INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5")
_PIL_MODES = {1: "L", 3: "RGB", 4: "RGBA"}
_JPEG_SUFFIXES = (".jpg", ".jpeg")
# While other threads load batches too, same-shaped images are resized in groups of this many
# (so at most this many decoded images wait: memory stays bounded for large photos): a few NumPy
# calls per group instead of a dozen per image, so the threads stop handing the GIL back and
# forth around every small array. Alone, one image at a time is faster (its rows stay in the CPU
# cache). Measured on 2 cores, 128x128 JPEGs to 96x96: 2 threads 3851 -> 4763 images/s with
# groups of 4 (4665 with 8); 1 thread 2714 one at a time, 2546 with groups of 4.
_RESIZE_GROUP = 4
# The threads loading a batch now. set.add/discard need no lock (no fork can catch one half
# done), and a race only picks the slower resize order, never other numbers.
_loading_threads = set()
if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_loading_threads.clear)


def _pil():
    try:
        from PIL import Image
    except ImportError as error:
        raise ImportError(
            "Decoding images without TensorFlow needs Pillow: `pip install pillow`. "
            "Received: an image file to decode"
        ) from error
    return Image


def decode_image_file(path, num_channels):
    """The pixels of the image file at ``path`` as a ``uint8`` array ``(height, width, channels)``.

    Example:
    >>> decode_image_file("cat.jpg", 3).shape
    (240, 320, 3)
    """
    if num_channels == 3 and os.fspath(path).lower().endswith(_JPEG_SUFFIXES):
        with open(path, "rb") as file:
            pixels = pillow_jpeg.decode_rgb_jpeg(file.read())
        if pixels is not None:
            return pixels
    with _pil().open(path) as image:
        image.seek(0)  # the first frame of an animation, as tf's `expand_animations=False`
        mode = _PIL_MODES[num_channels]
        if image.mode != mode:
            if image.mode in ("I;16", "I", "F") and num_channels == 1:
                image = image.point(lambda v: v / 256).convert("L")
            else:
                image = image.convert(mode)
        pixels = np.asarray(image, dtype=np.uint8)
    return pixels[..., None] if pixels.ndim == 2 else pixels


@functools.lru_cache(maxsize=256)
def _taps(in_size, out_size, interpolation):
    """The resampling matrix of one axis as ``(indices, weights)``, each ``(taps, out_size)``: output
    ``i`` is ``sum_k weights[k, i] * input[indices[k, i]]`` (2 taps for bilinear, 4 for bicubic)."""
    # the NumPy backend's resampling matrices (its namespace import keeps `cornu.backend.numpy` intact)
    resize_weights = namespaces.numpy_namespace().image.resize_weights
    matrix = resize_weights(in_size, out_size, interpolation, False).astype(np.float32)
    taps = max(int((matrix != 0).sum(axis=1).max()), 1)
    indices = np.argsort(matrix == 0, axis=1, kind="stable")[:, :taps]  # the nonzero columns first
    weights = np.take_along_axis(matrix, indices, axis=1)
    return np.ascontiguousarray(indices.T), np.ascontiguousarray(weights.T)


@functools.lru_cache(maxsize=256)
def _pixel_taps(in_size, out_size, interpolation, channels):
    """``_taps`` over a row of ``in_size`` pixels of ``channels`` values laid out flat."""
    indices, weights = _taps(in_size, out_size, interpolation)
    offsets = np.arange(channels)
    return ((indices[:, :, None] * channels + offsets).reshape(len(indices), -1),
            np.repeat(weights, channels, axis=1))


@functools.lru_cache(maxsize=64)
def _image_plan(height, width, out_height, out_width, channels, interpolation):
    """The taps of one image's resize with each weight spread to the full shape it scales
    (same-shape products run several times faster than broadcast ones)."""
    row_indices, row_weights = _taps(height, out_height, interpolation)
    column_indices, column_weights = _pixel_taps(width, out_width, interpolation, channels)
    rows_shape, out_shape = (out_height, width * channels), (out_height, out_width * channels)
    row_weights = [np.ascontiguousarray(np.broadcast_to(w[:, None], rows_shape)) for w in row_weights]
    column_weights = [np.ascontiguousarray(np.broadcast_to(w, out_shape)) for w in column_weights]
    return row_indices, row_weights, column_indices, column_weights


def resize_image_into(pixels, out, interpolation="bilinear"):
    """Resizes one ``(height, width, channels)`` image into the float32 array ``out`` (its
    ``(out_height, out_width, channels)`` is the target), with the numbers of ``resize_images``.

    One image at a time keeps the intermediate rows in the CPU cache, and decoding threads
    can resize each image as soon as it is decoded.

    Example:
    >>> out = np.empty((2, 16, 16, 3), "float32")
    >>> resize_image_into(np.zeros((30, 40, 3), "uint8"), out[0])
    """
    height, width, channels = pixels.shape
    out_height, out_width = out.shape[:2]
    if interpolation == "nearest" or not out.flags.c_contiguous:
        out[...] = resize_images(pixels, (out_height, out_width), interpolation)
        return
    if (height, width) == (out_height, out_width):
        out[...] = pixels
        return
    # The same products and sums, in the same order, as `_resample` (rows, then columns).
    row_indices, row_weights, column_indices, column_weights = _image_plan(
        height, width, out_height, out_width, channels, interpolation)
    flat = pixels.reshape(height, width * channels)
    rows = flat[row_indices[0]].astype(np.float32)
    rows *= row_weights[0]
    for k in range(1, len(row_indices)):
        term = flat[row_indices[k]].astype(np.float32)
        term *= row_weights[k]
        rows += term
    target = out.reshape(out_height, out_width * channels)
    if len(column_indices) == 1:
        np.multiply(np.take(rows, column_indices[0], axis=1, mode="clip"), column_weights[0], out=target)
        return
    first = np.take(rows, column_indices[0], axis=1, mode="clip")  # the indices are in range: skip the checks
    first *= column_weights[0]
    for k in range(1, len(column_indices)):
        term = np.take(rows, column_indices[k], axis=1, mode="clip")
        term *= column_weights[k]
        np.add(first, term, out=target if k == len(column_indices) - 1 else first)


def _resample_columns(batch, out_width, interpolation):
    # Gathering whole pixels from flat rows is about twice as fast as gathering along axis 2.
    count, height, width, channels = batch.shape
    indices, weights = _pixel_taps(width, out_width, interpolation, channels)
    out = _resample(batch.reshape(count * height, width * channels), 1, out_width * channels, interpolation,
                    taps=(indices, weights))
    return out.reshape(count, height, out_width, channels)


def _resample(batch, axis, out_size, interpolation, taps=None):
    indices, weights = taps or _taps(batch.shape[axis], out_size, interpolation)
    shape = [1] * batch.ndim
    shape[axis] = out_size
    out = np.take(batch, indices[0], axis=axis).astype(np.float32, copy=False)
    out *= weights[0].reshape(shape)
    for k in range(1, len(indices)):
        term = np.take(batch, indices[k], axis=axis).astype(np.float32, copy=False)
        term *= weights[k].reshape(shape)
        out += term
    return out


def resize_images(images, size, interpolation="bilinear"):
    """Resizes ``(batch, height, width, channels)`` (or one ``(height, width, channels)``) image(s)
    as ``tf.image.resize(..., antialias=False)``: float32 out, except ``"nearest"`` which keeps the
    input dtype."""
    if interpolation not in HOST_INTERPOLATIONS:
        raise ValueError(
            f"Without TensorFlow, `interpolation` must be one of {HOST_INTERPOLATIONS} (TensorFlow's "
            f"`format='tf'` datasets support {INTERPOLATIONS}). Received: interpolation={interpolation}"
        )
    single = images.ndim == 3
    batch = images[None] if single else images
    height, width = batch.shape[1:3]
    if interpolation == "nearest":
        rows = np.minimum(np.floor((np.arange(size[0]) + 0.5) * height / size[0]).astype(int), height - 1)
        cols = np.minimum(np.floor((np.arange(size[1]) + 0.5) * width / size[1]).astype(int), width - 1)
        out = batch[:, rows][:, :, cols]
    elif (height, width) == tuple(size):
        out = batch.astype(np.float32)
    else:
        # Gathering the few nonzero taps of each output pixel is far cheaper than dense products.
        # Rows first: gathering whole rows is a contiguous copy, and it shrinks the data for the columns.
        out = _resample_columns(_resample(batch, 1, size[0], interpolation), size[1], interpolation)
    out = np.ascontiguousarray(out)
    return out[0] if single else out


def crop_box(height, width, size):
    """The centered ``(top, left, crop_height, crop_width)`` with the aspect ratio of ``size``,
    computed as Keras's ``smart_resize``."""
    target_height, target_width = size
    crop_height = max(min(height, int(float(width * target_height) / target_width)), 1)
    crop_width = max(min(width, int(float(height * target_width) / target_height)), 1)
    return int(float(height - crop_height) / 2), int(float(width - crop_width) / 2), crop_height, crop_width


def pad_box(height, width, size):
    """``(resized_height, resized_width, top, left)`` of ``tf.image.resize_with_pad``, computed in
    float32 as TensorFlow does."""
    f32 = np.float32
    ratio = max(f32(width) / f32(size[1]), f32(height) / f32(size[0]))
    resized_height, resized_width = f32(height) / ratio, f32(width) / ratio
    top = max(0, int(np.floor((f32(size[0]) - resized_height) / f32(2))))
    left = max(0, int(np.floor((f32(size[1]) - resized_width) / f32(2))))
    return int(np.floor(resized_height)), int(np.floor(resized_width)), top, left


def fit_image(pixels, size, interpolation="bilinear", crop_to_aspect_ratio=False, pad_to_aspect_ratio=False):
    """One decoded ``(height, width, channels)`` image resized to ``size`` as Keras's image datasets do.

    Example:
    >>> fit_image(np.zeros((30, 40, 3), "uint8"), (16, 16), crop_to_aspect_ratio=True).shape
    (16, 16, 3)
    """
    height, width = pixels.shape[:2]
    if crop_to_aspect_ratio:
        top, left, crop_height, crop_width = crop_box(height, width, size)
        return resize_images(pixels[top:top + crop_height, left:left + crop_width], size, interpolation)
    if pad_to_aspect_ratio:
        resized_height, resized_width, top, left = pad_box(height, width, size)
        resized = resize_images(pixels, (resized_height, resized_width), interpolation)
        out = np.zeros(tuple(size) + pixels.shape[2:], resized.dtype)
        out[top:top + resized_height, left:left + resized_width] = resized
        return out
    return resize_images(pixels, size, interpolation)


def prepare_host_decoding():
    """Builds the NumPy backend namespace now, on the calling thread: building it from several
    worker threads at once would race on the ``cornu.backend.numpy`` attribute it restores."""
    namespaces.numpy_namespace()


def load_image_batch(paths, size, num_channels, interpolation="bilinear", crop_to_aspect_ratio=False,
                     pad_to_aspect_ratio=False, data_format="channels_last"):
    """Decodes and resizes the files ``paths`` into one array ``(len(paths),) + image shape``.

    Each image is resized as soon as it is decoded, or, while other threads load batches too,
    with the next images of its shape (``_RESIZE_GROUP``); JPEG colour images are decoded
    through ``pillow_jpeg``'s short path. ``"nearest"`` and the aspect-ratio options decode the
    whole batch first.
    """
    if interpolation != "nearest" and not crop_to_aspect_ratio and not pad_to_aspect_ratio:
        batch = np.empty((len(paths),) + tuple(size) + (num_channels,), np.float32)
        with _counted_load() as others_running:
            group_size = _RESIZE_GROUP if others_running else 1
            group = []  # the rows just before `row`: decoded images of one shape, to resize together
            for row, path in enumerate(paths):
                pixels = decode_image_file(path, num_channels)
                if group and (len(group) == group_size or pixels.shape != group[0].shape):
                    _resize_group_into(group, batch[row - len(group):row], interpolation)
                    group = []
                group.append(pixels)
            _resize_group_into(group, batch[len(paths) - len(group):], interpolation)
    else:
        batch = _load_and_fit(paths, size, num_channels, interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio)
    if data_format == "channels_first":
        batch = np.ascontiguousarray(batch.transpose(0, 3, 1, 2))
    return batch


@contextlib.contextmanager
def _counted_load():
    """Marks this thread as loading while the block runs; yields whether other threads were loading."""
    me = threading.get_ident()
    others = bool(_loading_threads - {me})
    _loading_threads.add(me)
    try:
        yield others
    finally:
        _loading_threads.discard(me)


def _resize_group_into(images, out, interpolation):
    if len(images) == 1:
        resize_image_into(images[0], out[0], interpolation)
    elif images:
        out[...] = resize_images(np.stack(images), out.shape[1:3], interpolation)


def _load_and_fit(paths, size, num_channels, interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio):
    decoded = [decode_image_file(path, num_channels) for path in paths]
    if not crop_to_aspect_ratio and not pad_to_aspect_ratio and len({d.shape for d in decoded}) == 1:
        batch = resize_images(np.stack(decoded), size, interpolation)
    else:
        batch = np.stack([fit_image(d, size, interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio)
                          for d in decoded])
    return batch
