"""Reading downloaded dataset files without running code from them.

Some dataset files hold pickles: the ragged IMDB and Reuters sequences (object arrays in an
``.npz``) and the CIFAR batches. Unpickling untrusted bytes can run arbitrary code, so these
readers accept only what such files need: NumPy array reconstruction, plus plain containers,
numbers, strings and bytes (which pickle builds without looking up any global).

Example:
>>> arrays = load_npz("~/.cornu/datasets/imdb.npz")
>>> sorted(arrays)
['x_test', 'x_train', 'y_test', 'y_train']
"""

import io
import os
import pickle
import zipfile

import numpy as np

try:  # NumPy 2 moved the module; pickles name either spelling
    from numpy._core.multiarray import _reconstruct
except ImportError:  # pragma: no cover - NumPy 1
    from numpy.core.multiarray import _reconstruct

_ALLOWED_GLOBALS = {
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
}


class ArrayOnlyUnpickler(pickle.Unpickler):
    """An unpickler that can rebuild NumPy arrays and plain Python values, and nothing else."""

    def find_class(self, module, name):
        allowed = _ALLOWED_GLOBALS.get((module, name))
        if allowed is None:
            raise pickle.UnpicklingError(
                f"Refusing to load `{module}.{name}` from a dataset file: only NumPy arrays and plain "
                "values are allowed. The file may be corrupted or malicious; delete it from the cache "
                f"to download it again. Received: global={module}.{name}")
        return allowed


def load_pickle(path, encoding="ASCII"):
    """Unpickles a file with :class:`ArrayOnlyUnpickler` (``encoding="bytes"`` for Python 2 pickles)."""
    with open(path, "rb") as f:
        return ArrayOnlyUnpickler(f, encoding=encoding).load()


def _read_npy(buffer):
    try:
        return np.lib.format.read_array(buffer, allow_pickle=False)
    except ValueError:  # an object array: its body is a pickle
        buffer.seek(0)
        major, _ = np.lib.format.read_magic(buffer)
        if major == 1:
            np.lib.format.read_array_header_1_0(buffer)
        elif major in (2, 3):
            np.lib.format.read_array_header_2_0(buffer)
        else:
            raise ValueError(f"Unsupported .npy format version {major}. Received: version={major}")
        return ArrayOnlyUnpickler(buffer).load()


def load_npz(path):
    """The arrays of an ``.npz`` file as a dict; object arrays go through :class:`ArrayOnlyUnpickler`."""
    arrays = {}
    with zipfile.ZipFile(os.path.expanduser(path)) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                with archive.open(member) as raw:
                    arrays[member[: -len(".npy")]] = _read_npy(io.BytesIO(raw.read()))
    return arrays
