"""Reading and writing vocabularies: the user's vocabulary files and the ``.keras`` assets.

A vocabulary file holds one token per line. It is read only when the user passes its
path in code; a configuration loaded from a file never names one (see
``refuse_vocabulary_path_in_config``), because a crafted model file could otherwise
make the layer read any local file (Keras CVE-2025-12058).
"""

import os

import numpy as np


def _short(value, limit=200):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."

VOCABULARY_ASSET = "vocabulary.txt"


def read_vocabulary_file(path, encoding="utf-8"):
    """The tokens of a vocabulary file the user named in code, one per line.

    Example:
    >>> read_vocabulary_file("vocab.txt")
    ['the', 'cat']
    """
    if not os.path.isfile(path):
        raise ValueError(f"Vocabulary file {path} does not exist.")
    with open(path, encoding=encoding) as f:
        lines = f.read().splitlines()
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def write_vocabulary_asset(folder, vocabulary):
    """Writes ``vocabulary`` (special tokens included) as ``folder/vocabulary.txt``, as Keras does."""
    with open(os.path.join(folder, VOCABULARY_ASSET), "w", encoding="utf-8") as f:
        f.write("\n".join(str(token) for token in vocabulary))


def read_vocabulary_asset(folder, is_string):
    """The vocabulary saved by ``write_vocabulary_asset`` (strings, or ints when not ``is_string``)."""
    lines = read_vocabulary_file(os.path.join(folder, VOCABULARY_ASSET))
    return lines if is_string else [int(line) for line in lines]


def refuse_vocabulary_path_in_config(config, class_name):
    """Raises when a configuration names a vocabulary or IDF file instead of holding the values.

    Configurations come from files that may not be trusted; the vocabulary of a saved
    layer is in the archive's assets, never behind a path.
    """
    for key in ("vocabulary", "idf_weights"):
        value = config.get(key)
        if isinstance(value, (str, bytes, os.PathLike)):
            raise ValueError(
                f"A `{class_name}` configuration cannot name a file for `{key}`: loading a model "
                "never reads a local path or URL (the saved vocabulary comes from the archive's "
                "assets). To use a vocabulary file you trust, pass its path in code, e.g. "
                f"`layer.set_vocabulary(path)`. Received: {key}={_short(value)}"
            )


def listify(value):
    """``value`` with arrays turned into lists, for a JSON configuration."""
    if value is None:
        return None
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, tuple):
        return list(value)
    return value


def as_numpy_1d(value, what):
    """A 1-D NumPy array from a list, tuple, array or tensor (``what`` names it in errors)."""
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()
    array = np.asarray(value)
    if array.ndim != 1:
        raise ValueError(f"`{what}` must be 1-D. Received: {what} with shape {array.shape}")
    return array
