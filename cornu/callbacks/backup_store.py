"""The on-disk home of ``BackupAndRestore``'s checkpoints: written atomically, verified
on read, never half there.

Layout of ``backup_dir``::

    checkpoint-00000012/          the newest complete checkpoint
        arrays.npz                every array of the TrainingState
        state.json                the rest, plus the size and SHA-256 of arrays.npz
    checkpoint-00000011/          the one before (kept with double_checkpoint=True)
    .checkpoint-00000013.partial-*/   a checkpoint being written (or left by a crash)

A checkpoint is written into a ``.partial-`` folder (each file fsync'ed, then
the folder), and only then renamed to ``checkpoint-<n>`` with one atomic
``os.rename``: a ``checkpoint-<n>`` folder is therefore always complete, and
the previous checkpoint is deleted only after the new one is in place. Reading
takes the highest-numbered checkpoint whose files pass the size and SHA-256
checks, falling back to older ones; leftovers of interrupted writes are
ignored and cleaned up on the next write.
"""

import contextlib
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import tempfile
import warnings
import zipfile

import numpy as np

from cornu.saving.atomic import save_failure
from cornu.trainers.training_state import TrainingState

_PREFIX = "checkpoint-"
_NAME = re.compile(r"^checkpoint-(\d+)$")
_ARRAYS_FILE = "arrays.npz"
_STATE_FILE = "state.json"
_FORMAT = "cornu.backup_and_restore"
_VERSION = 1


class BackupCorruptedError(OSError):
    """No readable checkpoint is left in a backup folder that holds some."""


def _fsync_folder(folder):
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not possible on Windows, where the rename is durable anyway
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_file(path, data):
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _dtype_from_name(name):
    try:
        return np.dtype(name)
    except TypeError:
        import ml_dtypes  # bfloat16, float8 variants: NumPy only knows them through ml_dtypes

        return np.dtype(getattr(ml_dtypes, name))


def _arrays_to_npz(arrays):
    """The arrays as .npz bytes, stored under neutral keys (names may hold any character)."""
    stored, index = {}, {}
    for i, (name, array) in enumerate(arrays.items()):
        array = np.asarray(array)
        if array.dtype.kind == "O":
            raise TypeError(f"Cannot back up an array of Python objects. Received: '{name}' of dtype object")
        key = f"a{i}"
        index[name] = {"key": key, "dtype": str(array.dtype)}
        stored[key] = array
    buffer = io.BytesIO()
    np.savez(buffer, **stored)
    return buffer.getvalue(), index


def _arrays_from_npz(data, index):
    arrays = {}
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        for name, entry in index.items():
            array = npz[entry["key"]]
            dtype = _dtype_from_name(entry["dtype"])
            arrays[name] = array if array.dtype == dtype else array.view(dtype)
    return arrays


class BackupStore:
    """Numbered, atomically written checkpoints of a ``TrainingState`` in one folder.

    Args:
        folder: the backup folder (created on the first write).
        keep: how many complete checkpoints to keep (1, or 2 for ``double_checkpoint``).

    Example:
    >>> store = BackupStore("/tmp/backup", keep=2)
    >>> store.save(state)
    >>> restored = store.load_latest()
    """

    def __init__(self, folder, keep=1):
        self.folder = os.fspath(folder)
        self.keep = max(1, int(keep))

    # ------------------------------------------------------------- listing
    def _entries(self):
        try:
            return os.listdir(self.folder)
        except FileNotFoundError:
            return []

    def checkpoints(self):
        """``[(number, path)]`` of the complete checkpoints, newest first."""
        found = []
        for name in self._entries():
            match = _NAME.match(name)
            path = os.path.join(self.folder, name)
            if match and os.path.isdir(path):
                found.append((int(match.group(1)), path))
        return sorted(found, reverse=True)

    def _leftovers(self):
        return [os.path.join(self.folder, name) for name in self._entries()
                if name.startswith(f".{_PREFIX}") or name.startswith(".trash-")]

    # ------------------------------------------------------------- writing
    def save(self, state):
        """Writes ``state`` as a new checkpoint; returns its folder. Atomic: see the module docstring."""
        os.makedirs(self.folder, exist_ok=True)
        existing = self.checkpoints()
        number = existing[0][0] + 1 if existing else 1
        final = os.path.join(self.folder, f"{_PREFIX}{number:08d}")
        temp = tempfile.mkdtemp(prefix=f".{_PREFIX}{number:08d}.partial-", dir=self.folder)
        try:
            data, index = _arrays_to_npz(state.arrays)
            _write_file(os.path.join(temp, _ARRAYS_FILE), data)
            manifest = {
                "format": _FORMAT,
                "version": _VERSION,
                "arrays": {"file": _ARRAYS_FILE, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                           "index": index},
                "state": state.meta,
            }
            _write_file(os.path.join(temp, _STATE_FILE), json.dumps(manifest).encode("utf-8"))
            _fsync_folder(temp)
            os.rename(temp, final)  # the commit point
            _fsync_folder(self.folder)
        except BaseException as error:
            shutil.rmtree(temp, ignore_errors=True)
            failure = save_failure(final, error)
            if failure is error:
                raise
            raise failure from error
        self._prune()
        return final

    def _remove(self, path):
        # Renamed first, so a crash in the middle of the removal never leaves a damaged
        # folder under a checkpoint's name.
        trash = os.path.join(self.folder, f".trash-{os.path.basename(path)}-{secrets.token_hex(4)}")
        try:
            os.rename(path, trash)
        except OSError:
            trash = path
        shutil.rmtree(trash, ignore_errors=True)

    def _prune(self):
        for _, path in self.checkpoints()[self.keep:]:
            self._remove(path)
        for path in self._leftovers():
            shutil.rmtree(path, ignore_errors=True)

    def delete_all(self):
        """Removes every checkpoint (and leftover) and then the folder itself if it is empty."""
        # Oldest first: a crash part-way leaves the newest checkpoint to resume from.
        for _, path in reversed(self.checkpoints()):
            self._remove(path)
        for path in self._leftovers():
            shutil.rmtree(path, ignore_errors=True)
        with contextlib.suppress(OSError):
            os.rmdir(self.folder)

    # ------------------------------------------------------------- reading
    def read(self, path):
        """Reads and verifies one checkpoint folder; raises ``OSError``/``ValueError`` if damaged."""
        with open(os.path.join(path, _STATE_FILE), "rb") as f:
            manifest = json.loads(f.read().decode("utf-8"))
        if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT:
            raise ValueError(f"'{_STATE_FILE}' is not a cornu backup manifest")
        if manifest.get("version", 0) > _VERSION:
            raise ValueError(
                f"the backup was written by a newer cornu (format version {manifest['version']}); upgrade cornu"
            )
        described = manifest["arrays"]
        with open(os.path.join(path, described["file"]), "rb") as f:
            data = f.read()
        if len(data) != described["size"]:
            raise ValueError(f"'{described['file']}' has {len(data)} bytes, {described['size']} expected (truncated)")
        if hashlib.sha256(data).hexdigest() != described["sha256"]:
            raise ValueError(f"'{described['file']}' does not match its checksum (the file is damaged)")
        return TrainingState(manifest["state"], _arrays_from_npz(data, described["index"]))

    def load_latest(self):
        """The newest checkpoint that reads back intact, as a ``TrainingState``; None if there is none.

        Damaged checkpoints are skipped with a warning; if every checkpoint is
        damaged, raises ``BackupCorruptedError`` (nothing is deleted).
        """
        problems = []
        for _, path in self.checkpoints():
            try:
                state = self.read(path)
            except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, UnicodeDecodeError) as error:
                problems.append(f"'{path}': {type(error).__name__}: {error}")
                continue
            if problems:
                warnings.warn(
                    "Skipped damaged backup checkpoints, resuming from the previous one at "
                    f"'{path}'. Damaged: {'; '.join(problems)}",
                    stacklevel=2,
                )
            return state
        if problems:
            raise BackupCorruptedError(
                f"Cannot restore from the backup folder '{self.folder}': every checkpoint in it is damaged. "
                "Use `double_checkpoint=True` to keep a second checkpoint to fall back on; to start training "
                f"from scratch instead, delete the folder. Damaged: {'; '.join(problems)}"
            )
        return None
