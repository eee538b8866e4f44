"""Image ops (``cornu.ops.image``; not flattened into ``cornu.ops``, as in Keras).

Images are ``(height, width, channels)`` or batched ``(batch, height, width,
channels)`` for ``data_format="channels_last"`` (channels first otherwise).
Only ``resize`` has per-backend code; the rest compose other ops.
"""

import numpy as np

from cornu import backend
from cornu.ops.decorator import op

_n = backend.numpy


def _format(data_format):
    return backend.standardize_data_format(data_format)


def _to_channels_last_batch(images, data_format):
    """Returns a rank-4 channels-last view plus a function undoing the change."""
    images = backend.convert_to_tensor(images)
    if images.ndim not in (3, 4):
        raise ValueError(f"Expected an image tensor of rank 3 or 4. Received: images.shape={tuple(images.shape)}")
    unbatched = images.ndim == 3
    x = _n.expand_dims(images, 0) if unbatched else images
    if data_format == "channels_first":
        x = _n.transpose(x, (0, 2, 3, 1))

    def restore(out):
        if data_format == "channels_first":
            out = _n.transpose(out, (0, 3, 1, 2))
        return _n.squeeze(out, 0) if unbatched else out

    return x, restore


@op
def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False, pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    """Resizes images to ``size = (height, width)``.

    ``interpolation`` is 'bilinear', 'nearest', 'bicubic', 'lanczos3' or 'lanczos5'
    (half-pixel centres). ``crop_to_aspect_ratio`` / ``pad_to_aspect_ratio`` first crop
    (centred) or pad (with ``fill_value``) to the target aspect ratio.

    Example: ``resize(ops.ones((2, 8, 8, 3)), (4, 4)).shape  # (2, 4, 4, 3)``
    """
    data_format = _format(data_format)
    if len(size) != 2:
        raise ValueError(f"`size` must be (height, width). Received: size={size}")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("Only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can be True.")
    if fill_mode != "constant":
        raise ValueError(f"Only fill_mode='constant' is supported. Received: fill_mode={fill_mode!r}")
    x, restore = _to_channels_last_batch(images, data_format)
    height, width = int(x.shape[1]), int(x.shape[2])
    target_h, target_w = int(size[0]), int(size[1])
    if crop_to_aspect_ratio:
        crop_h = min(height, int(round(width * target_h / target_w)))
        crop_w = min(width, int(round(height * target_w / target_h)))
        top, left = (height - crop_h) // 2, (width - crop_w) // 2
        x = x[:, top : top + crop_h, left : left + crop_w, :]
    elif pad_to_aspect_ratio:
        pad_h = max(height, int(round(width * target_h / target_w)))
        pad_w = max(width, int(round(height * target_w / target_h)))
        top, left = (pad_h - height) // 2, (pad_w - width) // 2
        x = _n.pad(x, [(0, 0), (top, pad_h - height - top), (left, pad_w - width - left), (0, 0)],
                   constant_values=fill_value)
    out = backend.image.resize(x, (target_h, target_w), interpolation=interpolation, antialias=antialias,
                               data_format="channels_last")
    return restore(out)


@op
def rgb_to_grayscale(images, data_format=None):
    """Luma (ITU-R 601-2) of RGB images, keeping a channel axis of size 1.

    Example: ``rgb_to_grayscale(ops.ones((4, 4, 3))).shape  # (4, 4, 1)``
    """
    data_format = _format(data_format)
    images = _n._float_input(images)
    axis = -1 if data_format == "channels_last" else -3
    weights = backend.convert_to_tensor([0.2989, 0.5870, 0.1140], images.dtype)
    if axis == -3:
        weights = _n.reshape(weights, (3, 1, 1))
    return _n.sum(_n.multiply(images, weights), axis=axis, keepdims=True)


@op
def rgb_to_hsv(images, data_format=None):
    """Converts RGB images with values in [0, 1] to HSV (hue in [0, 1]).

    Example: ``rgb_to_hsv(ops.ones((1, 1, 3)))  # [[[0., 0., 1.]]]``
    """
    data_format = _format(data_format)
    x, restore = _to_channels_last_batch(_n._float_input(images), data_format)
    r, g, b = (x[..., i] for i in range(3))
    value = _n.max(x, axis=-1)
    delta = value - _n.min(x, axis=-1)
    safe_delta = _n.where(delta > 0, delta, 1.0)
    saturation = _n.where(value > 0, delta / _n.where(value > 0, value, 1.0), 0.0)
    hue = _n.where(
        _n.equal(value, r), (g - b) / safe_delta,
        _n.where(_n.equal(value, g), 2.0 + (b - r) / safe_delta, 4.0 + (r - g) / safe_delta),
    )
    hue = _n.where(delta > 0, _n.mod(hue / 6.0, 1.0), 0.0)
    return restore(_n.stack([hue, saturation, value], axis=-1))


@op
def hsv_to_rgb(images, data_format=None):
    """Converts HSV images (all channels in [0, 1]) to RGB.

    Example: ``hsv_to_rgb(rgb_to_hsv(x))  # x``
    """
    data_format = _format(data_format)
    x, restore = _to_channels_last_batch(_n._float_input(images), data_format)
    h, s, v = (x[..., i] for i in range(3))

    def channel(n):
        k = _n.mod(n + h * 6.0, 6.0)
        return v - v * s * _n.clip(_n.minimum(k, 4.0 - k), 0.0, 1.0)

    return restore(_n.stack([channel(5.0), channel(3.0), channel(1.0)], axis=-1))


@op
def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None, right_padding=None, target_height=None, target_width=None, data_format=None):
    """Zero-pads images to ``target_height`` x ``target_width`` or by explicit paddings.

    Example: ``pad_images(ops.ones((2, 2, 1)), 1, 1, 1, 1).shape  # (4, 4, 1)``
    """
    x, restore = _to_channels_last_batch(images, _format(data_format))
    height, width = int(x.shape[1]), int(x.shape[2])
    top, bottom = _resolve_margins(top_padding, bottom_padding, target_height, height, "padding", "height")
    left, right = _resolve_margins(left_padding, right_padding, target_width, width, "padding", "width")
    return restore(_n.pad(x, [(0, 0), (top, bottom), (left, right), (0, 0)]))


@op
def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None, right_cropping=None, target_height=None, target_width=None, data_format=None):
    """Crops images to ``target_height`` x ``target_width`` or by explicit croppings.

    Example: ``crop_images(ops.ones((4, 4, 1)), 1, 1, 1, 1).shape  # (2, 2, 1)``
    """
    x, restore = _to_channels_last_batch(images, _format(data_format))
    height, width = int(x.shape[1]), int(x.shape[2])
    top, bottom = _resolve_margins(top_cropping, bottom_cropping, target_height, height, "cropping", "height", crop=True)
    left, right = _resolve_margins(left_cropping, right_cropping, target_width, width, "cropping", "width", crop=True)
    return restore(x[:, top : height - bottom, left : width - right, :])


def _resolve_margins(first, second, target, size, word, dim, crop=False):
    given = [v is not None for v in (first, second, target)]
    if given == [False, False, False]:
        first = second = 0
    elif given == [True, False, False] or given == [False, True, False]:
        first, second = first or 0, second or 0
    elif sum(given) != 2:
        raise ValueError(
            f"Give exactly two of the two {word}s and target_{dim} for the {dim}. "
            f"Received: {word}s=({first}, {second}), target_{dim}={target}"
        )
    change = None if target is None else (size - target) if crop else (target - size)
    if first is None:
        first = change - second
    if second is None:
        second = change - first
    if first < 0 or second < 0:
        raise ValueError(f"The {word} along the {dim} would be negative. Received: {first}, {second} for size {size}")
    return int(first), int(second)


@op
def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """Patches of ``size`` taken every ``strides``, flattened into the channel axis.

    ``size`` is an int or ``(height, width)``; a 3-tuple extracts 3-D patches from
    volumes (see :func:`extract_patches_3d`).

    Example: ``extract_patches(ops.ones((1, 4, 4, 3)), 2).shape  # (1, 2, 2, 12)``
    """
    if not isinstance(size, int) and len(size) == 3:
        return _patches(images, size, strides, dilation_rate, padding, data_format, 3)
    return _patches(images, size, strides, dilation_rate, padding, data_format, 2)


@op
def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """3-D patches of ``size`` (int or ``(depth, height, width)``) flattened into the channel axis.

    Volumes are ``(depth, height, width, channels)`` or batched with a leading batch axis.

    Example: ``extract_patches_3d(ops.ones((2, 4, 4, 4, 3)), 2).shape  # (2, 2, 2, 2, 24)``
    """
    return _patches(volumes, size, strides, dilation_rate, padding, data_format, 3)


def _patches(images, size, strides, dilation_rate, padding, data_format, spatial):
    data_format = _format(data_format)
    size = (size,) * spatial if isinstance(size, int) else tuple(size)
    if len(size) != spatial:
        raise ValueError(f"`size` must be an int or a tuple of {spatial} ints. Received: size={size}")
    strides = size if strides is None else strides
    x = backend.convert_to_tensor(images)
    if x.ndim not in (spatial + 1, spatial + 2):
        raise ValueError(
            f"Expected a tensor of rank {spatial + 1} or {spatial + 2} for {spatial}-D patches. Received: shape={tuple(x.shape)}"
        )
    unbatched = x.ndim == spatial + 1
    if unbatched:
        x = _n.expand_dims(x, 0)
    if data_format == "channels_first":
        x = _n.moveaxis(x, 1, -1)
    channels = int(x.shape[-1])
    # An identity kernel: output channel (offset..., c) copies input channel c at that window offset.
    eye = np.eye(int(np.prod(size)) * channels, dtype="float32").reshape(size + (channels, -1))
    kernel = backend.convert_to_tensor(eye, backend.standardize_dtype(x.dtype) if backend.is_float_dtype(x.dtype) else "float32")
    out = backend.nn.conv(x, kernel, strides=strides, padding=padding, data_format="channels_last", dilation_rate=dilation_rate)
    if data_format == "channels_first":
        out = _n.moveaxis(out, -1, 1)
    return _n.squeeze(out, 0) if unbatched else out


@op
def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """Samples ``inputs`` at fractional ``coordinates`` (one array per input axis), like SciPy's.

    ``order`` is 0 (nearest) or 1 (linear); ``fill_mode`` is 'constant', 'nearest',
    'wrap', 'mirror' or 'reflect'.

    Example: ``map_coordinates(ops.arange(4.0), [[0.5, 2.0]], 1)  # [0.5, 2.]``
    """
    inputs = _n._float_input(inputs)
    if order not in (0, 1):
        raise ValueError(f"`order` must be 0 or 1. Received: order={order}")
    coordinates = [_n._float_input(c) for c in coordinates]
    if len(coordinates) != inputs.ndim:
        raise ValueError(
            f"map_coordinates needs one coordinate array per input axis. "
            f"Received: {len(coordinates)} arrays for inputs.ndim={inputs.ndim}"
        )
    corners = []
    for axis, coord in enumerate(coordinates):
        size = int(inputs.shape[axis])
        if order == 0:
            options = [(_n.floor(coord + 0.5), None)]
        else:
            low = _n.floor(coord)
            frac = coord - low
            options = [(low, 1.0 - frac), (low + 1.0, frac)]
        corners.append([(_wrap_index(i, size, fill_mode), w, _inside(i, size)) for i, w in options])
    flat = _n.reshape(inputs, (-1,))
    strides = [int(np.prod(inputs.shape[a + 1 :])) for a in range(inputs.ndim)]
    out = None
    for combo in _product(corners):
        index, weight, valid = None, None, None
        for (idx, w, ok), stride in zip(combo, strides):
            term = backend.cast(idx, "int32") * stride
            index = term if index is None else index + term
            weight = w if weight is None else (weight if w is None else weight * w)
            valid = ok if valid is None else _n.logical_and(valid, ok)
        value = _n.take(flat, index)
        if fill_mode == "constant":
            value = _n.where(valid, value, fill_value)
        value = value if weight is None else value * weight
        out = value if out is None else out + value
    return out


def _product(lists):
    result = [[]]
    for options in lists:
        result = [r + [o] for r in result for o in options]
    return result


def _inside(index, size):
    return _n.logical_and(_n.greater_equal(index, 0.0), _n.less_equal(index, size - 1.0))


def _wrap_index(index, size, fill_mode):
    if fill_mode in ("constant", "nearest"):
        return _n.clip(index, 0.0, size - 1.0)
    if fill_mode == "wrap":
        return _n.mod(index, float(size))
    if fill_mode == "mirror":  # ... 2 1 | 0 1 2 | 1 0 ...
        period = max(2 * size - 2, 1)
        index = _n.mod(index, float(period))
        return _n.where(index >= size, period - index, index)
    if fill_mode == "reflect":  # ... 1 0 | 0 1 2 | 2 1 ...
        period = 2 * size
        index = _n.mod(index, float(period))
        return _n.where(index >= size, period - 1.0 - index, index)
    raise ValueError(f"`fill_mode` must be 'constant', 'nearest', 'wrap', 'mirror' or 'reflect'. Received: {fill_mode!r}")


@op
def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0, data_format=None):
    """Applies projective transforms ``[a0, a1, a2, b0, b1, b2, c0, c1]`` (one per image, or shared).

    Each output pixel ``(x, y)`` samples the input at ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)``
    with ``k = c0 x + c1 y + 1``.

    Example: ``affine_transform(img, [1, 0, 0, 0, 1, 0, 0, 0])  # img``
    """
    if interpolation not in ("nearest", "bilinear"):
        raise ValueError(f"`interpolation` must be 'nearest' or 'bilinear'. Received: interpolation={interpolation!r}")
    x, restore = _to_channels_last_batch(_n._float_input(images), _format(data_format))
    batch, height, width, channels = (int(d) for d in x.shape)
    transform = _n._float_input(transform)
    if transform.ndim == 1 or transform.shape[0] == 1:
        transform = _n.broadcast_to(_n.reshape(transform, (1, 8)), (batch, 8))
    ys, xs = np.meshgrid(np.arange(height, dtype="float32"), np.arange(width, dtype="float32"), indexing="ij")
    ys, xs = backend.convert_to_tensor(ys), backend.convert_to_tensor(xs)
    t = [_n.reshape(transform[:, i], (batch, 1, 1)) for i in range(8)]
    k = t[6] * xs + t[7] * ys + 1.0
    src_x = (t[0] * xs + t[1] * ys + t[2]) / k
    src_y = (t[3] * xs + t[4] * ys + t[5]) / k
    return restore(_sample(x, src_y, src_x, 0 if interpolation == "nearest" else 1, fill_mode, fill_value))


def _sample(x, src_y, src_x, order, fill_mode, fill_value):
    """Samples every channel of the batched channels-last ``x`` at ``(src_y, src_x)``
    (each ``(batch, height', width')``): four row gathers for bilinear, one for nearest."""
    batch, height, width, channels = (int(d) for d in x.shape)
    rows = _n.reshape(x, (batch * height * width, channels))
    first_row = _n.reshape(_n.arange(batch, dtype="int32") * (height * width), (batch, 1, 1))

    def corners(coord, size):
        if order == 0:
            return [(_n.floor(coord + 0.5), None)]
        low = _n.floor(coord)
        frac = coord - low
        return [(low, 1.0 - frac), (low + 1.0, frac)]

    out = None
    for iy, wy in corners(src_y, height):
        for ix, wx in corners(src_x, width):
            index = first_row + backend.cast(_wrap_index(iy, height, fill_mode), "int32") * width
            index = index + backend.cast(_wrap_index(ix, width, fill_mode), "int32")
            value = _n.reshape(_n.take(rows, _n.reshape(index, (-1,)), axis=0), tuple(index.shape) + (channels,))
            if fill_mode == "constant":
                valid = _n.logical_and(_inside(iy, height), _inside(ix, width))
                value = _n.where(_n.expand_dims(valid, -1), value, fill_value)
            weight = wy if wx is None else (wx if wy is None else wy * wx)
            value = value if weight is None else value * _n.expand_dims(weight, -1)
            out = value if out is None else out + value
    return out


@op
def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Blurs images with a separable Gaussian kernel of ``kernel_size`` and ``sigma``.

    Example: ``gaussian_blur(ops.ones((1, 5, 5, 3))).shape  # (1, 5, 5, 3)``
    """
    x, restore = _to_channels_last_batch(_n._float_input(images), _format(data_format))
    channels = int(x.shape[-1])

    def taps(size, s):
        offsets = np.arange(size, dtype="float64") - (size - 1) / 2
        w = np.exp(-0.5 * (offsets / s) ** 2)
        return w / w.sum()

    # As Keras computes it on every backend: kernel_size[0] and sigma[0] run along the width.
    kernel = np.outer(taps(kernel_size[1], sigma[1]), taps(kernel_size[0], sigma[0]))
    kernel = np.tile(kernel[:, :, None, None], (1, 1, channels, 1)).astype("float32")
    out = backend.nn.depthwise_conv(x, backend.convert_to_tensor(kernel, backend.standardize_dtype(x.dtype)),
                                    padding="same", data_format="channels_last")
    return restore(out)


@op
def sobel_edges(images, data_format=None):
    """Sobel gradients ``(dy, dx)`` stacked on a new last axis (zero padding, as Keras).

    Example: ``sobel_edges(ops.ones((1, 4, 4, 1))).shape  # (1, 4, 4, 1, 2)``
    """
    data_format = _format(data_format)
    images = _n._float_input(images)
    x, _ = _to_channels_last_batch(images, data_format)
    channels = int(x.shape[-1])
    dy = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], "float32")
    kernel = np.tile(np.stack([dy, dy.T], axis=-1)[:, :, None, :], (1, 1, channels, 1))
    out = backend.nn.depthwise_conv(x, backend.convert_to_tensor(kernel, backend.standardize_dtype(x.dtype)),
                                    padding="same", data_format="channels_last")
    out = _n.reshape(out, tuple(out.shape[:-1]) + (channels, 2))
    if data_format == "channels_first":
        out = _n.moveaxis(out, 3, 1)
    return _n.squeeze(out, 0) if images.ndim == 3 else out


@op
def perspective_transform(images, start_points, end_points, interpolation="bilinear", fill_value=0, data_format=None):
    """Warps images so that the four ``start_points`` land on the four ``end_points``.

    Points are ``(x, y)`` pixel coordinates, shaped ``(4, 2)`` or ``(batch, 4, 2)``;
    outside pixels get ``fill_value``.

    Example: ``perspective_transform(img, corners, corners)  # img``
    """
    start_points, end_points = _n._float_input(start_points), _n._float_input(end_points)
    for name, points in (("start_points", start_points), ("end_points", end_points)):
        if tuple(points.shape[-2:]) != (4, 2) or points.ndim not in (2, 3):
            raise ValueError(f"`{name}` must have shape (4, 2) or (batch, 4, 2). Received: {name}.shape={tuple(points.shape)}")
    if tuple(start_points.shape) != tuple(end_points.shape):
        raise ValueError(
            "`start_points` and `end_points` must have the same shape. "
            f"Received: start_points.shape={tuple(start_points.shape)}, end_points.shape={tuple(end_points.shape)}"
        )
    if start_points.ndim == 2:
        start_points, end_points = _n.expand_dims(start_points, 0), _n.expand_dims(end_points, 0)
    transform = _homography(backend.cast(start_points, "float32"), backend.cast(end_points, "float32"))
    return affine_transform.raw(images, transform, interpolation=interpolation, fill_mode="constant",
                                fill_value=fill_value, data_format=data_format)


def _homography(start, end):
    """The 8 projective coefficients mapping each output (end) point back to its input (start) point."""
    sx, sy, ex, ey = start[..., 0], start[..., 1], end[..., 0], end[..., 1]
    zeros, ones = _n.zeros_like(ex), _n.ones_like(ex)
    x_rows = _n.stack([ex, ey, ones, zeros, zeros, zeros, -sx * ex, -sx * ey], axis=-1)
    y_rows = _n.stack([zeros, zeros, zeros, ex, ey, ones, -sy * ex, -sy * ey], axis=-1)
    system = _n.concatenate([x_rows, y_rows], axis=1)
    target = _n.expand_dims(_n.concatenate([sx, sy], axis=-1), -1)
    return _n.squeeze(backend.linalg.solve(system, target), -1)


@op
def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0, seed=None, data_format=None):
    """Elastic deformation: every pixel moves by a random, Gaussian-smoothed displacement.

    Displacements are ``alpha`` times normal noise (scaled by ``sigma``) blurred with a
    Gaussian of standard deviation ``sigma``; the two directions use independent noise.

    Example: ``elastic_transform(ops.ones((2, 8, 8, 3)), seed=1).shape  # (2, 8, 8, 3)``
    """
    from cornu import random  # lazily: random depends on more of cornu than the ops do

    if interpolation not in ("nearest", "bilinear"):
        raise ValueError(f"`interpolation` must be 'nearest' or 'bilinear'. Received: interpolation={interpolation!r}")
    x, restore = _to_channels_last_batch(images, _format(data_format))
    dtype = backend.standardize_dtype(x.dtype)
    compute = dtype if backend.is_float_dtype(dtype) else backend.floatx()
    x = backend.cast(x, compute)
    batch, height, width, channels = (int(d) for d in x.shape)
    sigma, alpha = float(sigma), float(alpha)
    noise = random.normal((2 * batch, height, width, 1), dtype=compute, seed=seed) * sigma
    size = int(6 * sigma) | 1
    fields = gaussian_blur.raw(noise, (size, size), (sigma, sigma), data_format="channels_last")[..., 0]
    ys, xs = np.meshgrid(np.arange(height, dtype="float32"), np.arange(width, dtype="float32"), indexing="ij")
    src_x = backend.convert_to_tensor(xs, compute) + alpha * fields[:batch]
    src_y = backend.convert_to_tensor(ys, compute) + alpha * fields[batch:]
    out = _sample(x, src_y, src_x, 0 if interpolation == "nearest" else 1, fill_mode, fill_value)
    return restore(backend.cast(out, dtype))


SCALE_AND_TRANSLATE_METHODS = ("linear", "bilinear", "trilinear", "cubic", "bicubic", "tricubic", "lanczos3", "lanczos5")


@op
def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method, antialias=True):
    """Resamples ``images`` to ``output_shape`` so input point ``p`` lands at ``p * scale + translation``.

    As ``jax.image.scale_and_translate``: one ``scale`` and ``translation`` per axis in
    ``spatial_dims``, half-pixel centres, zero weight outside the input; ``method`` is
    'linear', 'cubic', 'lanczos3' or 'lanczos5' (and their 'bi'/'tri' aliases);
    ``antialias`` widens the kernel when downsampling.

    Example: ``scale_and_translate(img, (1, 8, 8, 3), [2.0, 2.0], [0.0, 0.0], (1, 2), "linear")``
    """
    if method not in SCALE_AND_TRANSLATE_METHODS:
        raise ValueError(f"`method` must be one of {SCALE_AND_TRANSLATE_METHODS}. Received: method={method!r}")
    images = backend.convert_to_tensor(images)
    if len(output_shape) != images.ndim:
        raise ValueError(
            f"`output_shape` must give every axis of `images`. Received: output_shape={tuple(output_shape)}, "
            f"images.shape={tuple(images.shape)}"
        )
    return backend.image.scale_and_translate(images, tuple(int(d) for d in output_shape), scale, translation,
                                             tuple(spatial_dims), method, antialias=antialias)


@op
def ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03, data_format=None):
    """Structural similarity of two images (batched: one value per image), averaged over channels.

    Local means, variances and covariance come from a ``filter_size`` Gaussian window
    (valid positions only), as in Wang et al. (2004).

    Example: ``ssim(img, img)  # 1.0``
    """
    a, b = backend.convert_to_tensor(image1), backend.convert_to_tensor(image2)
    if tuple(a.shape) != tuple(b.shape) or a.ndim not in (3, 4):
        raise ValueError(
            "ssim expects two images (rank 3) or two batches of images (rank 4) of the same shape. "
            f"Received: image1.shape={tuple(a.shape)}, image2.shape={tuple(b.shape)}"
        )
    dtype = backend.standardize_dtype(a.dtype)
    compute = backend.result_type(dtype, float)
    x, _ = _to_channels_last_batch(backend.cast(a, compute), _format(data_format))
    y, _ = _to_channels_last_batch(backend.cast(b, compute), _format(data_format))
    batch, height, width, channels = (int(d) for d in x.shape)
    taps = np.exp(-((np.arange(filter_size) - (filter_size - 1) / 2.0) ** 2) / (2.0 * filter_sigma**2))
    taps = taps / taps.sum()
    kernel = backend.convert_to_tensor(np.outer(taps, taps).reshape(filter_size, filter_size, 1, 1), compute)

    def local_mean(v):  # every channel of every image filtered on its own
        v = _n.reshape(_n.transpose(v, (0, 3, 1, 2)), (batch * channels, height, width, 1))
        return backend.nn.conv(v, kernel, padding="valid", data_format="channels_last")

    mu_x, mu_y = local_mean(x), local_mean(y)
    var_x = local_mean(x * x) - mu_x * mu_x
    var_y = local_mean(y * y) - mu_y * mu_y
    cov = local_mean(x * y) - mu_x * mu_y
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    ssim_map = ((2.0 * mu_x * mu_y + c1) * (2.0 * cov + c2)) / ((mu_x * mu_x + mu_y * mu_y + c1) * (var_x + var_y + c2))
    per_image = _n.mean(_n.reshape(_n.mean(ssim_map, axis=(1, 2, 3)), (batch, channels)), axis=-1)
    out = per_image[0] if a.ndim == 3 else per_image
    # Integer images give a float score (Keras would cast it back to the integer dtype).
    return backend.cast(out, dtype) if backend.is_float_dtype(dtype) else out


__all__ = [n for n, v in list(globals().items()) if callable(v) and getattr(v, "__module__", None) == __name__ and not n.startswith("_")]
