"""Random rectangles over an image batch, shared by ``CutMix`` and ``RandomErasing``.

A box is drawn per image as a side length ``ratio * size`` placed uniformly inside the
image, along the width and the height separately; ``box_masks`` turns the corners into a
boolean mask of the images' shape (``True`` inside the box).
"""


def bounded_range(value, bounds, name):
    """``(low, high)`` from a number ``v`` (``(max(-v, bounds[0]), v)``) or a pair, within ``bounds``.

    Example:
    >>> bounded_range(0.3, (0, 1), "scale")
    (0, 0.3)
    """
    message = (
        f"The `{name}` argument should be a number (or a list of two numbers) in the range "
        f"[{bounds[0]}, {bounds[1]}]. Received: {name}={value}"
    )
    if isinstance(value, (tuple, list)):
        if len(value) != 2 or value[0] > bounds[1] or value[1] < bounds[0]:
            raise ValueError(message)
        low, high = sorted(value)
        return low, high
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not bounds[0] <= value <= bounds[1]:
            raise ValueError(message)
        value = abs(value)
        return max(-value, bounds[0]), value
    raise ValueError(message)


def spatial_axes(data_format):
    """``(height_axis, width_axis, channel_axis)`` of a batch, counted from the end."""
    return (-2, -1, -3) if data_format == "channels_first" else (-3, -2, -1)


def random_box_span(layer, batch_size, size, ratio, seed):
    """Start and end (floats, pixels) of a span of length ``ratio * size`` placed uniformly in ``[0, size]``."""
    ns = layer.backend
    length = ns.cast(ratio * size, layer.compute_dtype)
    where = ns.random.uniform((batch_size,), 0.0, 1.0, dtype=layer.compute_dtype, seed=layer.draw_seed(seed))
    start = where * (size - length)
    return start, start + length


def box_masks(layer, images_shape, corners):
    """Boolean masks of ``images_shape`` (a batch), ``True`` where ``x0 <= x < x1`` and ``y0 <= y < y1``."""
    ns = layer.backend
    height_axis, width_axis, channel_axis = spatial_axes(layer.data_format)
    height, width = images_shape[height_axis], images_shape[width_axis]
    rows = ns.numpy.arange(height, dtype=layer.compute_dtype)
    cols = ns.numpy.arange(width, dtype=layer.compute_dtype)
    if layer.data_format == "channels_first":
        rows, cols = rows[None, None, :, None], cols[None, None, None, :]
    else:
        rows, cols = rows[None, :, None, None], cols[None, None, :, None]
    x0, x1, y0, y1 = (c[:, None, None, None] for c in corners)
    inside = ns.numpy.logical_and(
        ns.numpy.logical_and(cols >= x0, cols < x1), ns.numpy.logical_and(rows >= y0, rows < y1)
    )
    return ns.numpy.repeat(inside, images_shape[channel_axis], axis=channel_axis)
