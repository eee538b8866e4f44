"""Geometric image transforms written once over a backend's own ops (no framework imports here).

Each backend's ``image`` module binds these to its ops with :class:`ImageOps` and exposes them
under Keras's names and signatures (``affine_transform``, ``map_coordinates``,
``perspective_transform``, ``compute_homography_matrix``, ``gaussian_blur``,
``elastic_transform``), so preprocessing layers can call them on any backend and on NumPy.
Images are batched or single, ``channels_last`` or ``channels_first``.
"""

import numpy as np

INTERPOLATION_ORDERS = {"nearest": 0, "bilinear": 1}
FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


class ImageOps:
    """The few backend functions the transforms need: ``numpy`` (the backend's numpy module),
    ``cast``, ``convert_to_tensor``, ``solve``, ``depthwise_conv`` and ``normal``; optionally
    ``bilinear_sample(x, src_y, src_x, fill_mode)``, a fused kernel that reads like :func:`sample`
    with ``order=1`` for the fill modes in ``FUSED_FILL_MODES`` (zero fill for "constant")."""

    def __init__(self, numpy, cast, convert_to_tensor, solve, depthwise_conv, normal, bilinear_sample=None):
        self.numpy, self.cast, self.convert_to_tensor = numpy, cast, convert_to_tensor
        self.solve, self.depthwise_conv, self.normal = solve, depthwise_conv, normal
        self.bilinear_sample = bilinear_sample


FUSED_FILL_MODES = ("constant", "nearest", "reflect")


def _check_interpolation(interpolation):
    if interpolation not in INTERPOLATION_ORDERS:
        raise ValueError(
            f"Invalid value for argument `interpolation`. Expected one of {set(INTERPOLATION_ORDERS)}. "
            f"Received: interpolation={interpolation}"
        )


def _check_fill_mode(fill_mode):
    if fill_mode not in FILL_MODES:
        raise ValueError(f"Invalid value for argument `fill_mode`. Expected one of {FILL_MODES}. Received: fill_mode={fill_mode}")


def _batched_channels_last(ops, images, data_format):
    """A rank-4 channels-last view of ``images`` and a function that undoes the change."""
    n = ops.numpy
    rank = len(images.shape)
    if rank not in (3, 4):
        raise ValueError(
            "Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). "
            f"Received input with shape: images.shape={tuple(images.shape)}"
        )
    x = n.expand_dims(images, 0) if rank == 3 else images
    if data_format == "channels_first":
        x = n.transpose(x, (0, 2, 3, 1))

    def restore(out):
        if data_format == "channels_first":
            out = n.transpose(out, (0, 3, 1, 2))
        return n.squeeze(out, 0) if rank == 3 else out

    return x, restore


def _inside(ops, index, size):
    n = ops.numpy
    return n.logical_and(n.greater_equal(index, 0.0), n.less_equal(index, size - 1.0))


def _wrap_index(ops, index, size, fill_mode):
    """Maps out-of-range (float) indices back inside ``[0, size)`` the way ``fill_mode`` extends the input."""
    n = ops.numpy
    if fill_mode in ("constant", "nearest"):
        return n.clip(index, 0.0, size - 1.0)
    if fill_mode == "wrap":
        return n.mod(index, float(size))
    if fill_mode == "mirror":  # ... 2 1 | 0 1 2 | 1 0 ...
        period = max(2 * size - 2, 1)
        index = n.mod(index, float(period))
        return n.where(index >= size, period - index, index)
    period = 2 * size  # reflect: ... 1 0 | 0 1 2 | 2 1 ...
    index = n.mod(index, float(period))
    return n.where(index >= size, period - 1.0 - index, index)


def _corners(ops, coord, order):
    """(index, weight) pairs that interpolate at ``coord``: one for nearest, two for linear."""
    n = ops.numpy
    if order == 0:
        return [(n.round(coord), None)]  # half to even, as jax.scipy.ndimage
    low = n.floor(coord)
    frac = coord - low
    return [(low, 1.0 - frac), (low + 1.0, frac)]


def sample(ops, x, src_y, src_x, order, fill_mode, fill_value):
    """Every channel of the batched channels-last ``x`` read at ``(src_y, src_x)`` (each
    ``(batch, height', width')``)."""
    n = ops.numpy
    zero_fill = isinstance(fill_value, (int, float)) and float(fill_value) == 0.0
    if (order == 1 and ops.bilinear_sample is not None and fill_mode in FUSED_FILL_MODES
            and (fill_mode != "constant" or zero_fill)):
        return ops.bilinear_sample(x, src_y, src_x, fill_mode)
    batch, height, width, channels = (int(d) for d in x.shape)
    rows = n.reshape(x, (batch * height * width, channels))
    first_row = ops.convert_to_tensor(np.arange(batch, dtype="int32").reshape(batch, 1, 1) * (height * width))
    out = None
    for iy, wy in _corners(ops, src_y, order):
        for ix, wx in _corners(ops, src_x, order):
            index = first_row + ops.cast(_wrap_index(ops, iy, height, fill_mode), "int32") * width
            index = index + ops.cast(_wrap_index(ops, ix, width, fill_mode), "int32")
            value = n.reshape(n.take(rows, n.reshape(index, (-1,)), axis=0), tuple(index.shape) + (channels,))
            if fill_mode == "constant":
                valid = n.logical_and(_inside(ops, iy, height), _inside(ops, ix, width))
                value = n.where(n.expand_dims(valid, -1), value, ops.cast(fill_value, value.dtype))
            weight = wy if wx is None else (wx if wy is None else wy * wx)
            value = value if weight is None else value * n.expand_dims(ops.cast(weight, value.dtype), -1)
            out = value if out is None else out + value
    return out


def _pixel_grid(ops, height, width, dtype):
    ys, xs = np.meshgrid(np.arange(height, dtype="float32"), np.arange(width, dtype="float32"), indexing="ij")
    return ops.cast(ops.convert_to_tensor(ys), dtype), ops.cast(ops.convert_to_tensor(xs), dtype)


def _float_images(ops, images):
    images = ops.convert_to_tensor(images)
    dtype = str(images.dtype).replace("torch.", "")
    is_float = "float" in dtype
    return (images if is_float else ops.cast(images, "float32")), images.dtype, is_float


def _restore_dtype(ops, out, dtype, was_float):
    if was_float:
        return out
    return ops.cast(ops.numpy.round(out), dtype)


def affine_transform(ops, images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0,
                     data_format="channels_last"):
    """Projective transforms ``[a0, a1, a2, b0, b1, b2, c0, c1]``: output pixel ``(x, y)`` reads the
    input at ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)``, ``k = c0 x + c1 y + 1``."""
    _check_interpolation(interpolation)
    _check_fill_mode(fill_mode)
    n = ops.numpy
    images, dtype, was_float = _float_images(ops, images)
    x, restore = _batched_channels_last(ops, images, data_format)
    batch, height, width = (int(d) for d in x.shape[:3])
    transform = ops.cast(ops.convert_to_tensor(transform), x.dtype)
    if len(transform.shape) == 1:
        transform = n.expand_dims(transform, 0)
    if int(transform.shape[0]) != batch:
        transform = n.broadcast_to(transform, (batch, 8))
    ys, xs = _pixel_grid(ops, height, width, x.dtype)
    t = [n.reshape(transform[:, i], (batch, 1, 1)) for i in range(8)]
    k = t[6] * xs + t[7] * ys + 1.0
    src_x = (t[0] * xs + t[1] * ys + t[2]) / k
    src_y = (t[3] * xs + t[4] * ys + t[5]) / k
    out = sample(ops, x, src_y, src_x, INTERPOLATION_ORDERS[interpolation], fill_mode, fill_value)
    return _restore_dtype(ops, restore(out), dtype, was_float)


def map_coordinates(ops, inputs, coordinates, order, fill_mode="constant", fill_value=0.0):
    """``inputs`` read at fractional ``coordinates`` (one array per input axis), like SciPy's ``order`` 0/1."""
    n = ops.numpy
    _check_fill_mode(fill_mode)
    if order not in (0, 1):
        raise ValueError(f"`order` must be 0 or 1. Received: order={order}")
    inputs, dtype, was_float = _float_images(ops, inputs)
    coordinates = [ops.cast(ops.convert_to_tensor(c), inputs.dtype) for c in coordinates]
    if len(coordinates) != len(inputs.shape):
        raise ValueError(
            "First dim of `coordinates` must be the same as the rank of `inputs`. "
            f"Received inputs with shape: {tuple(inputs.shape)} and coordinate leading dim of {len(coordinates)}"
        )
    flat = n.reshape(inputs, (-1,))
    strides = [int(np.prod(inputs.shape[a + 1:])) for a in range(len(inputs.shape))]
    combos = [[]]
    for axis, coord in enumerate(coordinates):
        size = int(inputs.shape[axis])
        options = [(_wrap_index(ops, i, size, fill_mode), w, _inside(ops, i, size)) for i, w in _corners(ops, coord, order)]
        combos = [c + [o] for c in combos for o in options]
    out = None
    for combo in combos:
        index, weight, valid = None, None, None
        for (idx, w, ok), stride in zip(combo, strides):
            term = ops.cast(idx, "int32") * stride
            index = term if index is None else index + term
            weight = w if weight is None else (weight if w is None else weight * w)
            valid = ok if valid is None else n.logical_and(valid, ok)
        value = n.take(flat, index)
        if fill_mode == "constant":
            value = n.where(valid, value, ops.cast(fill_value, value.dtype))
        value = value if weight is None else value * weight
        out = value if out is None else out + value
    return _restore_dtype(ops, out, dtype, was_float)


def compute_homography_matrix(ops, start_points, end_points):
    """The 8 coefficients (per batch entry) mapping each end point back onto its start point."""
    n = ops.numpy
    sx, sy, ex, ey = start_points[..., 0], start_points[..., 1], end_points[..., 0], end_points[..., 1]
    zeros, ones = n.zeros_like(ex), n.ones_like(ex)
    x_rows = n.stack([ex, ey, ones, zeros, zeros, zeros, -sx * ex, -sx * ey], axis=-1)
    y_rows = n.stack([zeros, zeros, zeros, ex, ey, ones, -sy * ex, -sy * ey], axis=-1)
    system = n.concatenate([x_rows, y_rows], axis=1)
    target = n.expand_dims(n.concatenate([sx, sy], axis=-1), -1)
    return n.squeeze(ops.solve(system, target), -1)


def perspective_transform(ops, images, start_points, end_points, interpolation="bilinear", fill_value=0,
                          data_format="channels_last"):
    """Warps images so the four ``start_points`` ``(x, y)`` land on the four ``end_points``."""
    n = ops.numpy
    _check_interpolation(interpolation)
    start = ops.cast(ops.convert_to_tensor(start_points), "float32")
    end = ops.cast(ops.convert_to_tensor(end_points), "float32")
    for name, points in (("start_points", start), ("end_points", end)):
        if tuple(points.shape[-2:]) != (4, 2) or len(points.shape) not in (2, 3):
            raise ValueError(
                f"Invalid {name} shape: expected (4,2) for a single image or (N,4,2) for a batch. "
                f"Received shape: {tuple(points.shape)}"
            )
    if tuple(start.shape) != tuple(end.shape):
        raise ValueError(
            "start_points and end_points must have the same shape. "
            f"Received start_points.shape={tuple(start.shape)}, end_points.shape={tuple(end.shape)}"
        )
    if len(start.shape) == 2:
        start, end = n.expand_dims(start, 0), n.expand_dims(end, 0)
    transform = compute_homography_matrix(ops, start, end)
    return affine_transform(ops, images, transform, interpolation=interpolation, fill_mode="constant",
                            fill_value=fill_value, data_format=data_format)


def gaussian_kernel(size, sigma):
    offsets = np.arange(size, dtype="float64") - (size - 1) / 2
    taps = np.exp(-0.5 * (offsets / sigma) ** 2)
    return taps / taps.sum()


def gaussian_blur(ops, images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format="channels_last"):
    """Blurs with a separable Gaussian (``kernel_size[0]``/``sigma[0]`` along the width, as Keras)."""
    images, dtype, was_float = _float_images(ops, images)
    x, restore = _batched_channels_last(ops, images, data_format)
    channels = int(x.shape[-1])
    kernel = np.outer(gaussian_kernel(kernel_size[1], float(sigma[1])), gaussian_kernel(kernel_size[0], float(sigma[0])))
    kernel = np.tile(kernel[:, :, None, None], (1, 1, channels, 1)).astype("float32")
    out = ops.depthwise_conv(x, ops.cast(ops.convert_to_tensor(kernel), x.dtype), padding="same",
                             data_format="channels_last")
    return _restore_dtype(ops, restore(out), dtype, was_float)


def elastic_transform(ops, images, alpha=20.0, sigma=5.0, interpolation="bilinear", fill_mode="reflect",
                      fill_value=0.0, seed=None, data_format="channels_last"):
    """Moves every pixel by ``alpha`` times Gaussian-smoothed (std ``sigma``) normal noise, per direction."""
    _check_interpolation(interpolation)
    _check_fill_mode(fill_mode)
    images, dtype, was_float = _float_images(ops, images)
    x, restore = _batched_channels_last(ops, images, data_format)
    batch, height, width = (int(d) for d in x.shape[:3])
    sigma, alpha = float(sigma), float(alpha)
    noise = ops.normal((2 * batch, height, width, 1), dtype=x.dtype, seed=seed) * sigma
    size = int(6 * sigma) | 1
    fields = gaussian_blur(ops, noise, (size, size), (sigma, sigma), data_format="channels_last")[..., 0]
    ys, xs = _pixel_grid(ops, height, width, x.dtype)
    src_x = xs + alpha * fields[:batch]
    src_y = ys + alpha * fields[batch:]
    out = sample(ops, x, src_y, src_x, INTERPOLATION_ORDERS[interpolation], fill_mode, fill_value)
    return _restore_dtype(ops, restore(out), dtype, was_float)
