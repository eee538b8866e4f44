"""The HDF5 weights file, laid out exactly as Keras 3 lays it out.

Each saveable object owns a group at its attribute path (``layers/dense``,
``optimizer``, ...) with a ``vars`` sub-group whose datasets are named
``"0"``, ``"1"``, ... and whose attribute ``name`` is the object's name. The
root model's own variables live in the top-level ``vars`` group. bfloat16
arrays are stored as 2-byte opaque values with the attribute
``dtype="bfloat16"``.

Reading fails closed: when a file is opened, every object in it is checked
and the file is refused if it holds soft or external links, datasets stored
in external files, virtual datasets (which read other files), filters that
would need an HDF5 plugin (a shared library loaded at read time), or
datasets whose declared size is far larger than what the file stores. Each
array is then charged to the load budget at its full decompressed size before
it is read, and variable-length data is refused where a weight is expected
(see ``h5_reads``).
"""

import collections.abc
import math
import os

import h5py
import numpy as np

from cornu import backend
from cornu.saving import h5_reads
from cornu.saving.excerpt import short_excerpt

# Filters HDF5 (and h5py, for lzf) implement themselves: no plugin is ever loaded for them.
_BUILTIN_FILTERS = {
    h5py.h5z.FILTER_DEFLATE: "gzip",
    h5py.h5z.FILTER_SHUFFLE: "shuffle",
    h5py.h5z.FILTER_FLETCHER32: "fletcher32",
    h5py.h5z.FILTER_SZIP: "szip",
    h5py.h5z.FILTER_NBIT: "nbit",
    h5py.h5z.FILTER_SCALEOFFSET: "scaleoffset",
    32000: "lzf",
}
# Datasets that declare more than _MAX_EXPANSION times the bytes they store (chunks never written,
# or compressed far beyond what real weights allow) may add up to at most this many bytes per file.
# Keras and cornu write uncompressed datasets, which store exactly what they declare.
_BOMB_FLOOR_BYTES = 64 << 20
_MAX_EXPANSION = 1000


def _bfloat16():
    import ml_dtypes

    return ml_dtypes.bfloat16


def _to_numpy(value):
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, backend.Variable):
        return np.asarray(value.numpy())
    if backend.is_tensor(value):
        return np.asarray(backend.convert_to_numpy(value))
    return np.asarray(value)


class UnsafeWeightsFileError(ValueError):
    """Raised when a weights file holds content cornu refuses to read (links, plugins, bombs)."""


class CorruptWeightsFileError(ValueError):
    """Raised when a weights file cannot be parsed (truncated, damaged, or not a weights file)."""


def write_dataset(group, key, value):
    """Writes ``value`` as dataset ``key`` of ``group`` in Keras's encoding (bfloat16 as tagged 2-byte values)."""
    array = _to_numpy(value)
    if key in group:
        del group[key]
    if backend.standardize_dtype(array.dtype) == "bfloat16":
        dataset = group.create_dataset(key, data=array)
        dataset.attrs["dtype"] = "bfloat16"
    else:
        group[key] = array


# ----------------------------------------------------------------- writing
class VarsWriter(collections.abc.MutableMapping):
    """The ``vars`` group of one object, open for writing: ``store["0"] = array``.

    The group is created on first use, or at once when the object has a name
    (Keras writes an empty named group for layers without variables).

    Example:
    >>> store = writer.make("layers/dense", name="dense")
    >>> store["0"] = np.ones((4, 3), "float32")
    """

    def __init__(self, h5_file, path, name=None):
        self._file = h5_file
        self._path = path
        self._group = None
        if name is not None:
            self._ensure_group().attrs["name"] = name

    def _ensure_group(self):
        if self._group is None:
            full = f"{self._path}/vars" if self._path else "vars"
            self._group = self._file.require_group(full)
        return self._group

    def __setitem__(self, key, value):
        write_dataset(self._ensure_group(), str(key), value)

    def __getitem__(self, key):
        if self._group is None or str(key) not in self._group:
            raise KeyError(key)
        return _read_dataset(self._group[str(key)])

    def __delitem__(self, key):
        if self._group is None or str(key) not in self._group:
            raise KeyError(key)
        del self._group[str(key)]

    def __iter__(self):
        return iter(self._group.keys()) if self._group is not None else iter(())

    def __len__(self):
        return len(self._group) if self._group is not None else 0


class H5WeightsWriter:
    """Writes a Keras-layout weights file to a path or a binary file object.

    Example:
    >>> writer = H5WeightsWriter(f)
    >>> writer.make("", name="model")["0"] = np.zeros(2)
    >>> writer.close()
    """

    def __init__(self, path_or_file):
        # A path is opened here as a Python file: HDF5's own file driver reports a failed write
        # (disk full, file too large) as noise at garbage collection and can crash the process,
        # while through a Python file it is one clean OSError (see cornu/saving/atomic.py).
        self._owned = open(path_or_file, "w+b") if isinstance(path_or_file, (str, bytes, os.PathLike)) else None
        try:
            self._file = h5py.File(self._owned if self._owned is not None else path_or_file, "w")
        except BaseException:
            if self._owned is not None:
                self._owned.close()
            raise

    def make(self, path, name=None):
        """The ``vars`` store of the object at ``path`` ("" for the root)."""
        return VarsWriter(self._file, path, name=name)

    def close(self):
        try:
            self._file.close()
        finally:
            if self._owned is not None:
                self._owned.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ----------------------------------------------------------------- reading
def _is_bfloat16(dataset):
    if "dtype" not in dataset.attrs:
        return False
    tag = h5_reads.read_attribute(dataset, "dtype", f"the dtype tag of dataset '{dataset.name}'", max_items=1)
    if isinstance(tag, np.ndarray) and tag.size == 1:
        tag = tag.reshape(())[()]
    return tag in ("bfloat16", b"bfloat16")


def _read_dataset(dataset):
    """The array of ``dataset``, charged to the running load before it is read (see ``h5_reads``)."""
    try:
        bfloat16 = _is_bfloat16(dataset)
        raw = h5_reads.read_dataset(dataset)
    except h5_reads.UnboundedReadError as e:
        raise UnsafeWeightsFileError(str(e)) from e
    if bfloat16:
        if raw.dtype.itemsize != 2:
            raise UnsafeWeightsFileError(
                f"Dataset '{dataset.name}' is marked bfloat16 but holds {raw.dtype.itemsize}-byte values."
            )
        return raw.view(_bfloat16())
    return raw


class VarsReader(collections.abc.Mapping):
    """The ``vars`` group of one object, read-only: ``store["0"]`` is a NumPy array.

    A missing group reads as an empty store (the object's own check then
    reports the mismatch).

    Example:
    >>> kernel = reader.get("layers/dense")["0"]
    """

    def __init__(self, group, path):
        self._group = group
        self.path = path

    def __getitem__(self, key):
        key = str(key)
        if self._group is None or key not in self._group:
            raise KeyError(
                f"The weights file has no variable '{key}' for the object at "
                f"'{self.path or '/'}'. It has: {short_excerpt(sorted(self.keys()))}"
            )
        return _read_dataset(self._group[key])

    def __iter__(self):
        return iter(self._group.keys()) if self._group is not None else iter(())

    def __len__(self):
        return len(self._group) if self._group is not None else 0

    def __repr__(self):
        return f"<VarsReader path='{self.path}' keys={list(self)}>"


def _refuse(source, what, fix="Only load weights files you trust, saved by Keras or cornu."):
    raise UnsafeWeightsFileError(f"Refusing to read the weights file {source}: {what}. {fix}")


def _check_dataset(dataset, source, budget):
    name = short_excerpt(dataset.name, limit=120)
    if dataset.external:
        _refuse(source, f"dataset {name} keeps its data in external files {short_excerpt(dataset.external)}")
    if dataset.is_virtual:
        _refuse(source, f"dataset {name} is a virtual dataset (it reads other files)")
    plist = dataset.id.get_create_plist()
    for i in range(plist.get_nfilters()):
        code = plist.get_filter(i)[0]
        if code not in _BUILTIN_FILTERS:
            _refuse(
                source,
                f"dataset {name} is compressed with HDF5 filter {code}, which needs a plugin "
                "(a shared library loaded while reading)",
                "Re-save the weights without that compression.",
            )
    dtype = dataset.dtype
    if h5py.check_dtype(ref=dtype) is not None or (
        h5py.check_vlen_dtype(dtype) is not None and h5py.check_string_dtype(dtype) is None
    ):
        _refuse(source, f"dataset {name} holds references or variable-length sequences, not arrays")
    shape = dataset.shape or ()
    declared = math.prod(shape) * dtype.itemsize
    stored = dataset.id.get_storage_size()
    if declared > _MAX_EXPANSION * stored:
        budget[0] += declared
        if budget[0] > _BOMB_FLOOR_BYTES:
            _refuse(
                source,
                f"dataset {name} declares {declared} bytes but stores only {stored} "
                "(a decompression/shape bomb)",
            )


def _corrupt(source, error):
    return CorruptWeightsFileError(
        f"Cannot read the weights file {source}: it is corrupted or truncated ({type(error).__name__}: {error}). "
        "Save the weights again, or check that the file was copied completely."
    )


def check_h5_file(h5_file, source):
    """Checks every link and object of an open HDF5 file.

    Raises ``UnsafeWeightsFileError`` for unsafe content and
    ``CorruptWeightsFileError`` when the file's structure cannot be read.

    Example:
    >>> check_h5_file(h5py.File("w.weights.h5", "r"), "w.weights.h5")
    """
    try:
        _check_objects(h5_file, source)
    except UnsafeWeightsFileError:
        raise
    except Exception as e:  # h5py reports damaged metadata as OSError, KeyError, RuntimeError, ...
        raise _corrupt(source, e) from e


def _check_objects(h5_file, source):
    seen = set()
    budget = [0]
    stack = [h5_file]
    while stack:
        group = stack.pop()
        for key in group.keys():
            link = group.get(key, getlink=True)
            if not isinstance(link, h5py.HardLink):
                where = f"{group.name.rstrip('/')}/{key}"
                _refuse(source, f"'{where}' is an HDF5 {type(link).__name__}, not a stored value")
            child = group.get(key)
            if child is None:
                raise KeyError(f"'{group.name.rstrip('/')}/{key}' cannot be opened")
            if child.id in seen:
                _refuse(source, f"'{child.name}' is reachable by several paths (hard-link loop or alias)")
            seen.add(child.id)
            if isinstance(child, h5py.Group):
                stack.append(child)
            elif isinstance(child, h5py.Dataset):
                _check_dataset(child, source, budget)
            else:
                _refuse(source, f"'{child.name}' is a {type(child).__name__}, not a group or an array")


class H5WeightsReader:
    """Reads a Keras-layout weights file after checking it is safe (see the module docstring).

    Example:
    >>> with H5WeightsReader("model.weights.h5") as reader:
    ...     kernel = reader.get("layers/dense")["0"]
    """

    def __init__(self, path_or_file, source=None):
        self.source = repr(str(source if source is not None else path_or_file))
        try:
            self._file = h5py.File(path_or_file, "r")
        except FileNotFoundError:
            raise
        except Exception as e:  # OSError for most damage; others for odd headers
            raise CorruptWeightsFileError(
                f"Cannot read the weights file {self.source}: it is not a valid HDF5 file ({e}). "
                "It may be truncated or corrupted; save it again."
            ) from e
        try:
            check_h5_file(self._file, self.source)
        except BaseException:
            self._file.close()
            raise
        self._legacy_root = "_layer_checkpoint_dependencies" in self._file
        self._read_groups = set()

    def _group(self, path):
        if not path:
            return self._file
        if path in self._file and isinstance(self._file[path], h5py.Group):
            return self._file[path]
        if self._legacy_root:  # Keras 2.13 files name the layer list differently
            legacy = path.replace("layers", "_layer_checkpoint_dependencies")
            if legacy in self._file and isinstance(self._file[legacy], h5py.Group):
                return self._file[legacy]
        return None

    def get(self, path):
        """The ``vars`` store of the object at ``path`` (empty when the file has none)."""
        group = self._group(path)
        if group is not None and isinstance(group.get("vars"), h5py.Group):
            self._read_groups.add(group["vars"].name)
            return VarsReader(group["vars"], path)
        return VarsReader(None, path)

    def unread_paths(self, ignore=("optimizer",)):
        """Paths of objects whose saved variables no ``get`` asked for (weights the model did not take)."""
        unread = []

        def visit(name, obj):
            if isinstance(obj, h5py.Group) and name.rsplit("/", 1)[-1] == "vars" and len(obj):
                path = name[: -len("vars")].rstrip("/")
                if obj.name not in self._read_groups and path.split("/")[0] not in ignore:
                    unread.append(path or "/")

        try:
            self._file.visititems(visit)
        except Exception as e:
            raise _corrupt(self.source, e) from e
        return sorted(unread)

    def has_path(self, path):
        return self._group(path) is not None

    def close(self):
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
