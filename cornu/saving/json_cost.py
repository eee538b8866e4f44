"""What parsing a JSON document costs in memory, charged to the load budget before parsing.

``json.loads`` turns a few bytes into much larger Python objects: ``[]`` (2
bytes) becomes a 72-byte list, ``{"":0}`` (6 bytes) a 200-byte dict, so a
config made of tiny containers expands about 30 times. ``json_cost`` bounds
that from above with one pass per token kind over the raw text: the decoded
text (up to 4 bytes a character) plus a fixed price per container, element
and string, each at least what CPython spends on it. Honest configs cost about
15 times their size by this measure, crafted ones never more than it says.

Example:
>>> json_cost(b'{"units": 4}') >= len(b'{"units": 4}')
True
"""

from cornu.backend.common.load_budget import charge

# Bytes charged per token, each above CPython 3.11's real cost with its GC header:
_DICT = 232  # a dict with its first entries (a one-entry dict is 200 bytes)
_LIST = 88  # an empty list and the slot that points at it
_ELEMENT = 40  # a list slot or dict entry, and a float or int value (32 bytes)
_QUOTE = 40  # half a string: a str object is at least 49 bytes plus its characters
_TEXT = 5  # the raw bytes, the decoded text, and string contents at 4 bytes a character


def json_cost(raw):
    """An upper bound, in bytes, of the memory ``json.loads(raw)`` uses (``raw``: bytes or str).

    Example:
    >>> json_cost(b"[[], [], []]")
    492
    """
    tokens = ("{", "[", ",", ":", '"')
    if not isinstance(raw, str):
        tokens = tuple(t.encode("ascii") for t in tokens)
    dicts, lists, commas, colons, quotes = (raw.count(t) for t in tokens)
    return (_TEXT * len(raw) + _DICT * dicts + _LIST * lists + _ELEMENT * (commas + colons)
            + _QUOTE * quotes)


def charge_json(raw, what):
    """Charges the running load for parsing ``raw`` as JSON (before ``json.loads`` runs).

    Example:
    >>> charge_json(config_bytes, "config.json")
    """
    charge(json_cost(raw), f"parsing {what} ({len(raw)} bytes of JSON, which expand in memory)")
