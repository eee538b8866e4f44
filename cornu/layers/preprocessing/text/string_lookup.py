"""``StringLookup``: strings to vocabulary ids (or ids back to strings), on the host."""

import itertools

import numpy as np

from cornu.layers.preprocessing.text.index_lookup import OOV_MARK, IndexLookup
from cornu.layers.preprocessing.text.oov_hashing import hash_buckets
from cornu.serialization.registry import keras_export


def decode_tokens(values, encoding):
    """Python strings from a list of ``str``/``bytes`` tokens."""
    return [v.decode(encoding) if isinstance(v, bytes) else str(v) for v in values]


@keras_export("keras.layers.StringLookup")
class StringLookup(IndexLookup):
    """Maps strings to integer ids from a vocabulary (``invert=True``: ids back to strings).

    Ids: the mask token (if set, ``"int"`` mode) is 0, then ``num_oov_indices`` ids for unknown
    strings (hashed over them when there are several), then the vocabulary. With
    ``output_mode`` ``"one_hot"``, ``"multi_hot"``, ``"count"`` or ``"tf_idf"`` the ids are
    encoded as vectors. The strings are looked up with NumPy on the host, so the layer runs
    eagerly (in a model with string inputs, the step is not compiled).

    Example:
    >>> layer = cornu.layers.StringLookup(vocabulary=["a", "b", "c"])
    >>> layer(np.array([["a", "c", "z"]]))
    array([[1, 3, 0]])
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]", vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", pad_to_max_tokens=False, sparse=False,
                 encoding="utf-8", name=None, salt=None, **kwargs):
        self.encoding = encoding
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name,
                         salt=salt, vocabulary_dtype="string", **kwargs)

    def _normalize_tokens(self, values):
        return decode_tokens(values, self.encoding)

    def _build_tables(self, tokens):
        start = self._token_start_index()
        self._host.table = dict(zip(tokens, range(start, start + len(tokens))))
        if self.mask_token is not None:
            self._host.table[self.mask_token] = self._mask_id()

    def token_ids(self, tokens):
        """The ids of a flat list of Python strings, as an int64 NumPy array."""
        table = self._host.table
        if table is None:
            table = {} if self.mask_token is None else {self.mask_token: self._mask_id()}
        default = self._oov_start_index() if self.num_oov_indices == 1 else OOV_MARK
        ids = np.fromiter(map(table.get, tokens, itertools.repeat(default)), dtype=np.int64, count=len(tokens))
        if self.num_oov_indices != 1:
            unknown = np.flatnonzero(ids == OOV_MARK)
            if unknown.size:
                missing = [tokens[i] for i in unknown]
                if self.num_oov_indices == 0:
                    self.refuse_unknown(missing)
                buckets = hash_buckets(missing, self.num_oov_indices, self.salt)
                ids[unknown] = np.asarray(buckets, dtype=np.int64) + self._oov_start_index()
        return ids

    def _lookup(self, inputs):
        array = self._host_array(inputs)
        tokens = array.reshape(-1).tolist()
        if array.dtype.kind != "U":
            tokens = self._normalize_tokens(tokens)
        ids = self.token_ids(tokens).reshape(array.shape)
        return self.backend.convert_to_tensor(ids) if not self.backend.is_numpy else ids

    def _invert_lookup(self, inputs):
        ids = self._host_array(inputs).astype(np.int64)
        vocabulary = np.asarray(self.get_vocabulary(), dtype=object)
        size = len(vocabulary)
        if size == 0:
            return np.full(ids.shape, self.oov_token, dtype=object).astype(str)
        valid = (ids >= 0) & (ids < size)
        return np.where(valid, vocabulary[np.clip(ids, 0, size - 1)], self.oov_token).astype(str)

    def get_config(self):
        config = super().get_config()
        del config["vocabulary_dtype"]
        config["encoding"] = self.encoding
        return config
