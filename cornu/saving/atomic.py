"""Atomic file writes: a reader sees the old file or the complete new one, never half of it.

Every file cornu saves is first written to a temporary file in the same
folder, flushed and fsync'ed, then moved over the real name with
``os.replace`` (atomic on POSIX and Windows). A failure at any point removes
the temporary file and leaves a previous file under the real name untouched.
"""

import contextlib
import os
import secrets


def _temp_name(path):
    folder, base = os.path.split(os.path.abspath(path))
    return os.path.join(folder, f".{base}.{secrets.token_hex(6)}.tmp")


def _fsync_folder(folder):
    # Makes the rename itself durable; not possible (nor needed) on Windows.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _create_exclusive(path):
    # 0o666 lets the process umask decide the final permissions, as a plain open() would.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    return os.open(path, flags, 0o666)


def _check_folder(path):
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(
            f"Cannot save to '{path}': the folder '{folder}' does not exist. Create it first "
            f"(e.g. `os.makedirs({folder!r}, exist_ok=True)`). Received: filepath={path}"
        )
    return folder


def _commit(temp, path, folder):
    with open(temp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(temp, path)
    _fsync_folder(folder)


@contextlib.contextmanager
def atomic_write(path):
    """Opens a binary file that replaces ``path`` only when the ``with`` block succeeds.

    Example:
    >>> with atomic_write("model.keras") as f:
    ...     f.write(data)
    """
    path = os.fspath(path)
    folder = _check_folder(path)
    temp = _temp_name(path)
    f = os.fdopen(_create_exclusive(temp), "wb")
    try:
        yield f
        f.flush()
        os.fsync(f.fileno())
        f.close()
        os.replace(temp, path)
        _fsync_folder(folder)
    except BaseException:
        f.close()
        with contextlib.suppress(OSError):
            os.remove(temp)
        raise


@contextlib.contextmanager
def atomic_path(path):
    """Yields a temporary path to write with any library; it replaces ``path`` on success.

    Use it for writers that open files by name themselves (e.g. h5py).

    Example:
    >>> with atomic_path("w.weights.h5") as temp:
    ...     h5py.File(temp, "w").close()
    """
    path = os.fspath(path)
    folder = _check_folder(path)
    temp = _temp_name(path)
    os.close(_create_exclusive(temp))
    try:
        yield temp
        _commit(temp, path, folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temp)
        raise


def write_bytes_atomically(path, data):
    """Writes ``data`` to ``path`` atomically.

    Example:
    >>> write_bytes_atomically("config.json", b"{}")
    """
    with atomic_write(path) as f:
        f.write(data)


class AtomicFileGroup:
    """Several files that replace their targets together, only when the ``with`` block succeeds.

    Each ``temp_path(target)`` is a fresh temporary file in the target's folder.
    On success every temporary file is fsync'ed and then renamed over its
    target in the order the targets were added (so add an index file last: a
    reader that finds the new index also finds the files it names). On failure
    every temporary file is removed and no target is touched.

    Example:
    >>> with AtomicFileGroup() as group:
    ...     h5py.File(group.temp_path("w_00000.weights.h5"), "w").close()
    ...     write_index(group.temp_path("w.weights.json"))
    """

    def __init__(self):
        self._pending = []  # (temp, target, folder)

    def temp_path(self, target):
        target = os.fspath(target)
        folder = _check_folder(target)
        temp = _temp_name(target)
        os.close(_create_exclusive(temp))
        self._pending.append((temp, target, folder))
        return temp

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self._discard()
            return False
        try:
            for temp, _, _ in self._pending:
                with open(temp, "rb+") as f:
                    os.fsync(f.fileno())
        except BaseException:
            self._discard()
            raise
        folders = sorted({folder for _, _, folder in self._pending})
        try:
            while self._pending:
                temp, target, _ = self._pending[0]
                os.replace(temp, target)
                self._pending.pop(0)
        except BaseException:
            self._discard()  # the index goes last, so a set cut short here is never named by a new index
            raise
        for folder in folders:
            _fsync_folder(folder)
        return False

    def _discard(self):
        for temp, _, _ in self._pending:
            with contextlib.suppress(OSError):
                os.remove(temp)
        self._pending = []
