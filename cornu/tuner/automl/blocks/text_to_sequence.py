"""Text to token vectors: ``TextVectorizers`` (adapted vocabularies) and the ``TokenEmbedding`` block.

Strings cannot live in a backend tensor, so a model that takes strings runs its steps eagerly.
The search therefore trains on token ids (compiled steps on every backend): each trial's
vectorizer runs on the host before ``fit``, and the exported model puts it back in front.
"""

import numpy as np

from cornu import layers


def covering_length(texts, quantile=0.95, minimum=4, maximum=512):
    """The number of whitespace tokens that covers ``quantile`` of ``texts``, clipped to a range."""
    counts = [len(str(text).split()) for text in np.asarray(texts).reshape(-1)]
    return int(np.clip(np.ceil(np.quantile(counts, quantile)), minimum, maximum))


class TextVectorizers:
    """``TextVectorization`` layers adapted on the training texts, one per tuned ``max_tokens``.

    The sequence length is not tuned: it covers 95% of the training texts.

    Example:
    >>> vectorizers = TextVectorizers(train_texts)
    >>> vectorizer = vectorizers.choose(hp)  # declares `text_to_sequence/max_tokens`
    >>> token_ids = vectorizer(train_texts)  # on the host, NumPy out
    """

    def __init__(self, train_texts, name="text_to_sequence", max_tokens=(5000, 20000)):
        self.train_texts = np.asarray(train_texts).reshape(-1, 1)
        self.sequence_length = covering_length(self.train_texts)
        self.name = name
        self.max_tokens = max_tokens
        self._adapted = {}

    def choose(self, hp):
        """The vectorizer for this trial's ``max_tokens``, adapted once and reused."""
        max_tokens = hp.Choice(f"{self.name}/max_tokens", list(self.max_tokens))
        if max_tokens not in self._adapted:
            vectorizer = layers.TextVectorization(max_tokens=max_tokens, output_sequence_length=self.sequence_length)
            vectorizer.adapt(self.train_texts)
            self._adapted[max_tokens] = vectorizer
        return self._adapted[max_tokens]

    def token_ids(self, hp, texts):
        """``texts`` ``(n, 1)`` as token ids ``(n, sequence_length)``, with this trial's vocabulary."""
        return np.asarray(self.choose(hp)(np.asarray(texts).reshape(-1, 1))).astype("int32")


class TokenEmbedding:
    """Token ids -> ``Embedding`` (+ dropout). Tuned: ``embedding_dim``, ``dropout``.

    Example:
    >>> vectors = TokenEmbedding(vectorizers).build(hp, token_ids)
    """

    def __init__(self, vectorizers, name="text_to_sequence", embedding_dim=(32, 64, 128), dropout=(0.0, 0.25)):
        self.vectorizers = vectorizers
        self.name = name
        self.embedding_dim = embedding_dim
        self.dropout = dropout

    def build(self, hp, inputs):
        vocabulary_size = self.vectorizers.choose(hp).vocabulary_size()
        embedding_dim = hp.Choice(f"{self.name}/embedding_dim", list(self.embedding_dim), default=64)
        dropout = hp.Choice(f"{self.name}/dropout", list(self.dropout))
        x = layers.Embedding(vocabulary_size, embedding_dim)(inputs)
        if dropout > 0:
            x = layers.Dropout(dropout)(x)
        return x
