"""Argument checks and output-shape arithmetic shared by convolution and pooling layers."""


def standardize_tuple(value, n, name, allow_zero=False):
    """Turns an int or a sequence of ``n`` ints into a tuple of ``n`` ints, checking their sign.

    Example:
    >>> standardize_tuple(3, 2, "kernel_size")
    (3, 3)
    """
    message = f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value}"
    if isinstance(value, bool):
        raise ValueError(message)
    if isinstance(value, int):
        values = (value,) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            raise ValueError(message) from None
        if len(values) != n:
            raise ValueError(message)
        checked = []
        for v in values:
            try:
                as_int = int(v)
            except (TypeError, ValueError):
                raise ValueError(f"{message}, including element {v} of type {type(v)}") from None
            if isinstance(v, bool) or as_int != v:
                raise ValueError(f"{message}, including element {v} of type {type(v)}")
            checked.append(as_int)
        values = tuple(checked)
    bad = sorted({v for v in values if (v < 0 if allow_zero else v <= 0)})
    if bad:
        requirement = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{message}, including values {set(bad)} that do not satisfy `value {requirement}`")
    return values


def standardize_padding(value, allow_causal=False):
    """Lower-cases and checks a padding mode ("valid", "same", and "causal" when allowed).

    Example:
    >>> standardize_padding("SAME")
    'same'
    """
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    padding = value.lower() if isinstance(value, str) else value
    if padding not in allowed:
        raise ValueError(
            f"The `padding` argument must be one of {', '.join(repr(a) for a in allowed)} (case-insensitive). "
            f"Received: padding={value!r}"
        )
    return padding


def check_positive_int(value, name):
    """Raises a ValueError unless ``value`` is a strictly positive int."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"Invalid value for argument `{name}`. Expected a strictly positive integer. "
                         f"Received: {name}={value!r}")


def channel_axis(data_format):
    """The channel axis of an input in ``data_format``."""
    return -1 if data_format == "channels_last" else 1


def spatial_dims(shape, data_format):
    """The spatial part of ``shape`` (everything but the batch and channel axes)."""
    return tuple(shape[1:-1]) if data_format == "channels_last" else tuple(shape[2:])


def with_spatial_dims(input_shape, spatial, channels, data_format):
    """``(batch, *spatial, channels)`` or ``(batch, channels, *spatial)``."""
    if data_format == "channels_last":
        return (input_shape[0],) + tuple(spatial) + (channels,)
    return (input_shape[0], channels) + tuple(spatial)


def check_input_rank(layer, input_shape, rank):
    """A clear error when a layer with ``rank`` spatial axes gets an input of the wrong rank."""
    if len(input_shape) != rank + 2:
        raise ValueError(
            f"Layer '{layer.name}' ({type(layer).__name__}) expects inputs of rank {rank + 2} "
            f"(batch, {rank} spatial axis(es) and a channel axis), but it received an input of rank "
            f"{len(input_shape)}. Received: input_shape={tuple(input_shape)}"
        )


def conv_output_length(length, kernel_size, stride, padding, dilation):
    """Output length of a convolution or pooling window along one axis (None stays None)."""
    if length is None:
        return None
    if padding == "valid":
        effective = dilation * (kernel_size - 1) + 1
        return (length - effective) // stride + 1
    return (length - 1) // stride + 1


def conv_output_shape(layer, input_shape, filters, kernel_size, strides, padding, data_format, dilation_rate):
    """The output shape of a (depthwise, separable) convolution; raises when a size would be < 1."""
    spatial = spatial_dims(input_shape, data_format)
    out = tuple(conv_output_length(n, k, s, padding, d)
                for n, k, s, d in zip(spatial, kernel_size, strides, dilation_rate))
    if any(n is not None and n <= 0 for n in out):
        raise ValueError(
            f"Layer '{layer.name}': the computed output size would be zero or negative. Use larger inputs, "
            f"padding='same', or a smaller kernel_size/dilation_rate/strides. Received: "
            f"input_shape={tuple(input_shape)}, kernel_size={kernel_size}, strides={strides}, "
            f"padding={padding}, dilation_rate={dilation_rate}"
        )
    return with_spatial_dims(input_shape, out, filters, data_format)


def conv_transpose_output_length(length, kernel_size, stride, padding, output_padding, dilation):
    """Output length of a transposed convolution along one axis, as Keras computes it."""
    if length is None:
        return None
    effective = (kernel_size - 1) * dilation + 1
    if padding == "valid":
        extra = max(effective, stride) - effective if output_padding is None else output_padding
        return (length - 1) * stride + effective + extra
    if output_padding is None:
        return length * stride
    return (length - 1) * stride + effective % 2 + output_padding


def conv_transpose_output_shape(input_shape, filters, kernel_size, strides, padding, output_padding, data_format,
                                dilation_rate):
    spatial = spatial_dims(input_shape, data_format)
    paddings = output_padding if output_padding is not None else (None,) * len(spatial)
    out = tuple(conv_transpose_output_length(n, k, s, padding, p, d)
                for n, k, s, p, d in zip(spatial, kernel_size, strides, paddings, dilation_rate))
    return with_spatial_dims(input_shape, out, filters, data_format)


def bias_shape(channels, rank, data_format):
    """The shape that broadcasts a bias of ``channels`` values along the channel axis."""
    if data_format == "channels_last":
        return (1,) * (rank + 1) + (channels,)
    return (1, channels) + (1,) * rank


def pooling_output_shape(layer, input_shape, pool_size, strides, padding, data_format):
    """The output shape of max/average pooling; raises when a size would be < 1."""
    spatial = spatial_dims(input_shape, data_format)
    out = []
    for n, k, s in zip(spatial, pool_size, strides):
        if n is None:
            out.append(None)
        elif padding == "valid":
            out.append((n - k) // s + 1)
        else:
            out.append((n - 1) // s + 1)
    if any(n is not None and n <= 0 for n in out):
        raise ValueError(
            f"Layer '{layer.name}': the computed output size would be zero or negative. Use larger inputs, "
            f"padding='same' or a smaller pool_size. Received: input_shape={tuple(input_shape)}, "
            f"pool_size={pool_size}, strides={strides}, padding={padding}"
        )
    channels = input_shape[-1] if data_format == "channels_last" else input_shape[1]
    return with_spatial_dims(input_shape, out, channels, data_format)
