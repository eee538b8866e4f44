"""Checks for the size, padding and cropping arguments of the reshaping layers."""


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def int_tuple(value, n, name, layer_name, allow_zero=False):
    """Turns an int or a sequence of ``n`` ints into a tuple of ``n`` ints.

    Values must be ``> 0`` (``>= 0`` with ``allow_zero=True``).

    Example:
    >>> int_tuple(2, 3, "size", "UpSampling3D")
    (2, 2, 2)
    """
    requirement = ">= 0" if allow_zero else "> 0"
    message = (f"{layer_name}: the `{name}` argument must be an int or a tuple of {n} integers, "
               f"each {requirement}. Received: {name}={value!r}")
    if _is_int(value):
        values = (value,) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            raise ValueError(message) from None
        if len(values) != n or not all(_is_int(v) for v in values):
            raise ValueError(message)
    if any((v < 0) if allow_zero else (v <= 0) for v in values):
        raise ValueError(message)
    return values


def int_pairs(value, rank, name, layer_name):
    """Turns ``value`` into ``rank`` pairs ``(before, after)`` of ints >= 0.

    ``value`` is an int (the same on every side), ``rank`` ints (symmetric per
    axis) or ``rank`` pairs.

    Example:
    >>> int_pairs((1, (2, 3)), 2, "padding", "ZeroPadding2D")
    ((1, 1), (2, 3))
    """
    if _is_int(value):
        if value < 0:
            raise ValueError(f"{layer_name}: `{name}` cannot be negative. Received: {name}={value!r}")
        return ((value, value),) * rank
    if not hasattr(value, "__len__") or isinstance(value, str) or len(value) != rank:
        raise ValueError(
            f"{layer_name}: `{name}` should be an int, a tuple of {rank} ints (symmetric per axis), or a tuple "
            f"of {rank} tuples of 2 ints ((before, after) per axis). Received: {name}={value!r}"
        )
    ordinals = ("1st", "2nd", "3rd")
    return tuple(int_tuple(v, 2, f"{ordinals[i]} entry of {name}", layer_name, allow_zero=True)
                 for i, v in enumerate(value))


def pairs_argument(value, rank, name, layer_name):
    """``value`` as a cropping or padding layer of ``rank`` spatial axes keeps it: one
    ``(before, after)`` pair for a 1D layer (as Keras's ``Cropping1D`` and ``ZeroPadding1D`` do),
    else one pair per axis (see :func:`int_pairs`).

    Example:
    >>> pairs_argument(2, 1, "padding", "ZeroPadding1D"), pairs_argument(2, 2, "padding", "ZeroPadding2D")
    ((2, 2), ((2, 2), (2, 2)))
    """
    if rank == 1:
        return int_tuple(value, 2, name, layer_name, allow_zero=True)
    return int_pairs(value, rank, name, layer_name)
