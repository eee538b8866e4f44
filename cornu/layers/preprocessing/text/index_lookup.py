"""``IndexLookup``: the shared base of ``StringLookup`` and ``IntegerLookup``.

A vocabulary maps tokens to ids: the mask token (``"int"`` mode) takes id 0, then
``num_oov_indices`` ids for out-of-vocabulary tokens, then the tokens. The vocabulary is
given (list, array or a file path passed in code) or learned by ``adapt`` (most frequent
first, ties broken by the larger token, as Keras does). Outputs are the ids, or
``one_hot``/``multi_hot``/``count``/``tf_idf`` vectors built from them on ``self.backend``.
Subclasses say how tokens become ids (``_lookup``) and ids tokens (``_invert_lookup``).
"""

import collections

import numpy as np

from cornu import backend
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.layers.preprocessing.data_layer import DataLayer
from cornu.layers.preprocessing.text import vocabulary_io
from cornu.layers.preprocessing.text.oov_hashing import normalize_salt
from cornu.layers.preprocessing.text.categorical_output import ENCODED_MODES, encode_ids, id_dtype

OUTPUT_MODES = ("int",) + ENCODED_MODES
OOV_MARK = -2  # internal id of a token still to be hashed into (or refused for lack of) an OOV bucket


class HostState:
    """A layer's host-side state (vocabulary tables, adapt counts): a plain object, so the layer's
    attribute tracking does not walk its (large) containers."""

    def __init__(self, **values):
        self.__dict__.update(values)


def refuse_sparse(sparse):
    if sparse:
        raise ValueError(
            "`sparse=True` can only be used with the TensorFlow backend, which cornu does not have. "
            "Use `sparse=False` (the default) to get dense outputs. Received: sparse=True"
        )


def is_string_array(x):
    return isinstance(x, np.ndarray) and x.dtype.kind in "USO"


class IndexLookup(DataLayer):
    """Maps tokens to vocabulary ids (or back, with ``invert=True``); see ``StringLookup``."""

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary_dtype, vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", sparse=False, pad_to_max_tokens=False,
                 oov_method="floormod", name=None, salt=None, **kwargs):
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"If set, `max_tokens` must be greater than 1. Received: max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"If pad_to_max_tokens is True, must set `max_tokens`. Received: max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError("`num_oov_indices` must be greater than or equal to 0. "
                             f"Received: num_oov_indices={num_oov_indices}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"`oov_method` must be one of ('floormod', 'farmhash'). Received: oov_method={oov_method!r}")
        if salt is not None and vocabulary_dtype != "string" and oov_method != "farmhash":
            raise ValueError(f"`salt` can only be used when `oov_method='farmhash'`. Received: oov_method={oov_method}")
        salt = normalize_salt(salt)
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"`output_mode` must be one of {OUTPUT_MODES}. Received: output_mode={output_mode!r}")
        if invert and output_mode != "int":
            raise ValueError(f"`output_mode` must be `'int'` when `invert` is true. Received: output_mode={output_mode}")
        refuse_sparse(sparse)
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError("`idf_weights` should only be set if `output_mode` is `'tf_idf'`. "
                             f"Received: idf_weights={idf_weights} and output_mode={output_mode}")
        self._frozen_vocab_size = kwargs.pop("vocabulary_size", None)
        self._has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("trainable", None)
        kwargs.pop("dtype", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword argument(s): {kwargs}")
        super().__init__(name=name)
        self.autocast = False
        self._host = HostState(tokens=None, table=None, sorted_keys=None, sorted_ids=None)
        self.invert = invert
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = sparse
        self.pad_to_max_tokens = pad_to_max_tokens
        self.vocabulary_dtype = vocabulary_dtype
        self.oov_method = oov_method
        self.salt = salt
        # A vocabulary given as a path is not kept in the config: the archive's assets hold it.
        self.input_vocabulary = None if isinstance(vocabulary, str) else vocabulary
        self.input_idf_weights = idf_weights
        self.idf_weights = None
        self.reset_state()
        if output_mode == "tf_idf" and self._has_input_vocabulary and idf_weights is None:
            raise ValueError("When specifying the `vocabulary` argument, in TF-IDF output mode, the "
                             "`idf_weights` argument must also be provided.")
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self.built = True

    # --- ids layout -----------------------------------------------------------------------------
    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    def _mask_id(self):
        """The id of the mask token: 0 in ``"int"`` mode, dropped (-1) from encoded outputs."""
        return 0 if self.output_mode == "int" else -1

    # --- vocabulary -----------------------------------------------------------------------------
    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary, indexed by id (special tokens first unless ``include_special_tokens=False``)."""
        tokens = list(self._host.tokens) if self._host.tokens is not None else []
        vocabulary = [self.oov_token] * self._token_start_index() + tokens
        if self.mask_token is not None and self.output_mode == "int":
            vocabulary[0] = self.mask_token
        if not include_special_tokens:
            vocabulary = vocabulary[self._token_start_index():]
        return vocabulary

    def vocabulary_size(self):
        """The number of ids, mask and OOV ids included."""
        return self._token_start_index() + (len(self._host.tokens) if self._host.tokens is not None else 0)

    def _normalize_tokens(self, values):
        """The tokens of a user's vocabulary as a list of Python values of the vocabulary's kind."""
        raise NotImplementedError

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Sets the vocabulary (a list, tuple, 1-D array or tensor, or a path to a file with one
        token per line that you pass in code) and, in ``"tf_idf"`` mode, the IDF weights."""
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        elif idf_weights is not None:
            raise ValueError("`idf_weights` should only be set if output_mode is `'tf_idf'`. "
                             f"Received: output_mode={self.output_mode} and idf_weights={idf_weights}")
        if isinstance(vocabulary, str):
            if self.output_mode == "tf_idf":
                raise ValueError("output_mode `'tf_idf'` does not support loading a vocabulary from file.")
            vocabulary = vocabulary_io.read_vocabulary_file(vocabulary, getattr(self, "encoding", "utf-8"))
        vocabulary = self._normalize_tokens(vocabulary_io.as_numpy_1d(vocabulary, "vocabulary").tolist())
        if len(vocabulary) == 0:
            raise ValueError(f"Cannot set an empty vocabulary. Received: vocabulary={vocabulary}")
        token_start = self._token_start_index()
        special = [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices
        found_special = vocabulary[:token_start] == special
        tokens = vocabulary[token_start:] if found_special else vocabulary
        repeated = [t for t, n in collections.Counter(tokens).items() if n > 1]
        if repeated:
            raise ValueError("The passed vocabulary has at least one repeated term. Please uniquify your "
                             f"dataset. The repeated terms are: {repeated}")
        for reserved, what, applies in ((self.mask_token, "mask_token", True),
                                        (self.oov_token, "oov_token", self.invert)):
            if applies and reserved is not None and reserved in tokens:
                raise ValueError(
                    f"Found reserved {what} at unexpected location in `vocabulary`. Note that passed "
                    "`vocabulary` does not need to include the OOV and mask tokens. Either remove all mask "
                    "and OOV tokens, or include them only at the start of the vocabulary in precisely this "
                    f"order: {special}. Received: {what}={reserved!r} at vocabulary index "
                    f"{len(vocabulary) - 1 - vocabulary[::-1].index(reserved)}"
                )
        if self.max_tokens is not None and token_start + len(tokens) > self.max_tokens:
            raise ValueError("Attempted to set a vocabulary larger than the maximum vocab size. Received "
                             f"vocabulary size is {token_start + len(tokens)}; `max_tokens` is {self.max_tokens}.")
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            idf_weights = np.asarray(vocabulary_io.as_numpy_1d(idf_weights, "idf_weights"), dtype="float64")
            if len(vocabulary) != len(idf_weights):
                raise ValueError("`idf_weights` must be the same length as vocabulary. len(idf_weights) is "
                                 f"{len(idf_weights)}; len(vocabulary) is {len(vocabulary)}")
            front = 0 if found_special else token_start
            self._set_idf_weights(idf_weights, front, np.average(idf_weights) if front else 0.0)

    def _set_idf_weights(self, weights, front, front_value):
        back = self.max_tokens - front - len(weights) if self.pad_to_max_tokens else 0
        padded = np.pad(weights, (front, max(back, 0)), constant_values=(front_value, 0))
        self.idf_weights = padded.astype("float32")

    def _set_tokens(self, tokens):
        self._host.tokens = tokens
        self._build_tables(tokens)
        self._frozen_vocab_size = self.vocabulary_size()

    def _build_tables(self, tokens):
        """Prepares the subclass's lookup structures for ``tokens`` (ids from the token start)."""
        raise NotImplementedError

    # --- adapt ----------------------------------------------------------------------------------
    def reset_state(self):
        self._host.token_counts = collections.Counter()
        self._host.document_counts = collections.Counter()
        self._host.num_documents = 0

    def _check_adaptable(self):
        if self._has_input_vocabulary:
            raise ValueError(f"Cannot adapt layer '{self.name}' after setting a static vocabulary via "
                             "`vocabulary` argument or `set_vocabulary()` method.")

    def adapt(self, data, steps=None):
        """Learns the vocabulary (and IDF weights) from ``data``: an array or list of tokens, or an
        iterable of batches (a generator, a ``PyDataset``, a ``tf.data.Dataset``)."""
        from cornu.layers.preprocessing.text.adapt_data import adapt_batches

        self.reset_state()
        for batch in adapt_batches(data, steps):
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data):
        """Counts the tokens of one batch (rows are documents for ``tf_idf``)."""
        self._check_adaptable()
        rows = self._as_documents(data)
        self.count_documents(rows)

    def _as_documents(self, data):
        array = self._host_array(data)
        if array.ndim == 0:
            array = array.reshape(1)
        if array.ndim == 1:
            array = array.reshape(1, -1)
        return [self._normalize_tokens(row) for row in array.reshape(array.shape[0], -1).tolist()]

    def count_documents(self, documents):
        """Adds ``documents`` (lists of tokens) to the token and document counts."""
        counts = self._host.token_counts
        for document in documents:
            counts.update(document)
        if self.output_mode == "tf_idf":
            for document in documents:
                self._host.document_counts.update(set(document))
            self._host.num_documents += len(documents)

    def finalize_state(self):
        if self._has_input_vocabulary or not self._host.token_counts:
            return
        counts = self._host.token_counts
        for special in (self.mask_token, self.oov_token):
            counts.pop(special, None)
        # Most frequent first, ties by the larger token: a stable sort by count of the tokens
        # in descending order (NumPy sorts the counts; Python only compares plain tokens).
        by_token = sorted(counts, reverse=True)
        frequencies = np.fromiter(map(counts.__getitem__, by_token), dtype=np.int64, count=len(by_token))
        order = np.argsort(-frequencies, kind="stable")
        if self.max_tokens:
            order = order[: self.max_tokens - self._token_start_index()]
        tokens = [by_token[i] for i in order.tolist()]
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            document_counts = np.array([self._host.document_counts[t] for t in tokens], dtype="float64")
            idf = np.log(1 + self._host.num_documents / (1 + document_counts)).astype("float32")
            self._set_idf_weights(idf, self._token_start_index(), float(np.mean(idf)) if len(idf) else 0.0)
        self.reset_state()

    # --- call -----------------------------------------------------------------------------------
    def _host_array(self, x):
        """``x`` (list, array, tensor) as a NumPy array."""
        if backend.is_tensor(x):
            return np.asarray(backend.convert_to_numpy(x))
        if hasattr(x, "numpy") and not isinstance(x, np.ndarray):  # a TensorFlow tensor
            x = x.numpy()
        return np.asarray(x)

    def _convert_one(self, x):
        if isinstance(x, (list, tuple)) or is_string_array(x):
            array = np.asarray(x)
            if array.dtype.kind in "USO":
                return array
        return super()._convert_one(x)

    def _ensure_known_vocab_size(self):
        if self.output_mode == "int" or self.pad_to_max_tokens:
            return
        if self._frozen_vocab_size is None:
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, you must set "
                "the layer's vocabulary before calling it. Either pass a `vocabulary` argument to the "
                "layer, or call `adapt` with some sample data."
            )

    def _depth(self):
        return self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size

    def call(self, inputs):
        self._ensure_known_vocab_size()
        if self.invert:
            return self._invert_lookup(inputs)
        ids = self._lookup(inputs)
        return self.encode(ids)

    def encode(self, ids):
        """The layer's output for vocabulary ids (a tensor of ``self.backend``)."""
        ns = self.backend
        if self.output_mode == "int":
            return ns.cast(ids, id_dtype(ns))
        return encode_ids(ns, ids, self.output_mode, self._depth(), self.idf_weights)

    def refuse_unknown(self, tokens):
        raise ValueError(
            "When `num_oov_indices=0` all inputs should be in vocabulary, found OOV values "
            f"{tokens[:10]}, consider setting `num_oov_indices=1`."
        )

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        input_shape = tuple(input_shape)
        depth = self._depth()
        if self.output_mode == "one_hot":
            if len(input_shape) > 1 and input_shape[-1] == 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        return input_shape[:-1] + (depth,)

    def compute_output_spec(self, inputs):
        if self.invert:
            dtype = self.vocabulary_dtype
        else:
            dtype = "int64" if self.output_mode == "int" else backend.floatx()
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=dtype)

    # --- config and saving ----------------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config.update({
            "invert": self.invert,
            "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token,
            "mask_token": self.mask_token,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary_dtype": self.vocabulary_dtype,
            "idf_weights": vocabulary_io.listify(self.input_idf_weights),
            "vocabulary": vocabulary_io.listify(self.input_vocabulary),
            "vocabulary_size": self._frozen_vocab_size,
            "oov_method": self.oov_method,
            "salt": self.salt,
        })
        return config

    @classmethod
    def from_config(cls, config):
        vocabulary_io.refuse_vocabulary_path_in_config(config, cls.__name__)
        return super().from_config(config)

    def get_build_config(self):
        return {}

    def build_from_config(self, config):
        self.built = True

    def save_own_variables(self, store):
        if self.output_mode == "tf_idf":
            store["idf_weights"] = np.asarray(self.idf_weights, dtype="float32")

    def load_own_variables(self, store):
        if self.output_mode == "tf_idf":
            self.idf_weights = np.asarray(store["idf_weights"], dtype="float32")

    def save_assets(self, dir_path):
        if self.input_vocabulary is not None:
            return  # the vocabulary is in the config
        vocabulary_io.write_vocabulary_asset(dir_path, self.get_vocabulary(include_special_tokens=True))

    def load_assets(self, dir_path):
        if self.input_vocabulary is not None:
            return
        values = vocabulary_io.read_vocabulary_asset(dir_path, is_string=self.vocabulary_dtype == "string")
        token_start = self._token_start_index()
        tokens = self._normalize_tokens(values)
        if tokens[:token_start] == self.get_vocabulary()[:token_start]:
            tokens = tokens[token_start:]
        self._set_tokens(tokens)
