"""``rearrange``: einops-style axis reordering, splitting and merging (``keras.ops.rearrange``).

A pattern ``"left -> right"`` names every axis of the input on the left and of
the output on the right. A parenthesized group ``(h w)`` is several axes merged
into one; on the left it splits an axis (give all but one of its sizes as
keyword arguments). ``...`` stands for any number of axes kept as they are, and
``1`` or ``()`` for an axis of size 1 (dropped on the left, inserted on the right).
The op is a reshape, a transpose and a reshape.
"""

import math
import re

from cornu import backend
from cornu.ops.decorator import op

_TOKEN = re.compile(r"\.\.\.|\(|\)|[A-Za-z_][A-Za-z0-9_]*|\d+|\S")


@op
def rearrange(tensor, pattern, **axes_lengths):
    """Reorders, splits and merges the axes of ``tensor`` as ``pattern`` says.

    Examples::

        rearrange(images, "b h w c -> b c h w")                  # transpose
        rearrange(images, "b h w c -> (b h) w c")                # merge axes
        rearrange(images, "b (h h1) (w w1) c -> b h w (c h1 w1)", h1=2, w1=2)  # space to depth
        rearrange(x, "b ... c -> b c ...")                       # any number of middle axes
    """
    if not isinstance(pattern, str) or pattern.count("->") != 1:
        raise ValueError(f"`pattern` must look like 'a b (c d) -> ...' with exactly one '->'. Received: pattern={pattern!r}")
    tensor = backend.convert_to_tensor(tensor)
    left_text, right_text = pattern.split("->")
    left, right = _parse(left_text, pattern), _parse(right_text, pattern)
    shape = tuple(tensor.shape)
    left, right = _expand_ellipsis(left, right, len(shape), pattern)
    sizes = _axis_sizes(left, shape, axes_lengths, pattern)
    left_names = [name for group in left for name in group]
    right_names = [name for group in right for name in group]
    if sorted(left_names) != sorted(right_names):
        missing = sorted(set(left_names) ^ set(right_names))
        raise ValueError(
            f"rearrange: every named axis must appear on both sides of the pattern; {missing} do not. "
            f"Received: pattern={pattern!r}"
        )
    unknown = sorted(set(axes_lengths) - set(left_names))
    if unknown:
        raise ValueError(f"rearrange: axis lengths were given for axes not in the pattern: {unknown}. Received: pattern={pattern!r}")
    _n = backend.numpy
    elementary = tuple(sizes[name] for name in left_names)
    if elementary != shape:
        tensor = _n.reshape(tensor, elementary)
    permutation = [left_names.index(name) for name in right_names]
    if permutation != sorted(permutation):
        tensor = _n.transpose(tensor, permutation)
    out_shape = tuple(math.prod(sizes[name] for name in group) for group in right)
    return tensor if tuple(tensor.shape) == out_shape else _n.reshape(tensor, out_shape)


def _parse(text, pattern):
    """A list of groups (lists of axis names); ``"..."`` marks the ellipsis."""
    groups, current = [], None
    for token in _TOKEN.findall(text):
        if token == "(":
            if current is not None:
                raise ValueError(f"rearrange: nested parentheses are not allowed. Received: pattern={pattern!r}")
            current = []
        elif token == ")":
            if current is None:
                raise ValueError(f"rearrange: unbalanced ')'. Received: pattern={pattern!r}")
            groups.append(current)
            current = None
        elif token == "...":
            if current is not None:
                raise ValueError(f"rearrange: '...' cannot be inside parentheses. Received: pattern={pattern!r}")
            groups.append("...")
        elif token.isdigit():
            if token != "1":
                raise ValueError(f"rearrange: the only number allowed as an axis is 1. Received: pattern={pattern!r}")
            if current is None:  # inside a group, a factor of 1 changes nothing
                groups.append([])
        elif token[0].isalpha() or token[0] == "_":
            if current is None:
                groups.append([token])
            else:
                current.append(token)
        else:
            raise ValueError(f"rearrange: unexpected {token!r} in the pattern. Received: pattern={pattern!r}")
    if current is not None:
        raise ValueError(f"rearrange: unbalanced '('. Received: pattern={pattern!r}")
    names = [n for g in groups if g != "..." for n in g]
    if len(names) != len(set(names)):
        raise ValueError(f"rearrange: an axis name appears twice on one side. Received: pattern={pattern!r}")
    if groups.count("...") > 1:
        raise ValueError(f"rearrange: '...' may appear at most once per side. Received: pattern={pattern!r}")
    return groups


def _expand_ellipsis(left, right, rank, pattern):
    if ("..." in left) != ("..." in right):
        raise ValueError(f"rearrange: '...' must appear on both sides or neither. Received: pattern={pattern!r}")
    if "..." not in left:
        if len(left) != rank:
            raise ValueError(
                f"rearrange: the left side of the pattern has {len(left)} axes but the tensor has rank {rank}. "
                f"Received: pattern={pattern!r}"
            )
        return left, right
    covered = rank - (len(left) - 1)
    if covered < 0:
        raise ValueError(f"rearrange: the pattern names more axes than the tensor's rank {rank}. Received: pattern={pattern!r}")
    names = [f"...{i}" for i in range(covered)]

    def expand(groups):
        i = groups.index("...")
        return groups[:i] + [[n] for n in names] + groups[i + 1 :]

    return expand(left), expand(right)


def _axis_sizes(left, shape, axes_lengths, pattern):
    sizes = {}
    for group, dim in zip(left, shape):
        known = [n for n in group if n in axes_lengths]
        unknown = [n for n in group if n not in axes_lengths]
        product = math.prod(int(axes_lengths[n]) for n in known)
        if len(unknown) > 1:
            raise ValueError(
                f"rearrange: cannot split an axis of size {dim} into {group} without the sizes of all but one of "
                f"{unknown}. Pass them as keyword arguments. Received: pattern={pattern!r}"
            )
        if unknown:
            if product == 0 or dim % product:
                raise ValueError(
                    f"rearrange: an axis of size {dim} cannot be split into {group} with {dict((n, axes_lengths[n]) for n in known)}. "
                    f"Received: pattern={pattern!r}"
                )
            sizes[unknown[0]] = dim // product
        elif product != dim:
            raise ValueError(
                f"rearrange: the sizes of {group} multiply to {product}, but the axis has size {dim}. Received: pattern={pattern!r}"
            )
        sizes.update((n, int(axes_lengths[n])) for n in known)
    return sizes


__all__ = ["rearrange"]
