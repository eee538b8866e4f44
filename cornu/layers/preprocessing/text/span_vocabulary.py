"""A vocabulary that looks up tokens given as byte spans of one buffer, all in NumPy.

A token of up to 7 bytes and its length make one exact 64-bit key (the bytes, the length
in the top byte); a longer token (up to ``MAX_HASHED`` bytes) is hashed from its 64-bit
words into a key whose top byte is 0xFF. Keys are multiplied by an odd constant (a
bijection) into hashes, and an open-addressing table (NumPy arrays, linear probing) maps
hashes to ids. Equal hashes of short tokens mean equal tokens; a long token found by its
hash is compared word by word with the entry. The table refuses vocabularies where two
entries share a hash, so every answer is exact. Longer tokens go through a ``dict``.
"""

import numpy as np

MAX_HASHED = 64
# The bytes of a word that belong to a span with ``n`` bytes left (all 8 from ``n = 8`` on).
_MASKS = np.array([(1 << (8 * min(n, 8))) - 1 for n in range(MAX_HASHED + 1)], dtype=np.uint64)
# The length tag of a short token's key (top byte); long tokens get theirs later.
_TAGS = np.array([n << 56 if n < 8 else 0 for n in range(MAX_HASHED + 1)], dtype=np.uint64)
_LONG_TAG = np.uint64(0xFF << 56)
_LOW_56 = np.uint64((1 << 56) - 1)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIXER = np.uint64(0xFF51AFD7ED558CCD)
_MIXER_2 = np.uint64(0xC4CEB9FE1A85EC53)
_EMPTY = np.uint64(0)  # no key is 0 (every key has a nonzero top byte), so no hash is


def _mix(h):
    """Steps of the MurmurHash3 finalizer (a bijection of uint64, in place): one to fold a word in,
    all three before a long token's hash loses its top byte to the tag."""
    with np.errstate(over="ignore"):
        h ^= h >> np.uint64(33)
        h *= _MIXER
    return h


def _finish(h):
    _mix(h)
    with np.errstate(over="ignore"):
        h ^= h >> np.uint64(33)
        h *= _MIXER_2
        h ^= h >> np.uint64(33)
    return h


def _words(buffer):
    """Every 8-byte little-endian word of ``buffer`` by its first byte (an unaligned view)."""
    codes = np.frombuffer(buffer, dtype=np.uint8)
    return np.ndarray(shape=(len(codes) - 7,), dtype="<u8", buffer=codes, strides=(1,))


def _word(words, starts, lengths, k):
    """Word ``k`` of each span, bytes past the span's end zeroed."""
    if k == 0:
        return words[starts] & _MASKS[lengths]
    return words[starts + 8 * k] & _MASKS[lengths - 8 * k]


def span_hashes(buffer, starts, lengths):
    """The hash of each span (``0 < lengths <= MAX_HASHED``) of ``buffer``, which has at least
    8 bytes after every span; never 0."""
    words = _words(buffer)
    keys = _word(words, starts, lengths, 0)
    keys |= _TAGS[lengths]
    long_spans = np.flatnonzero(lengths >= 8)
    if long_spans.size:
        long_starts, long_lengths = starts[long_spans], lengths[long_spans]
        mixed = keys[long_spans]
        for k in range(1, -(-int(long_lengths.max()) // 8)):
            more = np.flatnonzero(long_lengths > 8 * k)
            mixed[more] = _mix(mixed[more]) ^ _word(words, long_starts[more], long_lengths[more], k)
        mixed = _finish(mixed ^ long_lengths.astype(np.uint64))
        keys[long_spans] = (mixed & _LOW_56) | _LONG_TAG
    with np.errstate(over="ignore"):
        keys *= _GOLDEN
    return keys


class SpanVocabulary:
    """Token (``bytes``) -> id for tokens given as spans of a buffer; ``default`` for the others.

    Example:
    >>> vocabulary = SpanVocabulary([b"cat", b"dog"], [2, 3], default=1)
    >>> vocabulary.lookup(b"dog cat emu" + bytes(8), np.array([0, 4, 8]), np.array([3, 3, 3]))
    array([3, 2, 1])
    """

    def __init__(self, tokens, ids, default):
        self.table = dict(zip(tokens, ids))
        self.default = default
        hashed = [i for i, token in enumerate(tokens) if 0 < len(token) <= MAX_HASHED]
        tokens = [tokens[i] for i in hashed]
        lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
        starts = np.cumsum(lengths) - lengths
        self._buffer = b"".join(tokens) + bytes(8)
        hashes = span_hashes(self._buffer, starts, lengths)
        self.usable = len(np.unique(hashes)) == len(hashes)
        self._bits = max(4, int(len(hashes) * 2).bit_length() + 1)
        size = 1 << self._bits
        self._slot_hashes = np.full(size, _EMPTY, dtype=np.uint64)
        self._slot_ids = np.full(size, default, dtype=np.int64)
        self._slot_starts = np.zeros(size, dtype=np.int64)
        self._slot_lengths = np.zeros(size, dtype=np.int64)
        if self.usable:
            entries = self._insert(hashes)
            self._slot_ids[entries] = np.asarray(ids, dtype=np.int64)[hashed]
            self._slot_starts[entries] = starts
            self._slot_lengths[entries] = lengths

    def _first_slots(self, hashes):
        return (hashes >> np.uint64(64 - self._bits)).astype(np.intp)

    def _insert(self, hashes):
        """Puts ``hashes`` in the table; returns the slot of each."""
        slots = self._first_slots(hashes)
        pending = np.arange(len(hashes))
        mask = len(self._slot_hashes) - 1
        while pending.size:
            wanted = slots[pending]
            free = self._slot_hashes[wanted] == _EMPTY
            taken, first = np.unique(wanted[free], return_index=True)
            winners = pending[free][first]
            self._slot_hashes[taken] = hashes[winners]
            placed = np.zeros(len(hashes), dtype=bool)
            placed[winners] = True
            pending = pending[~placed[pending]]
            slots[pending] = (slots[pending] + 1) & mask
        return slots

    def _slots(self, hashes):
        """The slot holding each of ``hashes``, or the empty slot that ends its probe."""
        slots = self._first_slots(hashes)
        found = self._slot_hashes[slots]
        probing = np.flatnonzero((found != hashes) & (found != _EMPTY))
        mask = len(self._slot_hashes) - 1
        probe = slots[probing]
        while probing.size:
            probe = (probe + 1) & mask
            found = self._slot_hashes[probe]
            done = (found == hashes[probing]) | (found == _EMPTY)
            slots[probing[done]] = probe[done]
            probing, probe = probing[~done], probe[~done]
        return slots

    def lookup(self, buffer, starts, lengths):
        """The id of each span of ``buffer`` (zero-padded by 8 bytes)."""
        hashed = (lengths > 0) & (lengths <= MAX_HASHED)
        if not self.usable:
            hashed[:] = False
        if hashed.all():
            return self._hashed_lookup(buffer, starts, lengths)
        ids = np.full(len(starts), self.default, dtype=np.int64)
        where = np.flatnonzero(hashed)
        if where.size:
            ids[where] = self._hashed_lookup(buffer, starts[where], lengths[where])
        rest = np.flatnonzero(~hashed)
        table, default = self.table, self.default
        ids[rest] = [table.get(buffer[s:s + n], default) for s, n in zip(starts[rest].tolist(), lengths[rest].tolist())]
        return ids

    def _hashed_lookup(self, buffer, starts, lengths):
        slots = self._slots(span_hashes(buffer, starts, lengths))
        ids = self._slot_ids[slots]
        long_spans = np.flatnonzero(lengths >= 8)
        if long_spans.size:
            ids[long_spans[~self._same_words(buffer, starts[long_spans], lengths[long_spans],
                                             slots[long_spans])]] = self.default
        return ids

    def _same_words(self, buffer, starts, lengths, slots):
        """Whether each long span equals the entry in its slot (an empty slot's length is 0)."""
        same = self._slot_lengths[slots] == lengths
        check = np.flatnonzero(same)
        if not check.size:
            return same
        words, entry_words = _words(buffer), _words(self._buffer)
        starts, lengths, entries = starts[check], lengths[check], self._slot_starts[slots[check]]
        equal = np.ones(len(check), dtype=bool)
        for k in range(-(-int(lengths.max()) // 8)):
            more = np.flatnonzero(lengths > 8 * k)
            equal[more] &= (_word(words, starts[more], lengths[more], k)
                            == _word(entry_words, entries[more], lengths[more], k))
        same[check] = equal
        return same
