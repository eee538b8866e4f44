"""Replacing a whole folder atomically: a reader sees the previous folder or the complete new one.

The new content is written into a temporary sibling folder, which then takes the real name; a
previous folder there is moved aside first and removed once the new one is in place (put back if
the move fails). A folder holding anything the caller does not recognise as its own is refused,
so an export never deletes what a user keeps there.

Example:
>>> replace_folder("web_model", write=lambda temp: ..., owns=lambda name: name == "model.json",
...                what="a TF.js export")
"""

import contextlib
import os
import secrets
import shutil


def replace_folder(folder, write, owns, what):
    """Runs ``write(temporary_folder)`` (the folder exists, empty), then moves it to ``folder``.

    Args:
        folder: the destination (created with its parents).
        write: fills the folder it is given.
        owns: ``owns(entry_name)`` is True for the entries a previous result of this kind holds;
            a destination with any other entry is refused.
        what: what is written, for the errors (e.g. ``"a SavedModel"``).

    Returns:
        ``folder`` as an absolute path.
    """
    folder = os.path.abspath(os.fspath(folder))
    if os.path.exists(folder):
        if not os.path.isdir(folder):
            raise ValueError(f"{what[0].upper()}{what[1:]} is written as a folder, but {folder!r} is a file. Pass "
                             f"the path of a new or empty folder. Received: filepath={folder!r}")
        foreign = sorted(name for name in os.listdir(folder) if not owns(name))
        if foreign:
            raise ValueError(
                f"The folder {folder!r} holds files that are not part of {what} ({', '.join(foreign[:5])}); "
                f"write into a new or empty folder so that nothing of yours is replaced. Received: filepath={folder!r}"
            )
    parent = os.path.dirname(folder)
    os.makedirs(parent, exist_ok=True)
    base = os.path.basename(folder)
    temp = os.path.join(parent, f".{base}.tmp-{secrets.token_hex(4)}")
    old = None
    try:
        os.mkdir(temp)
        write(temp)
        if os.path.exists(folder):
            old = os.path.join(parent, f".{base}.old-{secrets.token_hex(4)}")
            os.rename(folder, old)
        os.rename(temp, folder)
        _fsync_folder(parent)
    except BaseException:
        if old is not None and not os.path.exists(folder):
            os.rename(old, folder)
            old = None
        shutil.rmtree(temp, ignore_errors=True)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return folder


def _fsync_folder(path):
    with contextlib.suppress(OSError):  # not every platform can open a folder
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
