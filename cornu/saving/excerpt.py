"""Short, safe excerpts of values read from a file, for error messages.

An error about a file must never quote the whole file: a config of many
megabytes would be copied (and printed, and logged) in full, and text read
from a file may hold control characters that rewrite a terminal. An excerpt
is built with a character budget (never by formatting the whole value first),
has its control characters replaced, and is cut at ``limit`` characters.

Example:
>>> short_excerpt({"class_name": "Dense", "config": {"units": 2}}, limit=30)
"{'class_name': 'Dense', 'confi..."
"""

import re

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_MAX_ITEMS = 8
_MAX_DEPTH = 4


class _Pieces:
    """Collects text pieces until ``limit`` characters are gathered."""

    def __init__(self, limit):
        self.limit = limit
        self.parts = []
        self.size = 0

    @property
    def full(self):
        return self.size > self.limit

    def add(self, text):
        if not self.full:
            text = text[: self.limit + 1 - self.size]
            self.parts.append(text)
            self.size += len(text)


def _atom(value, room):
    if isinstance(value, (str, bytes, bytearray)):
        return repr(value[: room + 1])
    if type(value) is int and value.bit_length() > 4 * room:
        return f"<int of {value.bit_length()} bits>"  # never build the decimal digits of a huge integer
    try:
        text = repr(value)
    except Exception:  # a broken __repr__ must not hide the real error
        text = f"<{type(value).__name__}>"
    return text[: room + 1]


def _write(value, out, depth):
    if out.full:
        return
    if isinstance(value, dict):
        _write_items(value.items(), "{", "}", out, depth, pairs=True)
    elif isinstance(value, (list, tuple)):
        opening, closing = ("[", "]") if isinstance(value, list) else ("(", ")")
        _write_items(value, opening, closing, out, depth, pairs=False)
    else:
        out.add(_atom(value, out.limit - out.size))


def short_excerpt(value, limit=200):
    """A repr of ``value`` of at most ``limit`` characters (plus ``...``), without control characters.

    Containers are walked only as far as the excerpt needs, so a huge config
    costs no more than a small one.

    Example:
    >>> short_excerpt(10**5000)
    '<int of 16610 bits>'
    """
    out = _Pieces(max(int(limit), 1))
    _write(value, out, 0)
    text = _CONTROL.sub("?", "".join(out.parts))
    return text[:limit] + "..." if len(text) > limit else text


def _write_items(items, opening, closing, out, depth, pairs):
    """The first ``_MAX_ITEMS`` entries of a container (``key: value`` pairs for a dict)."""
    if depth >= _MAX_DEPTH:
        out.add(f"{opening}...{closing}")
        return
    out.add(opening)
    for i, item in enumerate(items):
        if out.full:
            return
        if i:
            out.add(", ")
        if i >= _MAX_ITEMS:
            out.add("...")
            break
        if pairs:
            _write(item[0], out, depth + 1)
            out.add(": ")
            item = item[1]
        _write(item, out, depth + 1)
    out.add(closing)
