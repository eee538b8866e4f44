"""Tokens as spans of one UTF-8 byte buffer: the vectorized path of ``TextVectorization.call``.

A batch's lines are joined into one ``bytes`` buffer (lines separated by ``\\n``),
standardized by one ``bytes.translate`` (ASCII lowercase, ASCII punctuation deleted, the
other ASCII whitespace turned into spaces) and split with NumPy: a token is a run of bytes
between ASCII whitespace, as ``bytes.split`` and ``tf.strings.split`` cut them. No Python
object is made per token; the tokens stay ``(start, length)`` pairs into the buffer, and an
n-gram is the span from its first token's start to its last token's end once the tokens of
a line are one space apart.
"""

import string

import numpy as np

_NEWLINE = 10
_SPACE = 32
# Trailing zero bytes, so that reading 8 bytes at any token's start stays in the buffer.
PADDING = 8


def _translation(lower):
    table = bytearray(range(256))
    for byte in b"\t\x0b\x0c\r":
        table[byte] = _SPACE
    if lower:
        for byte in range(ord("A"), ord("Z") + 1):
            table[byte] = byte + 32
    return bytes(table)


_TABLES = {False: _translation(False), True: _translation(True)}
_PUNCTUATION = string.punctuation.encode("ascii")


class TokenSpans:
    """The tokens of a batch: ``buffer`` (``bytes``, zero-padded by ``PADDING``), and for each
    token its ``starts`` and ``lengths`` (int64) in the buffer, with ``counts`` tokens per line."""

    def __init__(self, buffer, starts, lengths, counts):
        self.buffer = buffer
        self.starts = starts
        self.lengths = lengths
        self.counts = counts

    def __len__(self):
        return len(self.starts)

    def tokens(self):
        """The tokens as a list of ``bytes`` (for tests and the slow paths)."""
        buffer = self.buffer
        return [buffer[s:s + n] for s, n in zip(self.starts.tolist(), self.lengths.tolist())]


def joined_buffer(lines, standardize):
    """The lines (a NumPy array of ``str`` or ``bytes``) joined by ``\\n`` and standardized
    (``"lower_and_strip_punctuation"``, ``"lower"``, ``"strip_punctuation"`` or None), or None
    when a line holds a ``\\n`` itself (the caller then takes the per-line path)."""
    lines = lines.reshape(-1)
    if lines.dtype.kind == "U":
        text = "\n".join(lines.tolist()).encode("utf-8")
    else:
        text = b"\n".join([line.encode("utf-8") if isinstance(line, str) else bytes(line) for line in lines.tolist()])
    if text.count(b"\n") != len(lines) - 1:
        return None
    lower = standardize in ("lower", "lower_and_strip_punctuation")
    strip = standardize in ("strip_punctuation", "lower_and_strip_punctuation")
    return text.translate(_TABLES[lower], _PUNCTUATION if strip else b"")


def _spans(text):
    """Token starts and ends in ``text`` (only spaces and newlines separate tokens in it)."""
    codes = np.frombuffer(text, dtype=np.uint8)
    is_separator = np.empty(len(codes) + 2, dtype=bool)
    is_separator[0] = is_separator[-1] = True
    np.equal(codes, _SPACE, out=is_separator[1:-1])
    is_separator[1:-1] |= codes == _NEWLINE
    edges = np.flatnonzero(is_separator[1:] != is_separator[:-1])
    return codes, edges[0::2], edges[1::2]


def token_spans(text, line_count):
    """The ``TokenSpans`` of a standardized buffer from ``joined_buffer`` holding ``line_count``
    lines.

    Example:
    >>> spans = token_spans(b"a bc\\n\\nd", 3)
    >>> spans.tokens(), spans.counts
    ([b'a', b'bc', b'd'], array([2, 0, 1]))
    """
    codes, starts, ends = _spans(text)
    newlines = np.flatnonzero(codes == _NEWLINE)
    before = np.searchsorted(starts, newlines)
    counts = np.diff(before, prepend=0, append=len(starts))
    return TokenSpans(text + bytes(PADDING), starts, ends - starts, counts)


def _single_spaced(spans):
    """``spans`` over a buffer whose tokens in a line are one space apart (as n-grams join them)."""
    starts, lengths, counts = spans.starts, spans.lengths, spans.counts
    gaps = starts[1:] - (starts[:-1] + lengths[:-1])
    line_ends = np.cumsum(counts)[:-1] - 1  # the last token of each line but the batch's last
    gaps[line_ends[(line_ends >= 0) & (line_ends < len(gaps))]] = 1
    if not len(gaps) or int(gaps.max()) == 1:
        return spans
    text = spans.buffer[:-PADDING]
    codes = np.frombuffer(text, dtype=np.uint8)
    space = codes == _SPACE
    keep = ~space
    keep[1:] |= space[1:] & ~(space[:-1] | (codes[:-1] == _NEWLINE))
    return token_spans(codes[keep].tobytes(), len(counts))


def ngram_spans(spans, widths):
    """The spans of each line's n-grams of each width in ``widths``, widths in order within a line
    (as ``tf.strings.ngrams`` and Keras order them); ``counts`` becomes n-grams per line.

    Example:
    >>> grams = ngram_spans(token_spans(b"a  b c\\nd", 2), (1, 2))
    >>> grams.tokens(), grams.counts
    ([b'a', b'b', b'c', b'a b', b'b c', b'd'], array([5, 1]))
    """
    if max(widths, default=1) > 1:
        spans = _single_spaced(spans)
    counts = spans.counts
    line_of_token = np.repeat(np.arange(len(counts)), counts)
    first_token = np.cumsum(counts) - counts
    position = np.arange(len(spans)) - first_token[line_of_token]
    left = counts[line_of_token] - position  # tokens from each token to its line's end
    per_width = [np.maximum(counts - (width - 1), 0) for width in widths]
    totals = np.sum(per_width, axis=0) if per_width else np.zeros_like(counts)
    line_base = np.cumsum(totals) - totals
    starts = np.empty(int(totals.sum()), dtype=np.int64)
    lengths = np.empty_like(starts)
    ends = spans.starts + spans.lengths
    group_base = line_base.copy()
    for width, count in zip(widths, per_width):
        tokens = np.flatnonzero(left >= width)
        where = group_base[line_of_token[tokens]] + position[tokens]
        starts[where] = spans.starts[tokens]
        lengths[where] = ends[tokens + (width - 1)] - spans.starts[tokens]
        group_base += count
    return TokenSpans(spans.buffer, starts, lengths, totals)
