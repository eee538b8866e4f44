"""The sizes of the two halves of a split dataset, from fractions or sample counts (Keras's rules)."""


def _check_type(name, size):
    if size is not None and type(size) not in (int, float):
        raise TypeError(f"Invalid `{name}` Type. Expected: int or float or None, Received: type({name})={type(size)}.")


def _check_range(name, size, total):
    if (type(size) is int and not 0 < size < total) or (type(size) is float and not 0 < size < 1):
        raise ValueError(
            f"`{name}` should be either a positive integer smaller than {total}, or a float within the range "
            f"`[0, 1]`. Received: {name}={size}"
        )


def _to_count(size, total):
    return round(size * total) if type(size) is float else size


def rescale(left_size, right_size, total):
    """``(left, right)`` sample counts for a dataset of ``total`` samples.

    Each size is a fraction (float in ``(0, 1)``), a count (int in ``(0, total)``), or None for
    what the other leaves.

    Example:
    >>> rescale(0.8, None, 10)
    (8, 2)
    """
    left_type, right_type = type(left_size), type(right_size)
    if (left_size is not None and left_type not in (int, float)) and (
        right_size is not None and right_type not in (int, float)
    ):
        raise TypeError(
            "Invalid `left_size` and `right_size` Types. Expected: integer or float or None, "
            f"Received: type(left_size)={left_type} and type(right_size)={right_type}"
        )
    _check_type("left_size", left_size)
    _check_type("right_size", right_size)
    if left_size == 0 and right_size == 0:
        raise ValueError(
            "Both `left_size` and `right_size` are zero. At least one of the split sizes must be non-zero."
        )
    _check_range("left_size", left_size, total)
    _check_range("right_size", right_size, total)
    if left_type is float and right_type is float and left_size + right_size > 1:
        raise ValueError("The sum of `left_size` and `right_size` is greater than 1. It must be less than or equal to 1.")
    left = _to_count(left_size, total) if left_size is not None else None
    right = _to_count(right_size, total) if right_size is not None else None
    if left is None:
        left = total - right
    elif right is None:
        right = total - left
    if left + right > total:
        raise ValueError(
            f"The sum of `left_size` and `right_size` should be smaller than the {total}. "
            f"Received: left_size + right_size = {left + right} and total_length = {total}"
        )
    for count, side in ((left, "left"), (right, "right")):
        if count == 0:
            raise ValueError(
                f"With `dataset` of length={total}, `left_size`={left} and `right_size`={right}. "
                f"Resulting {side} side dataset split will be empty. Adjust any of the aforementioned parameters"
            )
    return int(left), int(right)
