"""The string side of ``TextVectorization``: standardize, split and n-grams, on the host.

Lines are handled as UTF-8 ``bytes`` so that each step is one C-level call per line and
matches TensorFlow's text ops: ``bytes.lower`` lowercases ASCII only (as
``tf.strings.lower``), the punctuation removed is ASCII ``string.punctuation`` (Keras's
regex), and ``bytes.split`` splits on ASCII whitespace (as ``tf.strings.split``).
"""

import string

import numpy as np

STANDARDIZE_MODES = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
SPLIT_MODES = ("whitespace", "character")
_PUNCTUATION = string.punctuation.encode("ascii")


def to_lines(inputs, split):
    """The batch's lines as a NumPy array of ``str``/``bytes`` (rank 1), and the batch shape.

    With a split, a rank-2 input must be a column (``(batch, 1)``), as in Keras.
    """
    array = inputs if isinstance(inputs, np.ndarray) else np.asarray(inputs)
    if array.ndim == 0:
        array = array.reshape(1)
    if split is not None and array.ndim > 1:
        if array.shape[-1] != 1:
            raise ValueError(
                "When using `TextVectorization` to tokenize strings, the input rank must be 1 or the last "
                f"shape dimension must be 1. Received: inputs.shape={array.shape} with rank={array.ndim}"
            )
        array = array.reshape(array.shape[:-1])
    return array


def encode_lines(lines):
    """UTF-8 ``bytes`` for each line (``str`` or ``bytes``)."""
    return [line.encode("utf-8") if isinstance(line, str) else bytes(line) for line in lines]


def standardize_lines(lines, standardize, encoding="utf-8"):
    """Applies ``standardize`` (a mode name, None, or a callable on a NumPy array of ``str``)
    to a flat NumPy array of lines; returns a list of UTF-8 ``bytes``.

    Example:
    >>> standardize_lines(np.array(["Hello, World!"]), "lower_and_strip_punctuation")
    [b'hello world']
    """
    if callable(standardize):
        if lines.dtype.kind == "S":
            lines = np.char.decode(lines, encoding)
        elif lines.dtype.kind == "O":
            lines = np.asarray([x.decode(encoding) if isinstance(x, bytes) else str(x) for x in lines.tolist()])
        result = np.asarray(standardize(lines))
        return encode_lines(result.reshape(-1).tolist())
    encoded = encode_lines(lines.reshape(-1).tolist())
    if standardize in ("lower", "lower_and_strip_punctuation"):
        encoded = [line.lower() for line in encoded]
    if standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
        encoded = [line.translate(None, _PUNCTUATION) for line in encoded]
    return encoded


def split_lines(lines, split, encoding="utf-8"):
    """Tokens (``bytes``) of each line: ``"whitespace"``, ``"character"`` (Unicode code points),
    None (the line is one token) or a callable on a NumPy array of ``str`` returning one
    sequence of tokens per line."""
    if split is None:
        return [[line] for line in lines]
    if split == "whitespace":
        return [line.split() for line in lines]
    if split == "character":
        return [[c.encode("utf-8") for c in line.decode("utf-8")] for line in lines]
    pieces = split(np.asarray([line.decode(encoding) for line in lines]))
    return [encode_lines(list(np.asarray(row).reshape(-1).tolist())) for row in pieces]


def make_ngrams(documents, widths):
    """For each document, its n-grams of each width in ``widths`` (joined by spaces), widths in
    order, as ``tf.strings.ngrams`` gives them (documents shorter than a width give none)."""
    if widths is None:
        return documents
    out = []
    for tokens in documents:
        grams = []
        for width in widths:
            if width == 1:
                grams.extend(tokens)
            else:
                grams.extend(b" ".join(tokens[i:i + width]) for i in range(len(tokens) - width + 1))
        out.append(grams)
    return out


_ASCII_SPACE = np.zeros(256, dtype=bool)
_ASCII_SPACE[list(b" \t\n\r\x0b\x0c")] = True


def whitespace_tokens(lines, standardize, with_lengths=True):
    """The fast path for the default pipeline (a built-in ``standardize``, ``"whitespace"`` split):
    all lines joined, standardized and split in single C calls. Returns the flat tokens and the
    number of tokens of each line (None unless ``with_lengths``), or None when a line holds a
    newline (then use the per-line path).

    Example:
    >>> whitespace_tokens(np.array(["A b", "c"]), "lower")
    ([b'a', b'b', b'c'], array([2, 1]))
    """
    lines = lines.reshape(-1)
    count = len(lines)
    if count == 0:
        return [], np.zeros(0, dtype=np.int64)
    if lines.dtype.kind == "U":
        text = "\n".join(lines.tolist()).encode("utf-8")
    else:
        text = b"\n".join(encode_lines(lines.tolist()))
    if text.count(b"\n") != count - 1:
        return None
    if standardize in ("lower", "lower_and_strip_punctuation"):
        text = text.lower()
    if standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
        text = text.translate(None, _PUNCTUATION)
    tokens = text.split()
    if not with_lengths:
        return tokens, None
    space = _ASCII_SPACE[np.frombuffer(text, dtype=np.uint8)]
    starts = ~space
    starts[1:] &= space[:-1]
    line_of_byte = np.cumsum(np.frombuffer(text, dtype=np.uint8) == 10, dtype=np.int32)
    lengths = np.bincount(line_of_byte[starts], minlength=count).astype(np.int64)
    return tokens, lengths
