"""Hashing out-of-vocabulary tokens into OOV buckets exactly as TensorFlow does.

``to_hash_bucket_fast`` is FarmHash Fingerprint64 (via ``pyfarmhash``); with a ``salt``,
``to_hash_bucket_strong`` is SipHash-2-4 keyed by the two salt integers.
"""

import numpy as np

from cornu.layers.preprocessing.hash_functions.fingerprint import fingerprint64
from cornu.layers.preprocessing.hash_functions.siphash import siphash24


def hash_buckets(tokens, num_buckets, salt=None):
    """The OOV bucket (``0 <= b < num_buckets``) of each token (``str`` or ``bytes``)."""
    data = [t.encode("utf-8") if isinstance(t, str) else t for t in tokens]
    hashes = siphash24(data, salt) if salt is not None else fingerprint64(data)
    return (hashes % np.uint64(num_buckets)).astype(np.int64).tolist()


def normalize_salt(salt):
    """Keras's ``salt``: None, an int (used twice) or two ints, as a list of two ints."""
    if salt is None:
        return None
    if isinstance(salt, (tuple, list)) and len(salt) == 2:
        return list(salt)
    if isinstance(salt, int) and not isinstance(salt, bool):
        return [salt, salt]
    raise ValueError("The `salt` argument for `IndexLookup` can only be a tuple of 2 integers, or a single "
                     f"integer. Received: salt={salt}.")
