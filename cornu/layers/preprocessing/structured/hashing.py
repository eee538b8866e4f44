"""``Hashing``: strings or integers to hash bins, with TensorFlow's (and so Keras's) hash values."""

import numpy as np

from cornu import backend
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.layers.preprocessing.data_layer import DataLayer
from cornu.layers.preprocessing.hash_functions import fingerprint
from cornu.layers.preprocessing.structured.encoding import OUTPUT_MODES, encode_ids, encoded_shape
from cornu.layers.preprocessing.structured.host_values import to_host_array
from cornu.layers.preprocessing.hash_functions.siphash import siphash24
from cornu.serialization.registry import keras_export


def _standardize_salt(salt):
    if salt is None:
        return None
    if isinstance(salt, (tuple, list)) and len(salt) == 2:
        return list(salt)
    if isinstance(salt, int) and not isinstance(salt, bool):
        return [salt, salt]
    raise ValueError(
        "The `salt` argument for `Hashing` must be a single integer or a tuple/list of 2 integers. "
        f"Received: salt={salt}."
    )


@keras_export("keras.layers.Hashing")
class Hashing(DataLayer):
    """Hashes strings or integers into ``num_bins`` bins, with the same bins as Keras.

    Values are hashed with FarmHash ``Fingerprint64`` (TensorFlow's ``to_hash_bucket_fast``), or
    with SipHash-2-4 keyed by ``salt`` (``to_hash_bucket_strong``) when a salt is given. Integers
    are hashed as their decimal strings and floats are first truncated to integers. With
    ``mask_value`` set, that value goes to bin 0 and the others to bins ``1 .. num_bins - 1``.

    Hashing runs on the host: on NumPy data (in a data pipeline) it returns NumPy; on eager backend
    tensors it computes on NumPy and returns backend tensors. It cannot run inside a compiled step
    (a jitted JAX ``predict``/``fit``): hash in the input pipeline, or compile the model with
    ``jit_compile=False``. Like Keras it sets ``supports_jit = False``.

    Args:
        num_bins: number of bins, including the mask bin when ``mask_value`` is set.
        mask_value: the value that stands for masked inputs (bin 0); None for no mask.
        salt: an integer or two integers: hash with SipHash keyed by them (None: FarmHash).
        output_mode: ``"int"`` (bin ids), ``"one_hot"``, ``"multi_hot"`` or ``"count"``.
        sparse: must be False (cornu has no sparse tensors).

    Example:
    >>> cornu.layers.Hashing(num_bins=3)([["A"], ["B"], ["C"], ["D"], ["E"]]).ravel()
    array([1, 0, 1, 1, 2])
    """

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else backend.floatx()
        super().__init__(**kwargs)
        if num_bins is None or num_bins <= 0:
            raise ValueError(
                f"The `num_bins` for `Hashing` must be a positive integer. Received: num_bins={num_bins}."
            )
        if output_mode == "int" and self.dtype_policy.name not in ("int32", "int64"):
            raise ValueError(
                "When `output_mode='int'`, `dtype` must be an integer type, 'int32' or 'int64'. "
                f"Received: dtype={kwargs['dtype']}"
            )
        if output_mode not in OUTPUT_MODES:
            raise ValueError(
                f"Invalid value for argument `output_mode`. Expected one of {OUTPUT_MODES}. "
                f"Received: output_mode={output_mode}"
            )
        if sparse:
            raise ValueError(
                "`sparse=True` is not supported: cornu has no sparse tensors. Pass sparse=False. "
                f"Received: sparse={sparse} and output_mode={output_mode}"
            )
        self.num_bins = num_bins
        self.mask_value = mask_value
        self.salt = _standardize_salt(salt)
        self.strong_hash = self.salt is not None
        self.output_mode = output_mode
        self.sparse = sparse
        self.autocast = False
        self.supports_jit = False
        self.built = True

    def hash_to_bins(self, values):
        """Bin ids (int64 NumPy) of host ``values`` (strings or numbers), before any encoding."""
        values = np.asarray(values)
        hash_bins = self.num_bins
        mask = None
        if self.mask_value is not None and hash_bins > 1:
            hash_bins -= 1
            mask = self._is_mask_value(values)
        messages = fingerprint.as_byte_strings(values)
        if self.strong_hash:
            hashes = siphash24(messages, self.salt)
        else:
            hashes = fingerprint.fingerprint64(messages)
        bins = fingerprint.to_bucket(hashes, hash_bins).reshape(values.shape)
        if mask is not None:
            bins = np.where(mask, 0, bins + 1)
        return bins

    def _is_mask_value(self, values):
        mask_value = self.mask_value
        if fingerprint.is_string_array(values):
            if isinstance(mask_value, bytes):
                mask_value = mask_value.decode("utf-8")
            as_text = np.vectorize(lambda v: v.decode("utf-8") if isinstance(v, bytes) else str(v), otypes=[object])
            return as_text(values) == str(mask_value) if values.size else np.zeros(values.shape, bool)
        return values == mask_value

    def _convert_one(self, x):
        return x  # `call` brings its inputs to the host itself (strings stay strings)

    def call(self, inputs):
        ids = self.hash_to_bins(to_host_array(self, inputs))
        if self.output_mode == "one_hot" and ids.ndim and ids.shape[-1] == 1:
            ids = ids.reshape(ids.shape[:-1])
        if self.output_mode == "int":  # cast on the host: JAX would warn that int64 is truncated
            return self.to_backend_output(np.asarray(ids, dtype=self.compute_dtype))
        ids = self.to_backend_output(ids)
        return encode_ids(self.backend, ids, self.output_mode, self.num_bins, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "one_hot" and input_shape and input_shape[-1] == 1:
            input_shape = input_shape[:-1]
        return encoded_shape(input_shape, self.output_mode, self.num_bins)

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update({
            "num_bins": self.num_bins,
            "salt": self.salt,
            "mask_value": self.mask_value,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
        })
        return config
