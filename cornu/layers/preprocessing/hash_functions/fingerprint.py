"""TensorFlow's string fingerprints, on the host: the hashes behind Keras's ``Hashing`` and
``HashedCrossing``, so a feature hashed by cornu lands in the same bin as in Keras.

- ``Fingerprint64``: FarmHash's 64-bit fingerprint of a byte string (``pyfarmhash``).
- ``FingerprintCat64``: TensorFlow's mix of two 64-bit fingerprints, used to chain the
  features of a cross.
- Values that are not strings are hashed as strings: integers as their decimal digits,
  floats after truncation to integers.
"""

import numpy as np

_U64 = np.uint64
_MIX = _U64(0xC6A4A7935BD1E995)
# TensorFlow's default key of `sparse.cross_hashed`, the seed of every cross.
CROSS_HASH_KEY = 0xDECAFCAFFE
_INT64_MAX = _U64(2**63 - 1)


def is_string_array(array):
    return array.dtype.kind in "USO"


def as_byte_strings(array):
    """The values of ``array`` as a flat list of ``bytes`` (strings in UTF-8, numbers as in
    TensorFlow's ``as_string``: floats truncated to integers, integers in decimal,
    booleans as ``true``/``false``)."""
    array = np.asarray(array)
    if array.dtype.kind == "b":
        return [b"true" if v else b"false" for v in array.reshape(-1).tolist()]
    if array.dtype.kind == "f":
        array = array.astype(np.int64)
    flat = array.reshape(-1).tolist()
    return [v if isinstance(v, bytes) else str(v).encode("utf-8") for v in flat]


def fingerprint64(messages):
    """FarmHash ``Fingerprint64`` of each byte string, as a ``uint64`` array.

    Example:
    >>> fingerprint64([b"A"])
    array([16915294056622060564], dtype=uint64)
    """
    import farmhash  # imported on first use: `import cornu` stays free of it

    return np.fromiter((farmhash.fingerprint64(m) for m in messages), dtype=np.uint64, count=len(messages))


def _shift_mix(x):
    return x ^ (x >> _U64(47))


def fingerprint_cat64(first, second):
    """TensorFlow's ``FingerprintCat64``: one 64-bit fingerprint from two (not commutative)."""
    with np.errstate(over="ignore"):
        mixed = first ^ _MIX
        mixed = mixed ^ (_shift_mix(second * _MIX) * _MIX)
        mixed = mixed * _MIX
        mixed = _shift_mix(mixed) * _MIX
        return _shift_mix(mixed)


def feature_fingerprints(array):
    """Per-value fingerprints for a cross: ``Fingerprint64`` of strings, and the two's-complement
    bits of integers (TensorFlow hashes integer features by value, not by their digits)."""
    array = np.asarray(array)
    if is_string_array(array):
        return fingerprint64(as_byte_strings(array)).reshape(array.shape)
    return array.astype(np.int64).view(np.uint64)


def to_bucket(hashes, num_buckets):
    """Hashes reduced to ``[0, num_buckets)`` as int64 (``num_buckets=0``: to ``[0, 2**63 - 1)``)."""
    divisor = _U64(num_buckets) if num_buckets else _INT64_MAX
    return (hashes % divisor).astype(np.int64)
