"""NumPy fast paths of image augmentations, for layers running on host data (``self.backend``
is NumPy): the same numbers as the generic ``self.backend`` formulas, with fewer passes.

NumPy broadcasting a per-image, per-channel value over ``(batch, height, width, channels)``
runs an inner loop of ``channels`` (3) elements; here such values are spread along whole rows
first, images are processed a few at a time so the temporaries stay in the CPU cache, and a
flip copies each image once instead of building both candidates for ``np.where``.
"""

import numpy as np

# Images per chunk: about this many bytes, so a chunk's temporaries stay in the L2 cache.
_CHUNK_BYTES = 1 << 18


def flip_selected(images, flips, axis):
    """``np.where(flips, np.flip(images, axis), images)`` for a batch, copying each image once.

    ``flips`` holds one boolean per image (any shape of ``batch`` elements, or one for all);
    returns None where that does not hold (the caller then uses the generic formula).

    Example:
    >>> flip_selected(np.arange(4.0).reshape(2, 1, 2, 1), np.array([True, False]), 2)[:, 0, :, 0]
    array([[1., 0.],
           [2., 3.]])
    """
    flips = np.asarray(flips)
    if images.ndim < 2 or flips.dtype != np.bool_ or flips.size not in (1, images.shape[0]):
        return None
    flips = np.broadcast_to(flips.reshape(-1), images.shape[:1])
    axis = axis % images.ndim
    out = np.empty_like(images)
    reverse = [slice(None)] * images.ndim
    reverse[axis] = slice(None, None, -1)
    reverse = tuple(reverse)
    # Reversing the width of channels-last pixels copies one channel at a time: its inner loop then
    # runs over the whole row (a per-pixel loop of 3 values, or 12-byte items, is several times slower).
    per_channel = axis == images.ndim - 2 and images.ndim > 2 and images.shape[-1] <= 4
    start, count = 0, len(flips)
    while start < count:  # runs of images with the same coin: one copy call per run
        stop = start + 1
        while stop < count and flips[stop] == flips[start]:
            stop += 1
        if not flips[start]:
            out[start:stop] = images[start:stop]
        elif per_channel:
            flipped = images[start:stop][reverse]
            for channel in range(images.shape[-1]):
                out[start:stop, ..., channel] = flipped[..., channel]
        else:
            out[start:stop] = images[start:stop][reverse]
        start = stop
    return out


def _chunks(count, image_bytes):
    step = max(1, _CHUNK_BYTES // max(image_bytes, 1))
    return ((start, min(start + step, count)) for start in range(0, count, step))


def adjust_contrast(images, mean, factor, low, high):
    """``clip((images - mean) * factor + mean, low, high)`` for a channels-last float batch
    ``(batch, height, width, channels)`` with ``mean`` ``(batch, 1, 1, channels)`` and ``factor``
    ``(batch, 1, 1, 1)`` of the same dtype; the same rounding as the plain NumPy expression.
    Returns None for other shapes or dtypes.

    Example:
    >>> images = np.full((1, 2, 2, 3), 10.0, "float32")
    >>> adjust_contrast(images, images.mean((1, 2), keepdims=True), np.ones((1, 1, 1, 1), "float32"), 0, 255).shape
    (1, 2, 2, 3)
    """
    if images.ndim != 4 or images.dtype.kind != "f":
        return None
    batch, height, width, channels = images.shape
    if (mean.shape != (batch, 1, 1, channels) or factor.shape != (batch, 1, 1, 1)
            or mean.dtype != images.dtype or factor.dtype != images.dtype):
        return None
    row = width * channels
    # One row of per-channel means per image (inner loop: the whole row, not 3 channels).
    mean_rows = np.ascontiguousarray(np.broadcast_to(mean, (batch, 1, width, channels))).reshape(batch, 1, row)
    factors = factor.reshape(batch, 1, 1)
    low, high = np.asarray(low, images.dtype), np.asarray(high, images.dtype)
    source = images.reshape(batch, height, row)  # a view, also for a crop of a larger batch
    out = np.empty((batch, height, row), images.dtype)
    for start, stop in _chunks(batch, height * row * images.itemsize):
        part, means = out[start:stop], mean_rows[start:stop]
        np.subtract(source[start:stop], means, out=part)
        part *= factors[start:stop]
        part += means
        np.clip(part, low, high, out=part)
    return out.reshape(images.shape)
