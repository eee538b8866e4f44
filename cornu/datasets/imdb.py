"""IMDB movie reviews (``keras.datasets.imdb``): 25,000 + 25,000 reviews labelled 1 (positive) or 0.

Each review is a list of word indices ranked by frequency (see
:mod:`cornu.datasets.word_sequences` for the start, out-of-vocabulary and offset conventions).
"""

import json

import numpy as np

from cornu.datasets import word_sequences
from cornu.datasets.dataset_sources import fetch
from cornu.datasets.safe_loading import load_npz
from cornu.serialization.registry import keras_export


@keras_export("keras.datasets.imdb.load_data")
def load_data(
    path="imdb.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
    **kwargs,
):
    """Loads the IMDB reviews, downloading them on first use (into ``~/.cornu/datasets``).

    Args:
        path: the file's name in the cache folder.
        num_words: keep the ``num_words`` most frequent words; rarer ones become ``oov_char``
            (None keeps all).
        skip_top: the most frequent words to replace with ``oov_char`` too.
        maxlen: drop reviews with ``maxlen`` words or more (None keeps all).
        seed: the seed of the shuffle of each split.
        start_char: the index that starts every review (None for no start mark).
        oov_char: the index of replaced words (None drops them instead).
        index_from: the offset added to every word rank.
        **kwargs: accepted and ignored, as in Keras.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: 1-D object arrays of lists of ints, and int
        label arrays.

    Example:
    >>> (x_train, y_train), _ = cornu.datasets.imdb.load_data(num_words=10000)
    >>> x_train[0][:3]
    [1, 14, 22]
    """
    data = load_npz(fetch("imdb.npz", fname=path))
    rng = np.random.RandomState(seed)
    x_train, labels_train = word_sequences.shuffle_with(rng, data["x_train"], data["y_train"])
    x_test, labels_test = word_sequences.shuffle_with(rng, data["x_test"], data["y_test"])
    x_train = word_sequences.shift_indices(x_train, start_char, index_from)
    x_test = word_sequences.shift_indices(x_test, start_char, index_from)
    if maxlen:
        x_train, labels_train = word_sequences.drop_long(maxlen, x_train, labels_train)
        x_test, labels_test = word_sequences.drop_long(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError(f"No review is shorter than maxlen={maxlen} in the train or test split: "
                             f"increase maxlen. Received: maxlen={maxlen}")
    sequences = word_sequences.limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([labels_train, labels_test])
    n_train = len(x_train)
    return ((word_sequences.object_array(sequences[:n_train]), labels[:n_train]),
            (word_sequences.object_array(sequences[n_train:]), labels[n_train:]))


@keras_export("keras.datasets.imdb.get_word_index")
def get_word_index(path="imdb_word_index.json"):
    """The ``{word: rank}`` dict of the IMDB reviews (rank 1 = most frequent).

    In ``load_data``'s sequences a word of rank ``r`` is ``r + index_from``.

    Example:
    >>> index = cornu.datasets.imdb.get_word_index()
    >>> index["the"]
    1
    """
    with open(fetch("imdb_word_index.json", fname=path)) as f:
        return json.load(f)
