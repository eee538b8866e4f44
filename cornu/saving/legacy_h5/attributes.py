"""Reading the attributes of a legacy `.h5` model file, with bounds.

HDF5 attributes are read whole into memory, so each one is checked before it
is read: the JSON configs (``model_config``, ``training_config``) must be one
string of at most ``MAX_JSON_BYTES``; name lists (``layer_names``,
``weight_names``, possibly split into ``layer_names0``, ``layer_names1``, ...
as Keras does for long lists) hold at most ``MAX_NAMES`` strings of at most
``MAX_NAME_BYTES`` each. Every read is charged to the load budget first, and
variable-length strings are read under a memory ceiling (see ``h5_reads``):
their lengths are stored in the file, and the HDF5 library allocates them
before checking them.
"""

import h5py
import numpy as np

from cornu.saving.h5_reads import read_attribute
from cornu.saving.legacy_h5.errors import LegacyH5Error

MAX_JSON_BYTES = 64 << 20
MAX_NAMES = 100_000
MAX_NAME_BYTES = 64 << 10
# Keras splits name lists into chunks of at most 64 KB; a file cannot need more chunks than this.
MAX_CHUNKS = 10_000


def _attribute_info(obj, name):
    """``(shape, is_variable_length, stored_bytes)`` of attribute ``name`` of ``obj``, without reading it."""
    attr_id = h5py.h5a.open(obj.id, name.encode("utf8"))
    dtype = attr_id.dtype
    variable = h5py.check_string_dtype(dtype) is not None and h5py.check_string_dtype(dtype).length is None
    variable = variable or h5py.check_vlen_dtype(dtype) is not None or dtype.kind == "O"
    count = int(np.prod(attr_id.shape)) if attr_id.shape else 1
    return attr_id.shape, variable, count * dtype.itemsize, dtype


def _where(obj, name):
    return f"attribute '{name}' of '{obj.name}'"


def _to_text(value, obj, name):
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(())[()]
    if isinstance(value, (bytes, np.bytes_)):
        try:
            return bytes(value).decode("utf8")
        except UnicodeDecodeError as e:
            raise LegacyH5Error(f"The {_where(obj, name)} is not UTF-8 text ({e}).") from e
    if isinstance(value, str):
        return value
    raise LegacyH5Error(
        f"The {_where(obj, name)} must be a string, as Keras writes it. The file is damaged or was not written "
        f"by Keras. Received: a value of type {type(value).__name__}"
    )


def read_text(obj, name, limit=None):
    """The string attribute ``name`` of ``obj`` (None when absent), refused when larger than ``limit`` bytes.

    Example:
    >>> read_text(h5_file, "model_config")[:14]
    '{"class_name":'
    """
    limit = MAX_JSON_BYTES if limit is None else limit
    if name not in obj.attrs:
        return None
    shape, variable, stored, dtype = _attribute_info(obj, name)
    count = int(np.prod(shape)) if shape else 1
    if count != 1:
        raise LegacyH5Error(
            f"The {_where(obj, name)} must be a single string, as Keras writes it; it holds {count} values. The "
            "file is damaged or was not written by Keras."
        )
    if not variable and stored > limit:
        raise LegacyH5Error(
            f"The {_where(obj, name)} is {stored} bytes, more than the {limit} bytes cornu reads from a model "
            "file. Real model configs are far smaller; the file is damaged or crafted to exhaust memory."
        )
    text = _to_text(read_attribute(obj, name, _where(obj, name), max_items=1), obj, name)
    if len(text) > limit:  # variable-length strings: their size is known only once read
        raise LegacyH5Error(
            f"The {_where(obj, name)} is {len(text)} characters, more than the {limit} cornu reads from a model "
            "file. Real model configs are far smaller; the file is damaged or crafted to exhaust memory."
        )
    return text


def _read_name_list(obj, name):
    shape, variable, stored, dtype = _attribute_info(obj, name)
    if len(shape) > 1:
        raise LegacyH5Error(f"The {_where(obj, name)} must be a list of names. Received: an array of shape {shape}")
    count = int(shape[0]) if shape else 1
    if count > MAX_NAMES:
        raise LegacyH5Error(
            f"The {_where(obj, name)} lists {count} names, more than the {MAX_NAMES} cornu accepts. The file is "
            "damaged or crafted to exhaust memory."
        )
    if not variable and dtype.kind == "S" and dtype.itemsize > MAX_NAME_BYTES:
        raise LegacyH5Error(f"The {_where(obj, name)} holds names of {dtype.itemsize} bytes; too long for a name.")
    values = np.asarray(read_attribute(obj, name, _where(obj, name), max_items=MAX_NAMES)).reshape(-1)
    if values.dtype.kind == "f" and values.size == 0:  # Keras writes an empty list as an empty float array
        return []
    names = [_to_text(v, obj, name) for v in values]
    if any(len(n) > MAX_NAME_BYTES for n in names):
        raise LegacyH5Error(f"The {_where(obj, name)} holds a name longer than {MAX_NAME_BYTES} characters.")
    return names


def read_names(obj, name):
    """The list of names stored in attribute ``name`` (or its chunks ``name0``, ``name1``, ...); [] when absent.

    Example:
    >>> read_names(h5_file["model_weights"], "layer_names")
    ['dense', 'dense_1']
    """
    if name in obj.attrs:
        return _read_name_list(obj, name)
    names = []
    for chunk in range(MAX_CHUNKS + 1):
        key = f"{name}{chunk}"
        if key not in obj.attrs:
            return names
        if chunk == MAX_CHUNKS:
            break
        names.extend(_read_name_list(obj, key))
        if len(names) > MAX_NAMES:
            break
    raise LegacyH5Error(
        f"The attribute '{name}' of '{obj.name}' is split into too many chunks or names. The file is damaged or "
        "crafted to exhaust memory."
    )
