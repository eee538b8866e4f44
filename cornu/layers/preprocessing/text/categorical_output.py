"""Vocabulary ids to ``one_hot``, ``multi_hot``, ``count`` or ``tf_idf`` vectors, on any backend.

Negative ids are dropped (they mark padding and, outside ``"int"`` mode, the mask
token), as Keras drops them from its counts.
"""

import numpy as np

from cornu.backend import standardize_dtype

ENCODED_MODES = ("one_hot", "multi_hot", "count", "tf_idf")
_ID_DTYPES = {}


def id_dtype(ns):
    """The dtype int64 ids get on namespace ``ns``: int64, or int32 where the backend has no
    64-bit ints by default (JAX), as Keras's outputs have on JAX."""
    if ns.name not in _ID_DTYPES:
        _ID_DTYPES[ns.name] = standardize_dtype(ns.convert_to_tensor(np.zeros((), np.int64)).dtype)
    return _ID_DTYPES[ns.name]


def encode_ids(ns, ids, output_mode, depth, idf_weights=None):
    """Encodes integer ``ids`` (a tensor of namespace ``ns``) as vectors of length ``depth``.

    ``one_hot`` adds an axis (replacing a trailing axis of size 1); the other modes reduce the
    last axis (a 1-D input is one sample). ``tf_idf`` multiplies the counts by ``idf_weights``.
    Outputs are int64 (the backend's int) and float32 for ``tf_idf``, as Keras returns them.

    Example:
    >>> encode_ids(numpy_namespace(), np.array([[1, 1, 3]]), "count", 4)
    array([[0, 2, 0, 1]])
    """
    shape = tuple(ns.shape(ids))
    if len(shape) == 0:
        ids = ns.numpy.expand_dims(ids, -1)
        shape = (1,)
    if output_mode == "one_hot" and len(shape) > 1 and shape[-1] == 1:
        ids = ns.numpy.squeeze(ids, -1)
    classes = ns.cast(ns.numpy.arange(depth), ids.dtype)
    hits = ns.numpy.equal(ns.numpy.expand_dims(ids, -1), classes)
    if output_mode == "one_hot":
        return ns.cast(hits, id_dtype(ns))
    if output_mode == "multi_hot":
        return ns.cast(ns.numpy.any(hits, axis=-2), id_dtype(ns))
    counts = ns.numpy.sum(ns.cast(hits, id_dtype(ns) if output_mode == "count" else "float32"), axis=-2)
    if output_mode == "count":
        return counts
    return ns.numpy.multiply(counts, ns.convert_to_tensor(idf_weights, dtype="float32"))


def pad_ids(ids, counts, width, fill):
    """Rows of ``width`` ids from a flat ``ids`` array holding ``counts[i]`` ids for row ``i``:
    cut after ``width``, padded with ``fill`` (NumPy, int64).

    Example:
    >>> pad_ids(np.array([5, 6, 7]), np.array([2, 0, 1]), 3, 0)
    array([[5, 6, 0],
           [0, 0, 0],
           [7, 0, 0]])
    """
    out = np.full((len(counts), width), fill, dtype=np.int64)
    if width == 0 or not len(ids):
        return out
    if int(counts.max()) > width:
        position = np.arange(len(ids)) - np.repeat(np.cumsum(counts) - counts, counts)
        ids = ids[position < width]
        counts = np.minimum(counts, width)
    out[np.arange(width) < counts[:, None]] = ids
    return out


def encode_rows(ids, counts, output_mode, depth, idf_weights=None):
    """``multi_hot``, ``count`` or ``tf_idf`` rows (NumPy) from a flat ``ids`` array holding
    ``counts[i]`` ids for row ``i``; the same values as ``encode_ids`` on the padded ids.

    Example:
    >>> encode_rows(np.array([1, 1, 3, 2]), np.array([3, 1]), "count", 4)
    array([[0, 2, 0, 1],
           [0, 0, 1, 0]])
    """
    rows = np.repeat(np.arange(len(counts)), counts)
    keep = (ids >= 0) & (ids < depth)
    if not keep.all():
        rows, ids = rows[keep], ids[keep]
    if output_mode == "multi_hot":
        out = np.zeros((len(counts), depth), dtype=np.int64)
        out[rows, ids] = 1
        return out
    cells = rows * depth + ids
    if output_mode == "count":
        counted = np.bincount(cells, minlength=len(counts) * depth).astype(np.int64, copy=False)
        return counted.reshape(len(counts), depth)
    # tf_idf: float32 counts (exact) times the weight, written only where a count is (the rest of a
    # large output stays untouched zero pages until read).
    out = np.zeros(len(counts) * depth, dtype=np.float32)
    np.add.at(out, cells, np.float32(1))
    out[cells] = out[cells] * np.asarray(idf_weights, dtype=np.float32)[ids]
    return out.reshape(len(counts), depth)
