"""Small helpers shared by the geometric image layers: option checks, image sizes, and the
8-parameter projective transforms that ``backend.image.affine_transform`` reads."""

SUPPORTED_FILL_MODES = ("reflect", "wrap", "constant", "nearest")
SUPPORTED_INTERPOLATIONS = ("nearest", "bilinear")


def check_fill_and_interpolation(fill_mode, interpolation):
    if fill_mode not in SUPPORTED_FILL_MODES:
        raise NotImplementedError(f"Unknown `fill_mode` {fill_mode}. Expected of one {SUPPORTED_FILL_MODES}.")
    if interpolation not in SUPPORTED_INTERPOLATIONS:
        raise NotImplementedError(f"Unknown `interpolation` {interpolation}. Expected of one {SUPPORTED_INTERPOLATIONS}.")


def symmetric_range(factor, factor_name, message, in_range):
    """``(lower, upper)`` from a number ``f`` (``(-f, f)``) or a pair; ``in_range(v)`` validates each value."""
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(message + f"Received: {factor_name}={factor}")
        values = list(factor)
    elif isinstance(factor, (int, float)):
        values = [factor]
    else:
        raise ValueError(message + f"Received: {factor_name}={factor}")
    for value in values:
        if not in_range(value):
            raise ValueError(message + f"Received: input_number={value}")
    if len(values) == 2:
        lower, upper = sorted(values)
        return lower, upper
    return -abs(factor), abs(factor)


def image_size(shape, data_format):
    """(height, width) of an image or batch shape."""
    return (shape[-2], shape[-1]) if data_format == "channels_first" else (shape[-3], shape[-2])


def batch_size(shape):
    return shape[0] if len(shape) == 4 else 1


def apply_projective(ns, x, y, transform):
    """Where the 8-parameter ``transform`` (``(batch, 8)``) sends the point ``(x, y)``, as ``(batch, 1)`` each."""
    a0, a1, a2, b0, b1, b2, c0, c1 = ns.numpy.split(transform, 8, axis=-1)
    k = c0 * x + c1 * y + 1
    return (a0 * x + a1 * y + a2) / k, (b0 * x + b1 * y + b2) / k


def affine_on_batch(ns, images, transform, interpolation, fill_mode, fill_value, data_format):
    """``ns.image.affine_transform`` for a batch or a single image."""
    single = len(images.shape) == 3
    if single:
        images = ns.numpy.expand_dims(images, 0)
    out = ns.image.affine_transform(images, transform, interpolation=interpolation, fill_mode=fill_mode,
                                    fill_value=fill_value, data_format=data_format)
    return ns.numpy.squeeze(out, 0) if single else out
