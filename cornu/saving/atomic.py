"""Atomic file writes: a reader sees the old file or the complete new one, never half of it.

Every file cornu saves is first written to a temporary file in the same
folder, flushed and fsync'ed, then moved over the real name with
``os.replace`` (atomic on POSIX and Windows). A failure at any point removes
the temporary file and leaves a previous file under the real name untouched.

A write that fails for lack of room or rights (disk full, file-size limit,
quota, read-only file system, I/O error, permission) is raised as an
``OSError`` with the same ``errno`` whose message names the file, the cause
and the way out (see ``save_failure``).
"""

import contextlib
import errno
import os
import re
import secrets

# Why a write can fail although the code is right: what the user reads, by errno name (not
# every platform defines every name).
_STORAGE_CAUSES = {
    getattr(errno, name): cause
    for name, cause in [
        ("ENOSPC", "no space left on the device (the disk is full)"),
        ("EFBIG", "the file grew past the largest size allowed (a file-size limit of this process or of the "
                  "file system)"),
        ("EDQUOT", "the disk quota is used up"),
        ("EROFS", "the file system is read-only"),
        ("EIO", "the storage device reported an input/output error"),
        ("EACCES", "permission denied"),
        ("EPERM", "the operation is not permitted"),
    ]
    if hasattr(errno, name)
}


def _error_number(error):
    if isinstance(error, OSError) and error.errno:
        return error.errno
    if not isinstance(error, Exception):
        return None
    # Native writers report the OS error as text: h5py "... errno = 28, error message = ...",
    # safetensors "I/O error: No space left on device (os error 28)".
    match = re.search(r"(?:errno = |os error )(\d+)", str(error))
    return int(match.group(1)) if match else None


def save_failure(path, error):
    """The ``OSError`` to raise when writing ``path`` failed with ``error``, or ``error`` itself.

    A storage failure (disk full, file too large, quota, read-only, I/O,
    permission) becomes an ``OSError`` of the same ``errno`` (so
    ``except OSError`` and ``e.errno`` work as before) with a message that says
    which file, why, that the previous file is unchanged, and what to do. Any
    other error is returned unchanged.

    Example:
    >>> try:
    ...     write_bytes_atomically("/full/disk/model.keras", data)
    ... except OSError as e:
    ...     print(e)  # [Errno 28] Could not save '/full/disk/model.keras': no space left ...
    """
    number = _error_number(error)
    if number not in _STORAGE_CAUSES or getattr(error, "cornu_failed_path", None):
        return error
    failure = OSError(
        number,
        f"Could not save '{path}': {_STORAGE_CAUSES[number]} ({os.strerror(number)}). Nothing was replaced: "
        "a previous file of that name is unchanged and the partial file was removed. Free some space, raise "
        "the limit or fix the permissions, or save to another folder, then save again. "
        f"Received: filepath={path}",
    )
    failure.cornu_failed_path = path
    return failure


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
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
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
    try:
        f = os.fdopen(_create_exclusive(temp), "w+b")  # readable too: h5py reads back what it writes
    except OSError as error:
        raise save_failure(path, error) from error
    try:
        yield f
        f.flush()
        os.fsync(f.fileno())
        f.close()
        os.replace(temp, path)
        _fsync_folder(folder)
    except BaseException as error:
        _close_quietly(f)
        with contextlib.suppress(OSError):
            os.remove(temp)
        failure = save_failure(path, error)
        if failure is error:
            raise
        raise failure from error


def _close_quietly(f):
    # Closing flushes what is still buffered, which fails again on a full disk: that error is
    # the one already being raised.
    with contextlib.suppress(OSError, ValueError):
        f.close()


@contextlib.contextmanager
def atomic_path(path):
    """Yields a temporary path to write with any library; it replaces ``path`` on success.

    Use it for writers that open files by name themselves (e.g. safetensors). Give h5py an
    open Python file rather than the name (``H5WeightsWriter(temp)`` does): HDF5's own file
    driver reports a failed write as noise at garbage collection and can crash the process.

    Example:
    >>> with atomic_path("w.weights.h5") as temp:
    ...     with H5WeightsWriter(temp) as writer:
    ...         save_state(model, writer)
    """
    path = os.fspath(path)
    folder = _check_folder(path)
    temp = _temp_name(path)
    try:
        os.close(_create_exclusive(temp))
    except OSError as error:
        raise save_failure(path, error) from error
    try:
        yield temp
        _commit(temp, path, folder)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.remove(temp)
        failure = save_failure(path, error)
        if failure is error:
            raise
        raise failure from error


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
    ...     h5py.File(group.open_temp("w_00000.weights.h5"), "w").close()
    ...     write_index(group.temp_path("w.weights.json"))
    """

    def __init__(self):
        self._pending = []  # (temp, target, folder)
        self._open_files = []  # from open_temp, closed before the commit or the clean-up

    def temp_path(self, target):
        target = os.fspath(target)
        folder = _check_folder(target)
        temp = _temp_name(target)
        try:
            os.close(_create_exclusive(temp))
        except OSError as error:
            raise save_failure(target, error) from error
        self._pending.append((temp, target, folder))
        return temp

    def open_temp(self, target):
        """Like ``temp_path``, but returns the temporary file opened for reading and writing.

        Give it to writers that accept a file object (h5py does): their write
        errors then surface as plain ``OSError``. The group closes it.
        """
        f = open(self.temp_path(target), "r+b")
        self._open_files.append(f)
        return f

    def _close_files(self):
        files, self._open_files = self._open_files, []
        first_error = None
        for f in files:
            try:
                f.close()
            except OSError as error:
                first_error = first_error or error
        if first_error is not None:
            raise first_error

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            target = self._pending[-1][1] if self._pending else None
            self._discard()
            failure = save_failure(target, exc) if target is not None else exc
            if failure is not exc:
                raise failure from exc
            return False
        try:
            self._close_files()
            for temp, _, _ in self._pending:
                with open(temp, "rb+") as f:
                    os.fsync(f.fileno())
        except BaseException as error:
            target = self._pending[-1][1] if self._pending else None
            self._discard()
            failure = save_failure(target, error) if target is not None else error
            if failure is error:
                raise
            raise failure from error
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
        for f in self._open_files:
            _close_quietly(f)
        self._open_files = []
        for temp, _, _ in self._pending:
            with contextlib.suppress(OSError):
                os.remove(temp)
        self._pending = []
