"""``TextVectorization``: raw strings to token ids or token vectors."""

import collections
import itertools

import numpy as np

from cornu import backend
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.backend.common.load_budget import charge as charge_load_budget
from cornu.layers.preprocessing.data_layer import DataLayer
from cornu.layers.preprocessing.text import byte_spans, categorical_output, text_standardize, vocabulary_io
from cornu.layers.preprocessing.text.adapt_data import adapt_batches
from cornu.layers.preprocessing.text.index_lookup import OUTPUT_MODES, HostState, refuse_sparse
from cornu.layers.preprocessing.text.span_vocabulary import SpanVocabulary
from cornu.layers.preprocessing.text.string_lookup import StringLookup
from cornu.serialization.registry import keras_export


def _check_choice(value, allowed, arg):
    if value is None or callable(value) or value in allowed:
        return
    raise ValueError(f"`{arg}` must be None, a callable or one of {allowed}. Received: {arg}={value!r}")


@keras_export("keras.layers.TextVectorization")
class TextVectorization(DataLayer):
    """Turns raw strings into token ids (``output_mode="int"``) or token vectors.

    Each string is standardized (``"lower_and_strip_punctuation"`` by default), split into
    tokens (``"whitespace"``), optionally turned into n-grams, and looked up in a vocabulary
    (given, or learned with ``adapt``): id 0 pads, 1 is out-of-vocabulary. The string work is
    NumPy/Python on the host; the layer outputs NumPy on host data, and inside a model whose
    input is ``dtype="string"`` the model runs its steps eagerly.

    Example:
    >>> layer = cornu.layers.TextVectorization(output_sequence_length=4)
    >>> layer.adapt(["the cat sat", "the dog"])
    >>> layer(np.array([["The cat!"]]))
    array([[2, 3, 0, 0]])
    """

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation", split="whitespace",
                 ngrams=None, output_mode="int", output_sequence_length=None, pad_to_max_tokens=False,
                 vocabulary=None, idf_weights=None, sparse=False, ragged=False, encoding="utf-8", name=None,
                 **kwargs):
        refuse_sparse(sparse)
        if ragged:
            raise ValueError("`ragged=True` can only be used with the TensorFlow backend, which cornu does not "
                             "have: use `ragged=False` (padded outputs, see `output_sequence_length`). "
                             "Received: ragged=True")
        _check_choice(standardize, text_standardize.STANDARDIZE_MODES, "standardize")
        _check_choice(split, text_standardize.SPLIT_MODES, "split")
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"`output_mode` must be one of {OUTPUT_MODES}. Received: output_mode={output_mode!r}")
        if not (ngrams is None or isinstance(ngrams, int)
                or isinstance(ngrams, tuple) and all(isinstance(item, int) for item in ngrams)):
            raise ValueError(f"`ngrams` must be None, an integer, or a tuple of integers. Received: ngrams={ngrams}")
        if output_mode == "int" and not (output_sequence_length is None or isinstance(output_sequence_length, int)):
            raise ValueError("`output_sequence_length` must be either None or an integer when `output_mode` is "
                             f"'int'. Received: output_sequence_length={output_sequence_length}")
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError("`output_sequence_length` must not be set if `output_mode` is not 'int'. "
                             f"Received output_sequence_length={output_sequence_length}.")
        self._max_tokens = max_tokens
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        if isinstance(ngrams, int):  # a loaded config's `ngrams` is data: count the tuple it becomes
            charge_load_budget(40 * max(ngrams, 0), "the n-gram sizes of TextVectorization (`ngrams`)")
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._ragged = ragged
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        self._has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        self.autocast = False
        self._host = HostState(byte_table=None, span_vocabulary=None)
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens, mask_token="", output_mode=output_mode, sparse=sparse,
            has_input_vocabulary=self._has_input_vocabulary, encoding=encoding, vocabulary_size=vocabulary_size,
        )
        self._host.byte_table = None
        self.reset_state()
        self.built = True

    # --- text to tokens -------------------------------------------------------------------------
    def _token_stream(self, inputs, with_lengths=True):
        """All tokens of ``inputs`` in order (UTF-8 ``bytes``) and each line's token count
        (None when not ``with_lengths`` and the fast path skips it)."""
        if (self._split == "whitespace" and self._ngrams is None
                and not callable(self._standardize)):
            array = inputs
            if backend.is_tensor(array) or (hasattr(array, "numpy") and not isinstance(array, np.ndarray)):
                array = np.asarray(backend.convert_to_numpy(array) if backend.is_tensor(array) else array.numpy())
            fast = text_standardize.whitespace_tokens(text_standardize.to_lines(array, self._split),
                                                      self._standardize, with_lengths)
            if fast is not None:
                return fast
        spans = self._spans(inputs)
        if spans is not None:  # n-grams: made from byte spans, one Python object per n-gram
            return spans.tokens(), spans.counts
        documents, _ = self._documents(inputs)
        lengths = np.fromiter(map(len, documents), dtype=np.int64, count=len(documents))
        return list(itertools.chain.from_iterable(documents)), lengths

    def _documents(self, inputs):
        """The token lists (UTF-8 ``bytes``) of each line of ``inputs``, and the batch shape."""
        if backend.is_tensor(inputs) or (hasattr(inputs, "numpy") and not isinstance(inputs, np.ndarray)):
            inputs = np.asarray(backend.convert_to_numpy(inputs) if backend.is_tensor(inputs) else inputs.numpy())
        array = text_standardize.to_lines(inputs, self._split)
        lines = text_standardize.standardize_lines(array.reshape(-1), self._standardize, self._encoding)
        documents = text_standardize.split_lines(lines, self._split, self._encoding)
        if self._split is None and array.ndim > 1:  # each row of a (batch, k) input is one document
            width = int(np.prod(array.shape[1:]))
            documents = [sum(documents[i * width:(i + 1) * width], []) for i in range(array.shape[0])]
        return text_standardize.make_ngrams(documents, self._ngrams), array.shape

    # --- adapt ----------------------------------------------------------------------------------
    def reset_state(self):
        self._host.token_counts = collections.Counter()
        self._host.document_counts = collections.Counter()
        self._host.num_documents = 0
        self._lookup_layer.reset_state()

    def adapt(self, data, batch_size=None, steps=None):
        """Learns the vocabulary (and IDF weights) from ``data``: an array or list of strings, or an
        iterable of batches (a generator, a ``PyDataset``, a ``tf.data.Dataset``)."""
        self.reset_state()
        for batch in adapt_batches(data, steps):
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data):
        self._lookup_layer._check_adaptable()
        flat, lengths = self._token_stream(data, with_lengths=self._output_mode == "tf_idf")
        self._host.token_counts.update(flat)
        if self._output_mode == "tf_idf":
            ends = np.cumsum(lengths).tolist()
            documents = [flat[end - n:end] for end, n in zip(ends, lengths.tolist())]
            for document in documents:
                self._host.document_counts.update(set(document))
            self._host.num_documents += len(documents)

    def finalize_state(self):
        lookup = self._lookup_layer
        encoding = self._encoding
        lookup._host.token_counts = collections.Counter(
            {k.decode(encoding): v for k, v in self._host.token_counts.items()})
        lookup._host.document_counts = collections.Counter(
            {k.decode(encoding): v for k, v in self._host.document_counts.items()})
        lookup._host.num_documents = self._host.num_documents
        lookup.finalize_state()
        self._host.byte_table = None
        self._host.token_counts = collections.Counter()
        self._host.document_counts = collections.Counter()

    # --- vocabulary -----------------------------------------------------------------------------
    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary, indexed by id (padding and OOV tokens first unless excluded)."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        """The number of ids, padding and OOV included."""
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Sets the vocabulary (list, array, or a file path passed in code) and IDF weights."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)
        self._host.byte_table = None

    def _byte_table(self):
        """Token (UTF-8 bytes) -> id, made once per vocabulary."""
        lookup = self._lookup_layer
        tokens = lookup._host.tokens
        if self._host.byte_table is None or self._host.byte_table[0] is not tokens:
            start = lookup._token_start_index()
            table = {t.encode(self._encoding): i for i, t in enumerate(tokens or [], start)}
            table[b""] = lookup._mask_id()
            self._host.byte_table = (tokens, table)
        return self._host.byte_table[1]

    # --- call -----------------------------------------------------------------------------------
    def _convert_one(self, x):
        if isinstance(x, (list, tuple, str, bytes)) or (isinstance(x, np.ndarray) and x.dtype.kind in "USO"):
            return np.asarray(x)
        return super()._convert_one(x)

    def _span_vocabulary(self):
        """The vocabulary as a ``SpanVocabulary`` (NumPy lookups of byte spans), made once per vocabulary."""
        table = self._byte_table()
        if self._host.span_vocabulary is None or self._host.span_vocabulary[0] is not table:
            self._host.span_vocabulary = (table, SpanVocabulary(list(table), list(table.values()),
                                                                self._lookup_layer._oov_start_index()))
        return self._host.span_vocabulary[1]

    def _spans(self, inputs):
        """The ``TokenSpans`` of the tokens (or n-grams) of ``inputs``; None where the byte-span
        path does not apply (a callable or a split other than whitespace, a newline in a line)."""
        if self._split != "whitespace" or callable(self._standardize) or (
                self._ngrams is not None and min(self._ngrams, default=1) < 1):
            return None
        lines = text_standardize.to_lines(self._host_array(inputs), self._split).reshape(-1)
        text = byte_spans.joined_buffer(lines, self._standardize) if lines.size else None
        if text is None:
            return None
        spans = byte_spans.token_spans(text, lines.size)
        return spans if self._ngrams is None else byte_spans.ngram_spans(spans, self._ngrams)

    def _span_ids(self, inputs):
        """The ids of all tokens (or n-grams) of ``inputs`` in order and the number of each line,
        found without a Python object per token; None where this path does not apply."""
        spans = self._spans(inputs)
        if spans is None:
            return None
        return self._span_vocabulary().lookup(spans.buffer, spans.starts, spans.lengths), spans.counts

    @staticmethod
    def _host_array(inputs):
        if backend.is_tensor(inputs):
            return np.asarray(backend.convert_to_numpy(inputs))
        if hasattr(inputs, "numpy") and not isinstance(inputs, np.ndarray):  # a TensorFlow tensor
            return np.asarray(inputs.numpy())
        return inputs if isinstance(inputs, np.ndarray) else np.asarray(inputs)

    def call(self, inputs):
        lookup = self._lookup_layer
        lookup._ensure_known_vocab_size()
        ns = self.backend
        found = self._span_ids(inputs)
        if found is None:
            flat, counts = self._token_stream(inputs)
            table = self._byte_table()
            ids = np.fromiter(map(table.get, flat, itertools.repeat(lookup._oov_start_index())), dtype=np.int64,
                              count=len(flat))
        else:
            ids, counts = found
        int_mode = self._output_mode == "int"
        if self._output_mode in ("multi_hot", "count", "tf_idf"):
            encoded = categorical_output.encode_rows(ids, counts, self._output_mode, lookup._depth(),
                                                     lookup.idf_weights)
            if ns.is_numpy:
                return encoded
            encoded = ns.convert_to_tensor(encoded)
            return encoded if self._output_mode == "tf_idf" else ns.cast(encoded, categorical_output.id_dtype(ns))
        width = self._output_sequence_length if int_mode and self._output_sequence_length is not None else (
            int(counts.max()) if len(counts) else 0)
        padded = categorical_output.pad_ids(ids, counts, width, 0 if int_mode else -1)
        if int_mode and ns.is_numpy and categorical_output.id_dtype(ns) == "int64":
            return padded
        return lookup.encode(padded if ns.is_numpy else ns.convert_to_tensor(padded))

    def compute_output_shape(self, input_shape):
        if self._output_mode == "int":
            return (input_shape[0], self._output_sequence_length)
        if self._split is None:
            if len(input_shape) <= 1:
                input_shape = tuple(input_shape) + (1,)
        else:
            input_shape = tuple(input_shape) + (None,)
        return self._lookup_layer.compute_output_shape(input_shape)

    def compute_output_spec(self, inputs):
        dtype = "int64" if self._output_mode == "int" else backend.floatx()
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=dtype)

    # --- config and saving ----------------------------------------------------------------------
    def get_config(self):
        from cornu.serialization import serialize_keras_object

        def serialized(value):
            return value if value is None or isinstance(value, str) else serialize_keras_object(value)

        lookup = self._lookup_layer
        config = super().get_config()
        config.update({
            "max_tokens": lookup.max_tokens,
            "standardize": serialized(self._standardize),
            "split": serialized(self._split),
            "ngrams": self._ngrams_arg,
            "output_mode": self._output_mode,
            "output_sequence_length": self._output_sequence_length,
            "pad_to_max_tokens": lookup.pad_to_max_tokens,
            "sparse": lookup.sparse,
            "ragged": self._ragged,
            "vocabulary": vocabulary_io.listify(lookup.input_vocabulary),
            "idf_weights": vocabulary_io.listify(lookup.input_idf_weights),
            "encoding": self._encoding,
            "vocabulary_size": self.vocabulary_size(),
        })
        return config

    @classmethod
    def from_config(cls, config):
        from cornu.serialization import deserialize_keras_object

        config = dict(config)
        vocabulary_io.refuse_vocabulary_path_in_config(config, cls.__name__)
        for key in ("standardize", "split"):
            if config.get(key) is not None and not isinstance(config[key], str):
                config[key] = deserialize_keras_object(config[key])
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return cls(**config)

    def build_from_config(self, config):
        self.built = True

    def save_own_variables(self, store):
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store):
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path):
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path):
        self._lookup_layer.load_assets(dir_path)
        self._host.byte_table = None
