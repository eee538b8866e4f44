"""``IntegerLookup``: integers to vocabulary ids (or back), traceable on every backend."""

import numpy as np

from cornu.layers.preprocessing.text.categorical_output import id_dtype
from cornu.layers.preprocessing.text.index_lookup import OOV_MARK, IndexLookup, refuse_sparse
from cornu.layers.preprocessing.text.oov_hashing import hash_buckets
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.IntegerLookup")
class IntegerLookup(IndexLookup):
    """Maps integers to ids from a vocabulary (``invert=True``: ids back to integers).

    The lookup is a ``searchsorted`` over the sorted vocabulary on ``self.backend``, so the
    layer runs inside a compiled model (jitted on JAX) as well as on NumPy data. Unknown
    integers go to the OOV ids (``x mod num_oov_indices`` with ``oov_method="floormod"``;
    ``"farmhash"`` hashes on the host only).

    Example:
    >>> layer = cornu.layers.IntegerLookup(vocabulary=[12, 36, 1138, 42])
    >>> layer(np.array([[12, 1138, 42], [42, 1000, 36]]))
    array([[1, 3, 4], [4, 0, 2]])
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1, vocabulary=None,
                 vocabulary_dtype="int64", idf_weights=None, invert=False, output_mode="int", sparse=False,
                 pad_to_max_tokens=False, oov_method="floormod", salt=None, name=None, **kwargs):
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError("If `max_tokens` is set for `IntegerLookup`, it must be greater than 1. "
                             f"Received: max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError("The value of `num_oov_indices` argument for `IntegerLookup` must >= 0. "
                             f"Received: num_oov_indices={num_oov_indices}")
        refuse_sparse(sparse)
        if vocabulary_dtype != "int64":
            raise ValueError(f"Only `vocabulary_dtype='int64'` is supported at this time. "
                             f"Received: vocabulary_dtype={vocabulary_dtype}")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, vocabulary_dtype=vocabulary_dtype,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, oov_method=oov_method, salt=salt, name=name, **kwargs)

    def _normalize_tokens(self, values):
        return [int(v) for v in values]

    def _as_documents(self, data):
        array = self._host_array(data).astype(np.int64)
        if array.ndim == 0:
            array = array.reshape(1)
        if array.ndim == 1:
            array = array.reshape(1, -1)
        return array.reshape(array.shape[0], -1).tolist()

    def _build_tables(self, tokens):
        keys = np.asarray(tokens, dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        self._host.sorted_keys = keys[order]
        self._host.sorted_ids = (order + self._token_start_index()).astype(np.int64)

    def _oov_ids(self, ns, flat):
        if self.num_oov_indices == 1:
            return ns.numpy.full_like(flat, self._oov_start_index())
        if self.num_oov_indices == 0:
            return ns.numpy.full_like(flat, OOV_MARK)
        if self.oov_method == "farmhash":
            if not ns.is_numpy:
                raise ValueError("`oov_method='farmhash'` hashes on the host: call IntegerLookup on NumPy data "
                                 "(outside a compiled model) or use `oov_method='floormod'`.")
            buckets = hash_buckets([str(v) for v in np.asarray(flat).tolist()], self.num_oov_indices, self.salt)
            return np.asarray(buckets, dtype=np.int64) + self._oov_start_index()
        return ns.numpy.add(ns.numpy.mod(flat, self.num_oov_indices), self._oov_start_index())

    def _lookup(self, inputs):
        ns = self.backend
        x = ns.cast(ns.convert_to_tensor(inputs), id_dtype(ns))
        shape = tuple(ns.shape(x))
        flat = ns.numpy.reshape(x, (-1,))
        oov = self._oov_ids(ns, flat)
        keys = self._host.sorted_keys
        if keys is None or len(keys) == 0:
            ids = oov
        else:
            sorted_keys = ns.convert_to_tensor(keys, dtype=id_dtype(ns))
            positions = ns.numpy.minimum(ns.numpy.searchsorted(sorted_keys, flat), len(keys) - 1)
            found = ns.numpy.equal(ns.numpy.take(sorted_keys, positions), flat)
            sorted_ids = ns.convert_to_tensor(self._host.sorted_ids, dtype=id_dtype(ns))
            ids = ns.numpy.where(found, ns.numpy.take(sorted_ids, positions), oov)
        if self.mask_token is not None:
            ids = ns.numpy.where(ns.numpy.equal(flat, int(self.mask_token)), self._mask_id(), ids)
        if self.num_oov_indices == 0 and ns.is_numpy:
            unknown = np.asarray(flat)[np.asarray(ids) == OOV_MARK]
            if unknown.size:
                self.refuse_unknown(unknown.tolist())
        return ns.numpy.reshape(ids, shape)

    def _invert_lookup(self, inputs):
        ns = self.backend
        ids = ns.cast(ns.convert_to_tensor(inputs), id_dtype(ns))
        vocabulary = self.get_vocabulary()
        if not vocabulary:
            return ns.numpy.full_like(ids, self.oov_token)
        table = ns.convert_to_tensor(np.asarray(vocabulary, dtype=np.int64), dtype=id_dtype(ns))
        valid = ns.numpy.logical_and(ns.numpy.greater_equal(ids, 0), ns.numpy.less(ids, len(vocabulary)))
        values = ns.numpy.take(table, ns.numpy.clip(ids, 0, len(vocabulary) - 1))
        return ns.numpy.where(valid, values, self.oov_token)

    def get_config(self):
        config = super().get_config()
        for key in ("oov_token", "mask_token"):
            if config[key] is not None:
                config[key] = int(config[key])
        if config["vocabulary"] is not None:
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        return config
