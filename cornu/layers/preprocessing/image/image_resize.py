"""Resizing with Keras's optional centred crop or symmetric pad to the target aspect ratio,
computed over a preprocessing namespace (used by ``Resizing``, ``CenterCrop`` and ``RandomCrop``)."""

RESIZE_INTERPOLATIONS = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic")


def spatial_axes(data_format, rank):
    """(height axis, width axis) of a rank-3 or rank-4 image tensor."""
    offset = rank - 3
    return (offset + 1, offset + 2) if data_format == "channels_first" else (offset, offset + 1)


def crop_window(height, width, target_height, target_width):
    """The centred window (top, left, crop_height, crop_width) with the target aspect ratio."""
    crop_height = max(min(height, int(float(width * target_height) / target_width)), 1)
    crop_width = max(min(width, int(float(height * target_width) / target_height)), 1)
    return int(float(height - crop_height) / 2), int(float(width - crop_width) / 2), crop_height, crop_width


def _slice(images, axis, start, length):
    index = [slice(None)] * len(images.shape)
    index[axis] = slice(start, start + length)
    return images[tuple(index)]


def resize_images(ns, images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
                  pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format="channels_last"):
    """``images`` (rank 3 or 4) resized to ``size``, cropped or padded to its aspect ratio first."""
    if interpolation not in RESIZE_INTERPOLATIONS:
        raise ValueError(
            f"Invalid value for argument `interpolation`. Expected of one {RESIZE_INTERPOLATIONS}. "
            f"Received: interpolation={interpolation}"
        )
    if fill_mode != "constant":
        raise ValueError(f"Invalid value for argument `fill_mode`. Only `'constant'` is supported. Received: fill_mode={fill_mode}")
    if pad_to_aspect_ratio and crop_to_aspect_ratio:
        raise ValueError("Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be `True`.")
    rank = len(images.shape)
    if rank not in (3, 4):
        raise ValueError(
            "Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). "
            f"Received input with shape: images.shape={tuple(images.shape)}"
        )
    target_height, target_width = (int(s) for s in size)
    h_axis, w_axis = spatial_axes(data_format, rank)
    height, width = int(images.shape[h_axis]), int(images.shape[w_axis])
    if crop_to_aspect_ratio:
        top, left, crop_height, crop_width = crop_window(height, width, target_height, target_width)
        images = _slice(_slice(images, h_axis, top, crop_height), w_axis, left, crop_width)
    elif pad_to_aspect_ratio:
        pad_height = max(height, int(float(width * target_height) / target_width))
        pad_width = max(width, int(float(height * target_width) / target_height))
        top, left = int(float(pad_height - height) / 2), int(float(pad_width - width) / 2)
        widths = [(0, 0)] * rank
        if top > 0:
            widths[h_axis] = (top, top)
        elif left > 0:
            widths[w_axis] = (left, left)
        if top > 0 or left > 0:
            images = ns.numpy.pad(images, widths, constant_values=fill_value)
    batched = images if rank == 4 else ns.numpy.expand_dims(images, 0)
    out = ns.image.resize(batched, (target_height, target_width), interpolation=interpolation, antialias=antialias,
                          data_format=data_format)
    return out if rank == 4 else ns.numpy.squeeze(out, 0)
