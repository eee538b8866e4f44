"""Reading HDF5 datasets and attributes of a model file within the load budget.

Every read is charged before it happens: a dataset costs ``shape x itemsize``
(the size it decompresses to, whatever its compression ratio), a fixed-size
attribute its count times its item size. Two costs are hidden from that
arithmetic because the HDF5 library allocates them from length fields stored
in the file before checking those against the file: the length of each
variable-length string, and the output of a compressed chunk that inflates
beyond its declared size. So each read also runs under an address-space
ceiling (``RLIMIT_AS`` on Linux, for the duration of the read only): the
library's allocations beyond what was charged fail, and the failure becomes a
``LoadBudgetExceeded`` instead of gigabytes of memory.

Weights are numbers: datasets of variable-length data or references are
refused where a weight is read.

Example:
>>> array = read_dataset(h5_file["layers/dense/vars/0"], "the kernel of 'dense'")
"""

import math

import h5py
import numpy as np

from cornu.backend.common.allocation_ceiling import allocation_ceiling
from cornu.backend.common.load_budget import LoadBudgetExceeded, active_budget, charge, charge_array

# The most variable-length strings one attribute may hold (Keras's name lists are split in 64 KB pieces).
MAX_VLEN_ITEMS = 100_000


class UnboundedReadError(ValueError):
    """Raised for HDF5 content whose size cannot be bounded before reading it (variable-length weights)."""


def _is_variable_length(dtype):
    return dtype.kind == "O" or h5py.check_vlen_dtype(dtype) is not None or (
        h5py.check_string_dtype(dtype) is not None and h5py.check_string_dtype(dtype).length is None)


def _chunk_excess(dataset, nbytes):
    """Bytes the library may need beyond the array itself: a chunk larger than the whole dataset."""
    chunks = dataset.chunks
    if not chunks:
        return 0
    chunk_bytes = math.prod(chunks) * dataset.dtype.itemsize
    return max(0, chunk_bytes - nbytes)


def read_dataset(dataset, what=None):
    """The array of a numeric ``dataset``, charged (its full decompressed size) before it is read.

    Example:
    >>> read_dataset(h5py.File("w.weights.h5")["vars/0"]).shape
    (4, 3)
    """
    what = what or f"dataset '{dataset.name}'"
    dtype = dataset.dtype
    if _is_variable_length(dtype) or h5py.check_ref_dtype(dtype) is not None:
        raise UnboundedReadError(
            f"Refusing to read {what}: it holds variable-length values ({dtype}), where a weight is an array of "
            "numbers. The file is damaged or crafted; only load weights you trust."
        )
    shape = dataset.shape or ()
    charge_array(shape, dtype.itemsize, f"{what} of shape {tuple(shape)} and dtype {dtype}")
    nbytes = math.prod(shape) * dtype.itemsize
    excess = _chunk_excess(dataset, nbytes)
    if excess:
        charge(excess, f"the oversized storage chunks of {what}")
    if dataset.chunks is None:  # contiguous storage has no filters: HDF5 reads straight into the array
        return np.asarray(dataset[()])
    with allocation_ceiling(nbytes + excess, f"reading {what}"):
        return np.asarray(dataset[()])


def _file_size(obj):
    try:
        return int(obj.file.id.get_filesize())
    except Exception:  # an in-memory file or a closed one: fall back to the budget alone
        return None


def attribute_info(obj, name):
    """``(shape, dtype, is_variable_length)`` of attribute ``name`` of ``obj``, without reading it."""
    attr_id = h5py.h5a.open(obj.id, name.encode("utf8"))
    return attr_id.shape, attr_id.dtype, _is_variable_length(attr_id.dtype)


def _text_bytes(value):
    if isinstance(value, (bytes, str)):
        return len(value)
    if isinstance(value, np.ndarray) and value.dtype.kind == "O":
        return sum(_text_bytes(v) for v in value.reshape(-1))
    return int(getattr(value, "nbytes", 0))


def read_attribute(obj, name, what=None, max_items=MAX_VLEN_ITEMS):
    """The value of attribute ``name`` of ``obj``, charged before it is read.

    A variable-length attribute (strings written from Python ``str``) holds at
    most ``max_items`` values; each value's real length is charged once read,
    and the read runs under a ceiling of the file's size per value.

    Example:
    >>> read_attribute(h5_file, "model_config")[:14]
    b'{"class_name":'
    """
    what = what or f"attribute '{name}' of '{obj.name}'"
    shape, dtype, variable = attribute_info(obj, name)
    count = math.prod(shape) if shape else 1
    if not variable:
        charge_array(shape or (), dtype.itemsize, what)
        return obj.attrs[name]
    if count > max_items:
        raise LoadBudgetExceeded(
            f"Refusing to read {what}: it holds {count} variable-length values, more than the {max_items} a "
            "model file needs. The file is damaged or crafted to exhaust memory."
        )
    charge(count * 16, f"{what} ({count} variable-length values)")
    file_size = _file_size(obj)
    budget = active_budget()
    allowed = budget.remaining if budget is not None else 0
    if file_size is not None:
        allowed = min(allowed, count * file_size) if budget is not None else count * file_size
    with allocation_ceiling(allowed, f"reading {what}"):
        value = obj.attrs[name]
    charge(_text_bytes(value), f"the strings of {what}")
    return value
