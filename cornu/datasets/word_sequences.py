"""The word-index sequence processing shared by the IMDB and Reuters datasets (as Keras does it).

A review is a list of word ranks (1 = the most frequent word). Loading shuffles the examples,
marks each sequence with ``start_char``, shifts the ranks by ``index_from`` (reserving 0 for
padding, 1 for start, 2 for out-of-vocabulary), drops sequences of ``maxlen`` words or more, and
replaces ranks outside ``[skip_top, num_words)`` with ``oov_char`` (or drops them when
``oov_char`` is None).

Example:
>>> shift_indices([[1, 5]], start_char=1, index_from=3)
[[1, 4, 8]]
"""

import numpy as np


def shuffled(seed, *arrays):
    """``arrays`` reordered by one ``np.random.RandomState(seed)`` permutation per call."""
    return shuffle_with(np.random.RandomState(seed), *arrays)


def shuffle_with(rng, *arrays):
    """``arrays`` (of equal length) reordered by one draw of ``rng``."""
    order = np.arange(len(arrays[0]))
    rng.shuffle(order)
    return tuple(array[order] for array in arrays)


def shift_indices(sequences, start_char, index_from):
    """Each sequence as a list, ranks shifted by ``index_from``, led by ``start_char`` if not None."""
    prefix = [] if start_char is None else [start_char]
    return [prefix + [w + index_from for w in seq] for seq in sequences]


def drop_long(maxlen, sequences, labels):
    """Keeps the ``(sequence, label)`` pairs with fewer than ``maxlen`` words, as two lists."""
    kept = [(seq, label) for seq, label in zip(sequences, labels) if len(seq) < maxlen]
    return [seq for seq, _ in kept], [label for _, label in kept]


def limit_vocabulary(sequences, num_words, skip_top, oov_char):
    """Ranks outside ``[skip_top, num_words)`` become ``oov_char`` (dropped when it is None).

    ``num_words=None`` (or 0) means the largest index present, which, as in Keras, is itself
    outside the range.
    """
    if not num_words:
        num_words = max(max(seq) for seq in sequences)
    if oov_char is None:
        return [[w for w in seq if skip_top <= w < num_words] for seq in sequences]
    return [[w if skip_top <= w < num_words else oov_char for w in seq] for seq in sequences]


def object_array(sequences):
    """A 1-D ``dtype=object`` array of lists (NumPy would make a 2-D array of equal-length lists)."""
    result = np.empty(len(sequences), dtype="object")
    for i, seq in enumerate(sequences):
        result[i] = seq
    return result
