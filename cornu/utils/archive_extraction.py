"""Safe extraction of the tar and zip archives that ``get_file(..., extract=True)`` downloads.

An archive from the network is untrusted input (Keras had CVE-2025-12060 here). Extraction
refuses the whole archive, with :class:`UnsafeArchiveError`, when any member:

- has an absolute path, a drive, a NUL byte, or a path that resolves outside the target folder
  (``../x``, ``a/../../x``);
- is a symbolic link, a hard link, a device file, a FIFO or any other non-regular entry;
- pushes the total uncompressed size past ``MAX_EXTRACTED_BYTES`` or the number of entries past
  ``MAX_ARCHIVE_MEMBERS`` (counted while streaming, so a lying header does not help).

Members are written into a fresh hidden folder next to the target; only a complete, accepted
extraction is renamed into place, so a refused or failed one leaves nothing behind and an older
extraction at the target stays as it was. File modes, owners and times from the archive are not
applied. Raise the caps for a legitimately huge archive by setting the module constants (or
passing ``max_bytes`` / ``max_members`` to :func:`extract_archive`):

>>> import cornu.utils.archive_extraction as archive_extraction
>>> archive_extraction.MAX_EXTRACTED_BYTES = 64 * 2**30
"""

import os
import shutil
import stat
import tarfile
import tempfile
import zipfile

# Caps on one extraction; read at call time, so a program may change them.
MAX_EXTRACTED_BYTES = 8 * 2**30
MAX_ARCHIVE_MEMBERS = 1_000_000

_CHUNK_BYTES = 1 << 20


class UnsafeArchiveError(ValueError):
    """An archive member that would escape the target folder, is not a plain file, or is too big."""


def extract_archive(file_path, path=".", archive_format="auto", max_bytes=None, max_members=None):
    """Extracts a tar (``.tar``, ``.tar.gz``, ``.tar.bz2``, ``.tar.xz``) or zip archive safely.

    Args:
        file_path: the archive.
        path: the folder to extract into; it is replaced by the new extraction.
        archive_format: ``"auto"`` (try tar, then zip), ``"tar"``, ``"zip"``, a list of those,
            or ``None`` (extract nothing).
        max_bytes: cap on the total uncompressed bytes (default ``MAX_EXTRACTED_BYTES``).
        max_members: cap on the number of entries (default ``MAX_ARCHIVE_MEMBERS``).

    Returns:
        ``True`` when the file matched a format and was extracted, ``False`` when it matched none.

    Example:
    >>> extract_archive("/tmp/flowers.tgz", "/tmp/flowers")
    True
    """
    if not archive_format:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else archive_format
    formats = [formats] if isinstance(formats, str) else list(formats)
    file_path, path = os.fspath(file_path), os.fspath(path)
    limits = _Limits(MAX_EXTRACTED_BYTES if max_bytes is None else max_bytes,
                     MAX_ARCHIVE_MEMBERS if max_members is None else max_members, file_path)
    for kind in formats:
        if kind == "tar":
            if tarfile.is_tarfile(file_path):
                _extract_into_place(file_path, path, lambda staging: _extract_tar(file_path, staging, limits))
                return True
        elif kind == "zip":
            if zipfile.is_zipfile(file_path):
                _extract_into_place(file_path, path, lambda staging: _extract_zip(file_path, staging, limits))
                return True
        else:
            raise ValueError(f"Unknown archive format: use 'tar', 'zip', 'auto' or None. "
                             f"Received: archive_format={archive_format!r}")
    return False


class _Limits:
    def __init__(self, max_bytes, max_members, archive):
        self.max_bytes, self.max_members, self.archive = max_bytes, max_members, archive
        self.bytes, self.members = 0, 0

    def count_member(self, name):
        self.members += 1
        if self.members > self.max_members:
            raise UnsafeArchiveError(
                f"The archive {self.archive} has more than {self.max_members} entries, the cap of "
                "cornu.utils.archive_extraction.MAX_ARCHIVE_MEMBERS; raise it if you trust this archive. "
                f"Received: member={name!r}")

    def check_declared(self, name, size):
        """Refuses early on a member's declared size (the streamed count is what holds)."""
        if self.bytes + size > self.max_bytes:
            self._refuse_size(name)

    def count_bytes(self, name, size):
        self.bytes += size
        if self.bytes > self.max_bytes:
            self._refuse_size(name)

    def _refuse_size(self, name):
        raise UnsafeArchiveError(
            f"The archive {self.archive} unpacks to more than {self.max_bytes} bytes, the cap of "
            "cornu.utils.archive_extraction.MAX_EXTRACTED_BYTES; raise it if you trust this archive. "
            f"Received: member={name!r}")


def _extract_into_place(archive, path, extract):
    target = os.path.abspath(path)
    parent = os.path.dirname(target)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=f".{os.path.basename(target)}.extracting-", dir=parent)
    try:
        extract(staging)
        if os.path.isdir(target) and not os.path.islink(target):
            shutil.rmtree(target)
        elif os.path.lexists(target):
            os.remove(target)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _member_destination(staging, name, archive):
    """The path inside ``staging`` for member ``name``, or UnsafeArchiveError."""
    refused = None
    normalized = name.replace("\\", "/")
    if not name or "\x00" in name:
        refused = "an empty name or a NUL byte"
    elif normalized.startswith("/") or (normalized[0].isalpha() and normalized[1:2] == ":"):
        refused = "an absolute path"
    else:
        # The staging folder is new and holds no links, so a lexical check is exact.
        destination = os.path.normpath(os.path.join(staging, *normalized.split("/")))
        if os.path.commonpath([destination, staging]) != staging:
            refused = "a path outside the extraction folder"
    if refused:
        raise UnsafeArchiveError(f"Refusing to extract {archive}: a member has {refused}. "
                                 f"Received: member={name!r}")
    return destination


def _refuse_type(archive, name, what):
    raise UnsafeArchiveError(f"Refusing to extract {archive}: the member is {what}; only plain files and "
                             f"folders are extracted. Received: member={name!r}")


def _write_stream(source, destination, name, limits):
    os.makedirs(os.path.dirname(destination), exist_ok=True)
    if os.path.isdir(destination):
        _refuse_type(limits.archive, name, "a file with the same path as a folder")
    with open(destination, "wb") as out:
        while True:
            chunk = source.read(_CHUNK_BYTES)
            if not chunk:
                break
            limits.count_bytes(name, len(chunk))
            out.write(chunk)


def _extract_tar(archive, staging, limits):
    with tarfile.open(archive, "r:*") as tar:
        for member in tar:  # reads headers one at a time
            limits.count_member(member.name)
            destination = _member_destination(staging, member.name, archive)
            if member.issym() or member.islnk():
                _refuse_type(archive, member.name, f"a link to {member.linkname!r}")
            if member.isdir():
                os.makedirs(destination, exist_ok=True)
                continue
            if not member.isreg():
                _refuse_type(archive, member.name, "a device file, a FIFO or another special entry")
            limits.check_declared(member.name, member.size)
            with tar.extractfile(member) as source:
                _write_stream(source, destination, member.name, limits)


def _extract_zip(archive, staging, limits):
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            limits.count_member(info.filename)
            destination = _member_destination(staging, info.filename, archive)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                _refuse_type(archive, info.filename, "a symbolic link")
            if info.is_dir():
                os.makedirs(destination, exist_ok=True)
                continue
            if mode and stat.S_IFMT(mode) and not stat.S_ISREG(mode):
                _refuse_type(archive, info.filename, "a device file, a FIFO or another special entry")
            limits.check_declared(info.filename, info.file_size)
            with zf.open(info) as source:
                _write_stream(source, destination, info.filename, limits)
