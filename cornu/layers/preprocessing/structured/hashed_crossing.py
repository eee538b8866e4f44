"""``HashedCrossing``: crosses of categorical features by the hashing trick, with Keras's bins."""

import numpy as np

from cornu.backend.common.keras_tensor import KerasTensor
from cornu.layers.preprocessing.data_layer import DataLayer
from cornu.layers.preprocessing.hash_functions import fingerprint
from cornu.layers.preprocessing.structured.encoding import encode_ids
from cornu.layers.preprocessing.structured.host_values import to_host_array
from cornu.serialization.registry import keras_export

_OUTPUT_MODES = ("int", "one_hot")


def cross_hashes(features, num_bins):
    """The hashed cross of equally shaped host arrays, as TensorFlow's ``sparse.cross_hashed``.

    Each value is fingerprinted (``Fingerprint64`` of a string, the bits of an integer) and the
    fingerprints of a sample are chained with ``FingerprintCat64`` from TensorFlow's default key.

    Example:
    >>> cross_hashes([np.array(["A", "B"]), np.array([101, 101])], 5)
    array([1, 4])
    """
    hashes = np.full(np.shape(features[0]), np.uint64(fingerprint.CROSS_HASH_KEY), dtype=np.uint64)
    for feature in features:
        hashes = fingerprint.fingerprint_cat64(hashes, fingerprint.feature_fingerprints(feature))
    return fingerprint.to_bucket(hashes, num_bins)


@keras_export("keras.layers.HashedCrossing")
class HashedCrossing(DataLayer):
    """Crosses two or more categorical features into ``num_bins`` bins (``hash(features) % num_bins``).

    Takes a list or tuple of integer or string features, each of shape ``()``, ``(batch,)`` or
    ``(batch, 1)``, and gives the same bins as Keras (TensorFlow's ``sparse.cross_hashed``).
    The crossing runs on the host, like ``Hashing``: not inside a compiled (jitted) step.

    Args:
        num_bins: number of hash bins.
        output_mode: ``"int"`` (bin ids) or ``"one_hot"``.
        sparse: must be False (cornu has no sparse tensors).

    Example:
    >>> layer = cornu.layers.HashedCrossing(num_bins=5)
    >>> layer((np.array(["A", "B", "A", "B", "A"]), np.array([101, 101, 101, 102, 102])))
    array([1, 4, 1, 1, 3])
    """

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None, **kwargs):
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype)
        if sparse:
            raise ValueError("`sparse=True` is not supported: cornu has no sparse tensors. Pass sparse=False. "
                             f"Received: sparse={sparse}")
        if output_mode not in _OUTPUT_MODES:
            raise ValueError(
                f"The `output_mode` argument of HashedCrossing must be one of {_OUTPUT_MODES}. "
                f"Received: output_mode={output_mode}"
            )
        self.num_bins = num_bins
        self.output_mode = output_mode
        self.sparse = sparse
        self.autocast = False
        self.supports_jit = False
        self.built = True

    def _convert_one(self, x):
        return x  # `call` brings its inputs to the host itself (strings stay strings)

    def call(self, inputs):
        self._check_at_least_two_inputs(inputs)
        features = [to_host_array(self, x) for x in inputs]
        self._check_shapes_and_dtypes(features)
        ids = cross_hashes(features, self.num_bins)
        if self.output_mode == "int":  # cast on the host: JAX would warn that int64 is truncated
            return self.to_backend_output(ids.astype(self.compute_dtype))
        ids = self.to_backend_output(ids)
        return encode_ids(self.backend, ids, self.output_mode, self.num_bins, self.compute_dtype)

    def _check_at_least_two_inputs(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError("`HashedCrossing` should be called on a list or tuple of inputs. "
                             f"Received: inputs={inputs}")
        if len(inputs) < 2:
            raise ValueError(f"`HashedCrossing` should be called on at least two inputs. Received: inputs={inputs}")

    def _check_shapes_and_dtypes(self, features):
        shape = features[0].shape
        if len(shape) > 2 or (len(shape) == 2 and shape[-1] != 1):
            raise ValueError("All `HashedCrossing` inputs should have shape `()`, `(batch_size)` or "
                             f"`(batch_size, 1)`. Received: shapes={[f.shape for f in features]}")
        if any(f.shape != shape for f in features[1:]):
            raise ValueError(f"All `HashedCrossing` inputs should have equal shape. "
                             f"Received: shapes={[f.shape for f in features]}")
        if not all(f.dtype.kind in "iuUSO" for f in features):
            raise ValueError("All `HashedCrossing` inputs should have an integer or string dtype. "
                             f"Received: dtypes={[str(f.dtype) for f in features]}")

    def compute_output_shape(self, input_shape):
        if not (len(input_shape) >= 2 and all(isinstance(s, tuple) for s in input_shape)):
            raise ValueError(f"Expected as input a list/tuple of 2 or more tensors. Received input_shape={input_shape}")
        if any(s[-1:] != input_shape[0][-1:] for s in input_shape[1:]):
            raise ValueError(f"Expected the input tensors to have identical shapes. Received input_shape={input_shape}")
        first = tuple(input_shape[0])
        if self.output_mode == "int":
            return first
        if len(first) == 0:
            return (1, self.num_bins)
        if first[-1] != 1 or len(first) == 1:
            return first + (self.num_bins,)
        return first[:-1] + (self.num_bins,)

    def compute_output_spec(self, inputs):
        shape = self.compute_output_shape(tuple(tuple(x.shape) for x in inputs))
        return KerasTensor(shape, dtype=self.compute_dtype)

    def get_config(self):
        return {"num_bins": self.num_bins, "output_mode": self.output_mode, "sparse": self.sparse,
                "name": self.name, "dtype": self.dtype}
