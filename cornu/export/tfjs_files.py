"""The files of a TensorFlow.js layers model: binary weight shards, their manifest, and the folder.

TF.js reads the weights of one manifest group as one byte string cut into shard files: every weight's
little-endian bytes one after the other, in manifest order, cut every ``shard_size`` bytes (4 MiB by
default, as the TF.js converter does, so browsers cache each piece), a weight may straddle two shards.
The files are ``group1-shard1of3.bin`` ... next to ``model.json``.

The folder is written as a whole: into a fresh temporary folder beside it, fsync'ed, then swapped in,
so a reader never sees a ``model.json`` whose shards are missing or from another export.

Example:
>>> manifest, shards = weight_shards([("dense/kernel", np.ones((2, 3), "float32"))])
>>> manifest[0]["paths"], manifest[0]["weights"][0]["shape"]
(['group1-shard1of1.bin'], [2, 3])
"""

import fnmatch
import json
import os

import numpy as np

from cornu.saving.atomic_folder import replace_folder

DEFAULT_SHARD_SIZE = 4 * 1024 * 1024
_OURS = ("model.json", "group*-shard*of*.bin")  # what an export writes, so what it may replace


def weight_shards(named_arrays, shard_size=DEFAULT_SHARD_SIZE):
    """``(weightsManifest, shard byte strings)`` for ``(name, array)`` pairs, in that order.

    Floats are stored as float32 (TF.js computes in float32), integers as int32, booleans as bool.
    """
    if not isinstance(shard_size, int) or isinstance(shard_size, bool) or shard_size < 1:
        raise ValueError(f"`weight_shard_size_bytes` must be a positive integer. Received: "
                         f"weight_shard_size_bytes={shard_size!r}")
    specs, chunks = [], []
    for name, array in named_arrays:
        array = np.asarray(array)
        dtype = _stored_dtype(array.dtype)
        data = np.ascontiguousarray(array.astype(dtype)).astype(dtype.newbyteorder("<"), copy=False)
        specs.append({"name": name, "shape": [int(d) for d in array.shape], "dtype": dtype.name})
        chunks.append(data.tobytes())
    blob = b"".join(chunks)
    shards = [blob[i:i + shard_size] for i in range(0, len(blob), shard_size)]
    paths = [f"group1-shard{i + 1}of{len(shards)}.bin" for i in range(len(shards))]
    return [{"paths": paths, "weights": specs}], shards


def _stored_dtype(dtype):
    if dtype == np.bool_:
        return np.dtype("bool")
    if np.issubdtype(dtype, np.integer):
        return np.dtype("int32")
    return np.dtype("float32")


def write_model_folder(folder, model_json, shards):
    """Writes ``model.json`` and the shards as the folder ``folder``, replacing a previous export there.

    A folder holding anything but a previous export's files is refused, so an export never deletes
    what a user keeps there.
    """

    def write(temp):
        for index, shard in enumerate(shards):
            _write_synced(os.path.join(temp, model_json["weightsManifest"][0]["paths"][index]), shard)
        _write_synced(os.path.join(temp, "model.json"), json.dumps(model_json).encode("utf-8"))

    return replace_folder(folder, write, owns=lambda name: any(fnmatch.fnmatch(name, p) for p in _OURS),
                          what="a TF.js export")


def _write_synced(path, data):
    with open(path, "xb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
