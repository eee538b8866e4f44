"""Sharded weights: a ``.weights.json`` index plus ``.weights.h5`` shards, as Keras 3 writes them.

``model.save_weights("big.weights.json", max_shard_size=2)`` writes::

    big.weights.json          {"metadata": {"total_size": ...},
                               "weight_map": {"/layers/dense/vars": "big_00000.weights.h5", ...}}
    big_00000.weights.h5      the first variables, in the ordinary ``.weights.h5`` layout
    big_00001.weights.h5      ... a new shard whenever the next variable would overflow

``max_shard_size`` is in GB (``1024**3`` bytes), as in Keras. An object whose
variables span two shards maps to a list of file names. All shards and the
index are written to temporary files first and renamed into place only once
every one of them is complete (the index last).

Reading checks the index before opening anything: it must be a small JSON
object whose file names are plain names in the index's own folder (no
``/``, ``\\`` or ``..``). Then every shard it names is opened and checked like
any weights file (see ``weights_store``) before a single variable is read.
The index and every shard are opened through ``safe_files``: regular files
only, opened without blocking, and a shard must resolve (links followed)
inside the index's folder.
"""

import collections.abc
import json
import math
import os
import warnings

import h5py

from cornu.saving import atomic, safe_files
from cornu.saving.excerpt import short_excerpt
from cornu.saving.json_cost import charge_json
from cornu.saving.weights_store import (
    CorruptWeightsFileError,
    H5WeightsReader,
    UnsafeWeightsFileError,
    VarsReader,
    _to_numpy,
    write_dataset,
)

INDEX_SUFFIX = ".weights.json"
MAX_INDEX_BYTES = 64 << 20
_GB = 1024**3


def index_path_for(filepath):
    """The index path Keras uses: a ``.weights.h5`` name gets a ``.json`` suffix, with a warning.

    Example:
    >>> index_path_for("big.weights.h5")  # warns
    'big.weights.json'
    """
    root, ext = os.path.splitext(filepath)
    if ext == ".json":
        return filepath
    new_path = root + ".json"
    warnings.warn(
        f"Sharded weights need a `*.json` index file name. The original path: {filepath} will be "
        f"renamed to {new_path}.",
        stacklevel=3,
    )
    return new_path


def shard_base_name(index_path):
    """The prefix of the shard names (Keras's rule: the index's stem without ``.weights``)."""
    stem = os.path.splitext(os.path.basename(index_path))[0]
    return stem.replace(".weights", "")


def vars_key(path):
    """The weight-map key of the object at ``path``: its ``vars`` group name."""
    return f"/{path}/vars" if path else "/vars"


# ----------------------------------------------------------------- writing
class _ShardedVarsWriter(collections.abc.MutableMapping):
    """The ``vars`` store of one object; each variable goes to the shard that has room for it."""

    def __init__(self, writer, path, name):
        self._writer = writer
        self._path = path
        self._name = name
        if name is not None:
            writer.group_in_current_shard(path, name)

    def __setitem__(self, key, value):
        self._writer.write(self._path, self._name, str(key), _to_numpy(value))

    def __getitem__(self, key):
        return self._writer.read_back(self._path, str(key))

    def __delitem__(self, key):
        self._writer.delete(self._path, str(key))

    def __iter__(self):
        return iter(self._writer.keys(self._path))

    def __len__(self):
        return len(self._writer.keys(self._path))


class ShardedH5WeightsWriter:
    """Writes a sharded weights set; ``close()`` writes the index, the ``AtomicFileGroup`` commits it all.

    Example:
    >>> with atomic.AtomicFileGroup() as files:
    ...     with ShardedH5WeightsWriter("w.weights.json", max_shard_size=1, files=files) as writer:
    ...         save_state(model, writer)
    """

    def __init__(self, index_path, max_shard_size, files):
        try:
            limit = float(max_shard_size) * _GB
        except (TypeError, ValueError):
            limit = float("nan")
        if not limit > 0:
            raise ValueError(
                "`max_shard_size` is the largest shard size in GB and must be a positive number. "
                f"Received: max_shard_size={max_shard_size!r}"
            )
        self._limit = limit
        self._index_path = os.fspath(index_path)
        self._folder = os.path.dirname(os.path.abspath(self._index_path))
        self._base = shard_base_name(self._index_path)
        self._files = files
        self._shards = []  # (file name, open h5py.File)
        self._current_size = 0
        self._total_size = 0
        self._weight_map = {}
        self._new_shard()

    def _new_shard(self):
        filename = f"{self._base}_{len(self._shards):05}.weights.h5"
        # A Python file object, so that a failed write (disk full) is a clean OSError (see atomic.py).
        temp_file = self._files.open_temp(os.path.join(self._folder, filename))
        self._shards.append((filename, h5py.File(temp_file, "w")))
        self._current_size = 0

    def _group(self, h5_file, path, name=None, create=True):
        key = vars_key(path)
        if key not in h5_file:
            if not create:
                return None
            h5_file.require_group(key)
        group = h5_file[key]
        if name is not None:
            group.attrs["name"] = name
        return group

    def group_in_current_shard(self, path, name):
        self._group(self._shards[-1][1], path, name)

    def write(self, path, name, key, array):
        size = math.prod(array.shape) * array.dtype.itemsize
        if size > self._limit:
            raise ValueError(
                f"The size of {key} (of the object at '{path or '/'}') is {size} bytes, which exceeds the maximum "
                f"shard size of {int(self._limit)} bytes. Increase `max_shard_size` (in GB) to fit it."
            )
        self._current_size += size
        if self._current_size > self._limit:
            self._new_shard()
            self._current_size = size
        self._total_size += size
        filename, h5_file = self._shards[-1]
        write_dataset(self._group(h5_file, path, name), key, array)
        mapped = self._weight_map.get(vars_key(path))
        if mapped is None:
            self._weight_map[vars_key(path)] = filename
        else:
            mapped = mapped if isinstance(mapped, list) else [mapped]
            if filename not in mapped:
                mapped.append(filename)
            self._weight_map[vars_key(path)] = mapped

    def _groups(self, path):
        for _, h5_file in self._shards:
            group = self._group(h5_file, path, create=False)
            if group is not None:
                yield group

    def read_back(self, path, key):
        for group in self._groups(path):
            if key in group:
                return group[key][()]
        raise KeyError(key)

    def delete(self, path, key):
        for group in self._groups(path):
            if key in group:
                del group[key]
                return
        raise KeyError(key)

    def keys(self, path):
        return [key for group in self._groups(path) for key in group.keys()]

    def make(self, path, name=None):
        """The ``vars`` store of the object at ``path`` ("" for the root)."""
        return _ShardedVarsWriter(self, path, name)

    def close(self):
        try:
            for _, h5_file in self._shards:
                h5_file.close()
        except BaseException:
            self.abort()
            raise
        index = {"metadata": {"total_size": self._total_size}, "weight_map": self._weight_map}
        with open(self._files.temp_path(self._index_path), "w", encoding="utf-8") as f:
            json.dump(index, f, indent=4)

    def abort(self):
        for _, h5_file in self._shards:
            if h5_file.id.valid:
                h5_file.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            self.close()
        else:
            self.abort()


# ----------------------------------------------------------------- reading
class _MergedVarsReader(collections.abc.Mapping):
    """The ``vars`` of one object spread over several shards, read as one store."""

    def __init__(self, parts, path):
        self._parts = parts
        self.path = path

    def __getitem__(self, key):
        for part in self._parts:
            if str(key) in part:
                return part[str(key)]
        raise KeyError(
            f"The weights file has no variable {short_excerpt(str(key))} for the object at '{self.path or '/'}'. "
            f"It has: {short_excerpt(list(self))}"
        )

    def __iter__(self):
        seen = set()
        for part in self._parts:
            for key in part:
                if key not in seen:
                    seen.add(key)
                    yield key

    def __len__(self):
        return sum(1 for _ in self)


def _check_shard_name(filename, source):
    bad = (
        not isinstance(filename, str)
        or not filename
        or filename in (".", "..")
        or any(c in filename for c in "/\\\x00:")
        or not filename.endswith(".h5")
    )
    if bad:
        raise UnsafeWeightsFileError(
            f"Refusing to read the sharded weights index {source}: the shard name {short_excerpt(filename)} is not "
            "a plain `.h5` file name in the index's folder (it could point anywhere on disk). Only load weights you "
            "trust."
        )
    return filename


def read_index(index_path):
    """Parses and checks a ``.weights.json`` index; returns ``{vars key: [shard names]}``."""
    source = repr(os.fspath(index_path))
    if not os.path.lexists(index_path):
        raise FileNotFoundError(f"Sharded weights index not found: filepath={index_path}")
    with safe_files.open_regular(index_path) as f:
        data = safe_files.read_bounded(f, MAX_INDEX_BYTES, f"the sharded weights index {source}",
                                       UnsafeWeightsFileError)
    charge_json(data, f"the sharded weights index {source}")
    try:
        index = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise CorruptWeightsFileError(
            f"The sharded weights index {source} is not valid JSON ({type(e).__name__}: {e}). It is corrupted."
        ) from e
    weight_map = index.get("weight_map") if isinstance(index, dict) else None
    if not isinstance(weight_map, dict):
        raise CorruptWeightsFileError(
            f"The sharded weights index {source} has no `weight_map` object: it is not a Keras `.weights.json` "
            "index file."
        )
    checked = {}
    for key, names in weight_map.items():
        names = names if isinstance(names, list) else [names]
        if not names:
            raise CorruptWeightsFileError(f"The sharded weights index {source} maps {short_excerpt(key)} to no shard.")
        checked[key] = [_check_shard_name(name, source) for name in names]
    return checked


class ShardedH5WeightsReader:
    """Reads a sharded weights set through its ``.weights.json`` index (shards open on first use).

    Example:
    >>> with ShardedH5WeightsReader("big.weights.json") as reader:
    ...     kernel = reader.get("layers/dense")["0"]
    """

    def __init__(self, index_path):
        self._index_path = os.fspath(index_path)
        self.source = repr(self._index_path)
        self._folder = os.path.dirname(os.path.abspath(self._index_path))
        self._weight_map = read_index(self._index_path)
        self._shards = {}
        self._requested = set()
        try:  # every shard is opened and checked now, so an unsafe one fails the load before any read
            for names in self._weight_map.values():
                for name in names:
                    self._shard(name)
        except BaseException:
            self.close()
            raise

    def _shard(self, filename):
        if filename not in self._shards:
            try:
                opened = safe_files.open_inside(self._folder, filename, self.source)
            except FileNotFoundError:
                raise FileNotFoundError(
                    f"The shard {short_excerpt(filename)} named by the sharded weights index {self.source} is missing. "
                    f"Copy every shard next to the index. Received: filepath={self._index_path}"
                ) from None
            label = os.path.join(self._folder, filename)
            self._shards[filename] = safe_files.reopen_by_descriptor(
                opened, lambda path: H5WeightsReader(path, source=label))
        return self._shards[filename]

    def _names_for(self, path):
        if path in self._weight_map:  # Keras also accepts the bare path as a key
            return path, self._weight_map[path]
        key = vars_key(path)
        return key, self._weight_map.get(key)

    def get(self, path):
        """The ``vars`` store of the object at ``path`` (empty when the index does not name it)."""
        key, names = self._names_for(path)
        if names is None:
            return VarsReader(None, path)
        self._requested.add(key)
        return _MergedVarsReader([self._shard(name).get(path) for name in names], path)

    def has_path(self, path):
        leading = f"/{path}"
        return any(k == leading or k.startswith(leading + "/") for k in self._weight_map)

    def unread_paths(self, ignore=("optimizer",)):
        """Paths of objects in the index that no ``get`` asked for."""
        unread = []
        for key in self._weight_map:
            if key in self._requested:
                continue
            path = key.strip("/")
            path = path[: -len("vars")].rstrip("/") if path.endswith("vars") else path
            if path.split("/")[0] not in ignore:
                unread.append(path or "/")
        return sorted(unread)

    def close(self):
        for shard in self._shards.values():
            shard.close()
        self._shards = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def save_sharded(index_path, max_shard_size, fill):
    """Writes a sharded weights set atomically; ``fill(writer)`` writes the variables.

    Example:
    >>> save_sharded("w.weights.json", 1.0, lambda writer: save_state(model, writer))
    """
    with atomic.AtomicFileGroup() as files:
        with ShardedH5WeightsWriter(index_path, max_shard_size, files) as writer:
            fill(writer)
