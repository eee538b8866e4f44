"""Bounds on the numbers a config may hold, checked before any arithmetic uses them.

A config read from a file is data from a stranger. Python integers have no size
limit, so an integer of thousands of digits in a shape makes every product of
that shape cost seconds to minutes, and a dimension of ``10**15`` makes a
symbolic pass allocate whatever it implies. Two checks close this:

- ``parse_json_config`` parses JSON with a hook that refuses any integer literal
  of more than ``MAX_INT_DIGITS`` digits, before Python builds the number (seeds
  and salts up to ``2**64`` still fit);
- ``check_config_numbers`` walks a config (from a file or built in Python) once,
  iteratively, and refuses integers beyond ``2**65`` anywhere, and, under the keys
  that hold shapes (``batch_shape``, ``target_shape``, ``build_input_shape``,
  ``input_shape``, ...), dimensions beyond ``MAX_DIM``, ranks beyond ``MAX_RANK``
  and shapes of more than ``MAX_ELEMENTS`` elements (multiplied out one dimension
  at a time, stopping at the first product over the bound).

Example:
>>> parse_json_config('{"units": 4, "seed": 18446744073709551615}')["seed"]
18446744073709551615
>>> check_config_numbers({"config": {"target_shape": [2, -1]}})
"""

import json

# 2**64 has 20 digits: seeds and hash salts up to that size keep working.
MAX_INT_DIGITS = 20
MAX_INT_BITS = 65
# About 10**12 per dimension and 2**62 elements in all: no real model comes near, and
# both stay inside the int64 arithmetic of every backend.
MAX_DIM = 1 << 40
MAX_ELEMENTS = 1 << 62
MAX_RANK = 64

# Config keys whose values are shapes (or nests of shapes, e.g. a multi-input build config).
SHAPE_KEYS = frozenset({
    "batch_shape", "batch_input_shape", "shape", "input_shape", "input_shapes", "target_shape",
    "build_input_shape", "output_shape", "shapes_dict", "dims",
})

_HOW_TO_FIX = ("A Keras model never needs such numbers: the file is corrupted or crafted. If you wrote this "
               "config yourself, fix the value; the limits are in `cornu.serialization.config_limits`.")


class ConfigLimitExceeded(ValueError):
    """Raised when a config holds a number too large for any real model."""


def excerpt(value, limit=200):
    """A short, printable excerpt of ``value`` for an error message (never the whole config).

    Example:
    >>> excerpt("x" * 1000)[-3:]
    '...'
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"<an integer of {value.bit_length()} bits>"
    text = repr(value) if not isinstance(value, (dict, list, tuple)) else _shallow_repr(value, limit)
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= limit else text[:limit] + "..."


def _shallow_repr(value, limit):
    # Builds the repr piece by piece and stops past ``limit`` characters, whatever the size of ``value``.
    out, size, stack = [], 0, [value]
    while stack and size <= limit:
        item = stack.pop()
        if isinstance(item, _Mark):
            piece = item.text
        elif isinstance(item, (dict, list, tuple)):
            is_dict = isinstance(item, dict)
            parts = [_Mark("{" if is_dict else "[")]
            for i, entry in enumerate(item.items() if is_dict else item):
                if i > limit:
                    break
                if i:
                    parts.append(_Mark(", "))
                parts += [entry[0], _Mark(": "), entry[1]] if is_dict else [entry]
            parts.append(_Mark("}" if is_dict else "]"))
            stack.extend(reversed(parts))
            continue
        elif isinstance(item, int) and not isinstance(item, bool) and item.bit_length() > 256:
            piece = f"<an integer of {item.bit_length()} bits>"
        else:
            piece = repr(item)[: limit + 1]
        out.append(piece)
        size += len(piece)
    return "".join(out)


class _Mark:
    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text


def _bounded_int(text):
    digits = len(text) - (text[0] in "+-")
    if digits > MAX_INT_DIGITS:
        raise ConfigLimitExceeded(
            f"Refusing to parse an integer of {digits} digits in a JSON config: integers are limited to "
            f"{MAX_INT_DIGITS} digits (2**64 and below), because shape arithmetic on larger ones costs minutes. "
            f"{_HOW_TO_FIX} Received: {text[:20]}... ({digits} digits)"
        )
    return int(text)


def parse_json_config(text, what="config.json"):
    """Parses JSON text, refusing integer literals of more than ``MAX_INT_DIGITS`` digits
    and nesting deep enough to exhaust the stack, with a clear ``ValueError``.

    Example:
    >>> parse_json_config('{"class_name": "Dense", "config": {"units": 2}}')["config"]["units"]
    2
    """
    try:
        return json.loads(text, parse_int=_bounded_int)
    except RecursionError as e:
        raise ValueError(
            f"The JSON of {what} is nested too deeply to parse: no Keras model needs that many levels, so it is "
            "corrupted or crafted to exhaust the stack."
        ) from e


def _refuse(message, where, value):
    raise ConfigLimitExceeded(f"{message} {_HOW_TO_FIX} Received: {where}={excerpt(value)}")


def _path_text(path):
    # Paths are linked pairs (parent, key), turned into text only for an error message.
    keys = []
    while isinstance(path, tuple):
        path, key = path
        keys.append(key)
    text = path
    for key in reversed(keys):
        if isinstance(key, int):
            text += f"[{key}]"
        else:
            text += f".{key}" if isinstance(key, str) and len(key) < 80 else ".<key>"
    return text


def _check_int(value, path):
    if value.bit_length() > MAX_INT_BITS:
        where = _path_text(path)
        _refuse(f"Refusing a config integer of {value.bit_length()} bits at `{where}`: config integers are "
                f"limited to {MAX_INT_BITS} bits.", where, value)


def check_shape(shape, where="shape"):
    """Checks one shape (a list of ints and None) against ``MAX_RANK``, ``MAX_DIM`` and ``MAX_ELEMENTS``.

    Example:
    >>> check_shape([None, 28, 28, 1])
    """
    if len(shape) > MAX_RANK:
        _refuse(f"Refusing a shape of rank {len(shape)} at `{where}`: ranks are limited to {MAX_RANK}.",
                where, shape)
    elements = 1
    for dim in shape:
        if dim is None or isinstance(dim, bool) or not isinstance(dim, int):
            continue
        if dim < -1 or dim > MAX_DIM:
            _refuse(f"Refusing the dimension {excerpt(dim, 40)} at `{where}`: dimensions must lie in [-1, {MAX_DIM}] "
                    "(-1 only where a layer infers it).", where, shape)
        elements *= max(dim, 1)
        if elements > MAX_ELEMENTS:
            _refuse(f"Refusing the shape at `{where}`: it has more than {MAX_ELEMENTS} elements.", where, shape)


def _is_flat_shape(value):
    return isinstance(value, (list, tuple)) and all(
        v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in value)


def _check_shape_tree(value, where):
    """Checks every shape nested under a shape key (lists of shapes, dicts of shapes)."""
    stack = [(value, where)]
    while stack:
        item, path = stack.pop()
        if _is_flat_shape(item):
            check_shape(item, path)
        elif isinstance(item, (list, tuple)):
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(item))
        elif isinstance(item, dict):
            stack.extend((v, f"{path}.{k}") for k, v in item.items() if isinstance(k, str))


def check_config_numbers(config, where="config"):
    """Refuses integers of more than 65 bits anywhere in ``config`` and implausible shapes under its shape keys.

    Iterative (no recursion to exhaust); each value is visited once.

    Example:
    >>> check_config_numbers({"class_name": "Reshape", "config": {"target_shape": [10**30]}})
    Traceback (most recent call last):
    ...
    cornu.serialization.config_limits.ConfigLimitExceeded: Refusing the dimension ...
    """
    stack = [(config, where)]
    pop, push = stack.pop, stack.append
    while stack:
        value, path = pop()
        kind = type(value)
        if kind is int:
            if value.bit_length() > MAX_INT_BITS:
                _check_int(value, path)
        elif kind is str or kind is float or value is None or kind is bool:
            continue
        elif isinstance(value, dict):
            for key, child in value.items():
                if type(child) is not str:
                    push((child, (path, key)))
                if key in SHAPE_KEYS and isinstance(child, (list, tuple, dict)):
                    push((_ShapeTree(child), (path, key)))
        elif kind is list or kind is tuple:
            for i, child in enumerate(value):
                if type(child) is int:
                    if child.bit_length() > MAX_INT_BITS:
                        _check_int(child, (path, i))
                elif type(child) is not str and type(child) is not float:
                    push((child, (path, i)))
        elif kind is _ShapeTree:
            _check_shape_tree(value.value, _path_text(path))
        elif isinstance(value, int):
            _check_int(int(value), path)


class _ShapeTree:
    # Marks a subtree of the walk to check as shapes (its integers are also walked one by one).
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value
