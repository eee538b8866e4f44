"""Opening the files a loader reads: regular files only, never blocking, never outside their folder.

A loader that is given a folder (an unzipped model, the folder of a sharded
weights index) opens each file in it with ``open_inside(folder, name)``: the
name, after every symbolic link is resolved, must lie inside the folder. A
loader given a file by the user opens it with ``open_regular(path)``. Both
open with ``O_NONBLOCK`` (a named pipe cannot stall the open), then check the
*opened descriptor* with ``fstat`` (so swapping the file after a check does
not help) and refuse anything that is not a regular file: a pipe, a device,
a socket, a directory. Errors name the file as the caller knows it and what
it is, never where a link points and never its content.

Libraries that open files by name (h5py) get the already opened file through
``reopen_by_descriptor``: on Linux and macOS a ``/proc/self/fd/N`` or
``/dev/fd/N`` path names exactly the checked file, so the library cannot end up
on another one.

Example:
>>> with open_inside("saved_model_dir", "config.json", source="'saved_model_dir'") as f:
...     data = read_bounded(f, 64 << 20, "config.json")
"""

import errno
import io
import os
import stat

try:
    import fcntl
except ImportError:  # Windows: no pipes to block on by name, and no O_NONBLOCK to clear
    fcntl = None

from cornu.backend.common.load_budget import charge
from cornu.saving.excerpt import short_excerpt

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
_CHUNK_BYTES = 1 << 20

_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFLNK: "a symbolic link",
}


class UnsafePathError(ValueError):
    """Raised when a file a loader should read is outside its folder or not a regular file."""


def _kind(mode):
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def _refuse_kind(label, mode, source):
    where = f" of {source}" if source else ""
    raise UnsafePathError(
        f"Refusing to read {_short(label)}{where}: it is {_kind(mode)}, not a regular file. A saved model or weights "
        "file is only ever made of regular files; replace it with the file that was saved."
    )


def _short(name):
    """A file name, quoted, cut short and without control characters: names can be crafted to be huge."""
    return short_excerpt(str(name), limit=120)


def _open_checked(path, label, source, extra_flags=0):
    """Opens ``path`` without blocking and returns a buffered reader over it once it is known to be regular."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise FileNotFoundError(errno.ENOENT, f"No such file: {_short(label)}" + (f" in {source}" if source else ""))
    if not stat.S_ISREG(mode):  # refuse before opening: opening some devices has side effects
        _refuse_kind(label, mode, source)
    fd = os.open(path, _OPEN_FLAGS | extra_flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):  # the file was swapped after the check above
            _refuse_kind(label, mode, source)
        if fcntl is not None:  # reads of a regular file never block; clear the flag all the same
            flags = fcntl.fcntl(fd, fcntl.F_GETFL)
            fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
        return io.open(fd, "rb", closefd=True)
    except BaseException:
        os.close(fd)
        raise


def open_regular(path, source=None):
    """Opens the user's own file ``path`` for reading, refusing anything but a regular file.

    Returns a binary file object. A missing file raises ``FileNotFoundError``;
    a named pipe, device, socket or directory raises ``UnsafePathError``.

    Example:
    >>> with open_regular("model.weights.h5") as f:
    ...     magic = f.read(8)
    """
    path = os.fspath(path)
    return _open_checked(path, path, source)


def _inside(root, target):
    return target == root or os.path.commonpath([root, target]) == root


def resolve_inside(folder, name, source=None):
    """The real path of ``name`` within ``folder``, refusing names or links that lead out of it.

    Example:
    >>> resolve_inside("model_dir", "assets/vocab.txt")
    '/home/me/model_dir/assets/vocab.txt'
    """
    name = os.fspath(name)
    root = os.path.realpath(folder)
    where = f" of {source}" if source else ""
    if not name or os.path.isabs(name) or "\x00" in name or ".." in name.replace("\\", "/").split("/"):
        raise UnsafePathError(
            f"Refusing to read {_short(name)}{where}: a file of a saved model is named relative to its folder, "
            "without '..' or an absolute path. The file is corrupt or was crafted; only load files you trust."
        )
    target = os.path.realpath(os.path.join(root, name))
    if not _inside(root, target):
        raise UnsafePathError(
            f"Refusing to read {_short(name)}{where}: it is a symbolic link that leads outside the folder, so loading "
            "would read a file that is not part of the saved model. Copy the real file into the folder if you "
            "trust it."
        )
    return target


def open_inside(folder, name, source=None):
    """Opens ``name`` inside ``folder``: it must resolve (links followed) inside the folder and be regular.

    Example:
    >>> with open_inside("model_dir", "config.json") as f:
    ...     text = f.read()
    """
    target = resolve_inside(folder, name, source)
    # The name is resolved already: a link swapped in at the last moment is not followed.
    opened = _open_checked(target, os.fspath(name), source, extra_flags=getattr(os, "O_NOFOLLOW", 0))
    try:
        # The checks above ran on names; confirm the descriptor really is that file inside the folder.
        real = _descriptor_target(opened.fileno())
        if real is not None and not _inside(os.path.realpath(folder), real):
            raise UnsafePathError(
                f"Refusing to read {_short(name)}" + (f" of {source}" if source else "")
                + ": it was replaced by a link leading outside the folder while it was being opened."
            )
    except BaseException:
        opened.close()
        raise
    return opened


def _descriptor_path(fd):
    for pattern in ("/proc/self/fd/{}", "/dev/fd/{}"):
        path = pattern.format(fd)
        if os.path.exists(path):
            return path
    return None


def _descriptor_target(fd):
    path = f"/proc/self/fd/{fd}"
    try:
        return os.readlink(path)
    except OSError:
        return None


def reopen_by_descriptor(opened, open_by_name):
    """Calls ``open_by_name(path)`` with a path that names exactly the already opened file ``opened``.

    ``opened`` is closed afterwards (the library keeps its own descriptor).
    Where the system offers no descriptor paths, the library gets the file
    object itself instead (h5py reads through it) and it stays open.

    Example:
    >>> reader = reopen_by_descriptor(open_regular("w.weights.h5"), lambda p: h5py.File(p, "r"))
    """
    path = _descriptor_path(opened.fileno())
    if path is None:
        return open_by_name(opened)
    try:
        return open_by_name(path)
    finally:
        opened.close()


def read_bounded(opened, limit, what, error_type=UnsafePathError):
    """Reads all of ``opened``, at most ``limit`` bytes, charging the load budget as it reads.

    Example:
    >>> with open_regular("w.weights.json") as f:
    ...     data = read_bounded(f, 64 << 20, "the sharded weights index")
    """
    chunks = []
    total = 0
    while True:
        chunk = opened.read(min(_CHUNK_BYTES, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > limit:
            raise error_type(f"Refusing to read {what}: it is over the {limit}-byte limit for such a file.")
        charge(len(chunk), what)
        chunks.append(chunk)


def copy_folder(folder, name, destination, source=None):
    """Copies the tree ``name`` of ``folder`` to ``destination/name`` through ``open_inside``.

    Every file and sub-folder must resolve inside ``folder`` (a link that
    leaves it is refused, a link that stays inside is followed once) and every
    file must be regular. The load budget is charged for each byte and entry
    copied. Returns the copy's path; ``destination`` is the caller's to delete.

    Example:
    >>> with tempfile.TemporaryDirectory() as scratch:
    ...     assets = copy_folder("model_dir", "assets", scratch)
    """
    copy_root = os.path.join(destination, name)
    pending = [(name, ())]
    while pending:
        relative, ancestors = pending.pop()
        real = resolve_inside(folder, relative, source)
        if real in ancestors:  # a link back up the tree would be copied forever
            raise UnsafePathError(
                f"Refusing to read {_short(relative)}" + (f" of {source}" if source else "")
                + ": it is a symbolic link to a folder that contains it (a loop)."
            )
        os.makedirs(os.path.join(destination, relative), exist_ok=True)
        with os.scandir(real) as entries:
            names = sorted(entry.name for entry in entries)
        for entry_name in names:
            child = f"{relative}/{entry_name}"
            charge(4096, f"the entry {_short(child)} of {source or 'the model folder'}")
            mode = os.stat(resolve_inside(folder, child, source)).st_mode
            if stat.S_ISDIR(mode):
                pending.append((child, ancestors + (real,)))
                continue
            with open_inside(folder, child, source) as src, open(os.path.join(destination, child), "xb") as dst:
                while True:
                    chunk = src.read(_CHUNK_BYTES)
                    if not chunk:
                        break
                    charge(len(chunk), f"the asset file {_short(child)} of {source or 'the model folder'}")
                    dst.write(chunk)
    return copy_root


def copy_folders(folder, names, destination, source=None):
    """``copy_folder`` for each of ``names`` that exists, skipping those inside another one.

    Example:
    >>> copy_folders("model_dir", ["assets/layers/lookup"], scratch)
    """
    names = sorted(set(names))
    kept = [n for n in names if not any(n.startswith(other + "/") for other in names if other != n)]
    for name in kept:
        if os.path.lexists(os.path.join(folder, name)):
            copy_folder(folder, name, destination, source)
