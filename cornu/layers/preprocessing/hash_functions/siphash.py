"""SipHash-2-4 (Aumasson and Bernstein), vectorised over many byte strings with NumPy.

This is the keyed hash behind TensorFlow's ``to_hash_bucket_strong`` (and so behind
``keras.layers.Hashing(salt=...)``): the 128-bit key is two unsigned 64-bit words, the
message is read as little-endian 64-bit words, and the last word carries the message
length in its top byte.
"""

import numpy as np

_U64 = np.uint64
_INIT = (0x736F6D6570736575, 0x646F72616E646F6D, 0x6C7967656E657261, 0x7465646279746573)


def _rotate_left(x, bits):
    return (x << _U64(bits)) | (x >> _U64(64 - bits))


def _sip_round(v0, v1, v2, v3):
    v0 = v0 + v1
    v1 = _rotate_left(v1, 13) ^ v0
    v0 = _rotate_left(v0, 32)
    v2 = v2 + v3
    v3 = _rotate_left(v3, 16) ^ v2
    v0 = v0 + v3
    v3 = _rotate_left(v3, 21) ^ v0
    v2 = v2 + v1
    v1 = _rotate_left(v1, 17) ^ v2
    v2 = _rotate_left(v2, 32)
    return v0, v1, v2, v3


def _message_words(messages):
    """The padded 64-bit words of each message (one row each) and how many each has."""
    lengths = np.fromiter((len(m) for m in messages), dtype=np.int64, count=len(messages))
    word_counts = lengths // 8 + 1
    width = int(word_counts.max()) * 8 if len(messages) else 8
    padded = np.zeros((len(messages), width), dtype=np.uint8)
    for row, message in enumerate(messages):
        padded[row, :len(message)] = np.frombuffer(message, dtype=np.uint8)
        padded[row, word_counts[row] * 8 - 1] = len(message) & 0xFF
    return padded.view("<u8"), word_counts


def siphash24(messages, key):
    """The 64-bit SipHash-2-4 of each byte string in ``messages`` (a sequence of ``bytes``).

    Args:
        messages: a sequence of ``bytes``.
        key: two unsigned integers ``(k0, k1)``, the 128-bit key.

    Returns:
        A ``uint64`` array with one hash per message.

    Example:
    >>> siphash24([b"A"], (133, 137)) % np.uint64(2**63 - 1)
    array([2734447641339851217], dtype=uint64)
    """
    k0, k1 = (_U64(int(k) & 0xFFFFFFFFFFFFFFFF) for k in key)
    words, word_counts = _message_words(messages)
    count = len(messages)
    v0 = np.full(count, k0 ^ _U64(_INIT[0]))
    v1 = np.full(count, k1 ^ _U64(_INIT[1]))
    v2 = np.full(count, k0 ^ _U64(_INIT[2]))
    v3 = np.full(count, k1 ^ _U64(_INIT[3]))
    with np.errstate(over="ignore"):
        for column in range(words.shape[1]):
            # Messages of different lengths share the loop: rows past their last word keep their state.
            word = words[:, column]
            active = column < word_counts
            n0, n1, n2, n3 = _sip_round(*_sip_round(v0, v1, v2, v3 ^ word))
            v0 = np.where(active, n0 ^ word, v0)
            v1 = np.where(active, n1, v1)
            v2 = np.where(active, n2, v2)
            v3 = np.where(active, n3, v3)
        v2 = v2 ^ _U64(0xFF)
        for _ in range(4):
            v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
    return v0 ^ v1 ^ v2 ^ v3
