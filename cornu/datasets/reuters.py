"""Reuters newswires (``keras.datasets.reuters``): 11,228 newswires labelled with 46 topics.

Each newswire is a list of word indices ranked by frequency (see
:mod:`cornu.datasets.word_sequences` for the conventions).
"""

import json

import numpy as np

from cornu.datasets import word_sequences
from cornu.datasets.dataset_sources import fetch
from cornu.datasets.safe_loading import load_npz
from cornu.serialization.registry import keras_export

_LABEL_NAMES = (
    "cocoa grain veg-oil earn acq wheat copper housing money-supply coffee sugar trade reserves ship "
    "cotton carcass crude nat-gas cpi money-fx interest gnp meal-feed alum oilseed gold tin "
    "strategic-metal livestock retail ipi iron-steel rubber heat jobs lei bop zinc orange pet-chem "
    "dlr gas silver wpi hog lead"
).split()


@keras_export("keras.datasets.reuters.load_data")
def load_data(
    path="reuters.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    test_split=0.2,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
):
    """Loads the Reuters newswires, downloading them on first use (into ``~/.cornu/datasets``).

    Args:
        path: the file's name in the cache folder.
        num_words: keep the ``num_words`` most frequent words; rarer ones become ``oov_char``.
        skip_top: the most frequent words to replace with ``oov_char`` too.
        maxlen: drop newswires with ``maxlen`` words or more (None keeps all).
        test_split: the fraction of the (shuffled) newswires used as the test split.
        seed: the seed of the shuffle.
        start_char: the index that starts every newswire (None for no start mark).
        oov_char: the index of replaced words (None drops them instead).
        index_from: the offset added to every word rank.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: 1-D object arrays of lists of ints, and int
        topic arrays (see ``get_label_names``).

    Example:
    >>> (x_train, y_train), (x_test, y_test) = cornu.datasets.reuters.load_data(num_words=10000)
    >>> len(x_train), len(x_test)
    (8982, 2246)
    """
    data = load_npz(fetch("reuters.npz", fname=path))
    sequences, labels = word_sequences.shuffled(seed, data["x"], data["y"])
    if start_char is not None or index_from:
        sequences = word_sequences.shift_indices(sequences, start_char, index_from)
    if maxlen:
        sequences, labels = word_sequences.drop_long(maxlen, sequences, labels)
    sequences = word_sequences.limit_vocabulary(sequences, num_words, skip_top, oov_char)
    n_train = int(len(sequences) * (1 - test_split))
    return ((word_sequences.object_array(sequences[:n_train]), np.array(labels[:n_train])),
            (word_sequences.object_array(sequences[n_train:]), np.array(labels[n_train:])))


@keras_export("keras.datasets.reuters.get_word_index")
def get_word_index(path="reuters_word_index.json"):
    """The ``{word: rank}`` dict of the Reuters newswires (rank 1 = most frequent).

    In ``load_data``'s sequences a word of rank ``r`` is ``r + index_from`` (3 by default).

    Example:
    >>> cornu.datasets.reuters.get_word_index()["the"]
    1
    """
    with open(fetch("reuters_word_index.json", fname=path)) as f:
        return json.load(f)


@keras_export("keras.datasets.reuters.get_label_names")
def get_label_names():
    """The 46 topic names, indexed by the labels of ``load_data``.

    Example:
    >>> cornu.datasets.reuters.get_label_names()[3]
    'earn'
    """
    return tuple(_LABEL_NAMES)
