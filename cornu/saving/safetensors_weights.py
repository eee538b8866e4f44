"""Weights as a ``.safetensors`` file, with the variable names of the ``.weights.h5`` layout.

Keras 3.15 has no safetensors support; this is a cornu extension.
``model.save_weights("m.safetensors")`` writes one tensor per variable, named
like the HDF5 dataset it would be in a ``.weights.h5`` file::

    vars/0                     the root model's own variables
    layers/dense/vars/0        the first variable of the layer at ``layers/dense``
    optimizer/vars/3           ...

so a ``.weights.h5`` file and a ``.safetensors`` file of the same model hold
the same names and arrays. bfloat16 is stored natively (``BF16``).

Reading checks everything before allocating anything: the header length must
fit in the file and under ``MAX_HEADER_BYTES``; every tensor's dtype must be
known, its byte range must lie inside the data area, match its shape exactly,
and overlap no other tensor. Tensors are then read one at a time, on demand,
each charged to the load budget before its bytes are allocated.
"""

import collections.abc
import json
import math
import os

import numpy as np

from cornu.backend.common.load_budget import charge
from cornu.saving import atomic, safe_files
from cornu.saving.excerpt import short_excerpt
from cornu.saving.json_cost import charge_json
from cornu.saving.weights_store import CorruptWeightsFileError, UnsafeWeightsFileError, VarsReader, _to_numpy

# The safetensors library refuses headers over 100 MB too.
MAX_HEADER_BYTES = 100_000_000
_MAX_RANK = 64  # NumPy's own limit
_MAX_DIM = (1 << 63) - 1
FORMAT_METADATA = {"format": "np", "keras_layout": "weights.h5"}


def _numpy_dtypes():
    import ml_dtypes

    return {
        "BOOL": np.dtype("bool"), "U8": np.dtype("uint8"), "I8": np.dtype("int8"),
        "U16": np.dtype("uint16"), "I16": np.dtype("int16"), "U32": np.dtype("uint32"),
        "I32": np.dtype("int32"), "U64": np.dtype("uint64"), "I64": np.dtype("int64"),
        "F16": np.dtype("float16"), "F32": np.dtype("float32"), "F64": np.dtype("float64"),
        "BF16": np.dtype(ml_dtypes.bfloat16), "F8_E4M3": np.dtype(ml_dtypes.float8_e4m3fn),
        "F8_E5M2": np.dtype(ml_dtypes.float8_e5m2),
    }


def tensor_name(path, key):
    """The tensor name of variable ``key`` of the object at ``path``.

    Example:
    >>> tensor_name("layers/dense", "0"), tensor_name("", "0")
    ('layers/dense/vars/0', 'vars/0')
    """
    return f"{path}/vars/{key}" if path else f"vars/{key}"


def _split_name(name):
    """``(object path, variable key)`` of a tensor name, or None for names outside the layout."""
    head, sep, key = name.rpartition("/vars/")
    if sep and head and key and "/" not in key:
        return head, key
    if name.startswith("vars/") and "/" not in name[len("vars/"):]:
        return "", name[len("vars/"):]
    return None


# ----------------------------------------------------------------- writing
class _TensorStore(collections.abc.MutableMapping):
    def __init__(self, tensors, path):
        self._tensors = tensors
        self._path = path

    def _name(self, key):
        return tensor_name(self._path, str(key))

    def __setitem__(self, key, value):
        self._tensors[self._name(key)] = np.asarray(_to_numpy(value), order="C")  # keeps 0-d arrays 0-d

    def __getitem__(self, key):
        return self._tensors[self._name(key)]

    def __delitem__(self, key):
        del self._tensors[self._name(key)]

    def _keys(self):
        prefix = tensor_name(self._path, "")
        keys = (name[len(prefix):] for name in self._tensors if name.startswith(prefix))
        return [key for key in keys if "/" not in key]

    def __iter__(self):
        return iter(self._keys())

    def __len__(self):
        return len(self._keys())


class SafetensorsWeightsWriter:
    """Collects variables, then writes them as one ``.safetensors`` file on ``close()`` (atomically).

    Example:
    >>> with SafetensorsWeightsWriter("m.safetensors") as writer:
    ...     writer.make("layers/dense")["0"] = kernel
    """

    def __init__(self, path):
        self._path = os.fspath(path)
        self._tensors = {}

    def make(self, path, name=None):
        """The store of the object at ``path``; ``name`` is accepted for the common writer interface."""
        return _TensorStore(self._tensors, path)

    def close(self):
        from safetensors.numpy import save_file

        with atomic.atomic_path(self._path) as temp:
            save_file(self._tensors, temp, metadata=dict(FORMAT_METADATA))

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            self.close()
        self._tensors = {}


# ----------------------------------------------------------------- reading
def _refuse(source, what):
    raise UnsafeWeightsFileError(
        f"Refusing to read the safetensors file {source}: {what}. The file is corrupt or was crafted; "
        "only load weights files you trust."
    )


def _parse_header(raw, data_size, source):
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise CorruptWeightsFileError(
            f"The safetensors file {source} has a damaged header ({type(e).__name__}: {e})."
        ) from e
    if not isinstance(header, dict):
        raise CorruptWeightsFileError(f"The safetensors file {source} has a header that is not a JSON object.")
    dtypes = _numpy_dtypes()
    entries = {}
    for name, entry in header.items():
        if name == "__metadata__":
            if not isinstance(entry, dict) or not all(isinstance(v, str) for v in entry.values()):
                _refuse(source, "its `__metadata__` is not a mapping of strings")
            continue
        if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
            _refuse(source, f"the entry of tensor {short_excerpt(name, 80)} is not {{dtype, shape, data_offsets}}")
        dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
        if not isinstance(dtype, str) or dtype not in dtypes:
            _refuse(source, f"tensor {short_excerpt(name, 80)} has the unsupported dtype {short_excerpt(dtype, 40)}")
        if (not isinstance(shape, list) or len(shape) > _MAX_RANK
                or not all(type(d) is int and 0 <= d <= _MAX_DIM for d in shape)):
            # bounded before any arithmetic: a product of huge integers would cost minutes
            _refuse(source, f"tensor {short_excerpt(name, 80)} has the invalid shape {short_excerpt(shape, 120)} (at most "
                            f"{_MAX_RANK} dimensions of at most {_MAX_DIM} each)")
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(type(o) is int for o in offsets)):
            _refuse(source, f"tensor {short_excerpt(name, 80)} has invalid data offsets {short_excerpt(offsets, 120)}")
        begin, end = offsets
        nbytes = math.prod(shape) * dtypes[dtype].itemsize  # Python ints: no overflow
        if not 0 <= begin <= end <= data_size:
            _refuse(source, f"tensor {short_excerpt(name, 80)} claims bytes [{begin}, {end}) of a {data_size}-byte data area")
        if end - begin != nbytes:
            _refuse(source, f"tensor {short_excerpt(name, 80)} of shape {shape} needs {nbytes} bytes but claims {end - begin}")
        entries[name] = (dtypes[dtype], tuple(shape), begin, end)
    previous_end, previous_name = 0, None
    for name, (_, _, begin, end) in sorted(entries.items(), key=lambda item: (item[1][2], item[1][3])):
        if begin < previous_end:
            _refuse(source, f"tensors {short_excerpt(previous_name, 80)} and {short_excerpt(name, 80)} overlap")
        previous_end, previous_name = end, name
    return entries


class SafetensorsWeightsReader:
    """Reads a ``.safetensors`` weights file after checking its header (see the module docstring).

    Example:
    >>> with SafetensorsWeightsReader("m.safetensors") as reader:
    ...     kernel = reader.get("layers/dense")["0"]
    """

    def __init__(self, path):
        self._path = os.fspath(path)
        self.source = repr(self._path)
        self._file = safe_files.open_regular(self._path)  # a pipe or device would block the load
        try:
            self._entries, self._data_start = self._read_header()
        except BaseException:
            self._file.close()
            raise
        self._by_path = {}
        for name in self._entries:
            split = _split_name(name)
            if split is not None:
                self._by_path.setdefault(split[0], {})[split[1]] = name
        self._requested = set()

    def _read_header(self):
        size = os.fstat(self._file.fileno()).st_size
        prefix = self._file.read(8)
        if len(prefix) < 8:
            raise CorruptWeightsFileError(
                f"The safetensors file {self.source} is {size} bytes long, too short for a header. It is truncated."
            )
        header_size = int.from_bytes(prefix, "little")
        if header_size > MAX_HEADER_BYTES:
            _refuse(self.source, f"its header claims {header_size} bytes, over the {MAX_HEADER_BYTES}-byte limit")
        if 8 + header_size > size:
            raise CorruptWeightsFileError(
                f"The safetensors file {self.source} declares a {header_size}-byte header but is only {size} bytes "
                "long. It is truncated."
            )
        charge(header_size, f"the header of {self.source}")
        raw = self._file.read(header_size)
        charge_json(raw, f"the header of {self.source}")
        data_start = 8 + header_size
        return _parse_header(raw, size - data_start, self.source), data_start

    def read_tensor(self, name):
        """The array stored under ``name`` (read now, after the header's byte range was checked)."""
        dtype, shape, begin, end = self._entries[name]
        charge(end - begin, f"tensor {short_excerpt(name, 80)} of {self.source}")
        buffer = bytearray(end - begin)
        self._file.seek(self._data_start + begin)
        if self._file.readinto(buffer) != len(buffer):
            raise CorruptWeightsFileError(f"The safetensors file {self.source} ended inside tensor {short_excerpt(name, 80)}.")
        return np.frombuffer(buffer, dtype=dtype).reshape(shape)

    def names(self):
        return list(self._entries)

    def get(self, path):
        """The store of the object at ``path`` (empty when the file has none)."""
        names = self._by_path.get(path)
        if names is None:
            return VarsReader(None, path)
        self._requested.add(path)
        return _SafetensorsVars(self, names, path)

    def has_path(self, path):
        return path in self._by_path or any(p.startswith(f"{path}/") for p in self._by_path)

    def unread_paths(self, ignore=("optimizer",)):
        return sorted(p or "/" for p in self._by_path if p not in self._requested and p.split("/")[0] not in ignore)

    def close(self):
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _SafetensorsVars(collections.abc.Mapping):
    def __init__(self, reader, names, path):
        self._reader = reader
        self._names = names
        self.path = path

    def __getitem__(self, key):
        name = self._names.get(str(key))
        if name is None:
            raise KeyError(
                f"The weights file has no variable '{key}' for the object at '{self.path or '/'}'. "
                f"It has: {sorted(self._names)}"
            )
        return self._reader.read_tensor(name)

    def __iter__(self):
        return iter(sorted(self._names, key=lambda k: (not k.isdigit(), int(k) if k.isdigit() else 0, k)))

    def __len__(self):
        return len(self._names)
