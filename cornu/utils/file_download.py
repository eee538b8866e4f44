"""``keras.utils.get_file``: download a file once, check it, cache it, optionally extract it.

The cache is laid out as Keras lays out ``~/.keras``, under ``$CORNU_HOME`` (default
``~/.cornu``): ``<cache_dir>/<cache_subdir>/<fname>``. A download is written to a hidden
temporary file in the same folder, checked against ``file_hash`` there, and only then renamed
to its cache name, so a cut connection, an interrupted program or a wrong hash never leaves a
file that a later call would take for a cached one. Archives are extracted by
:mod:`cornu.utils.archive_extraction`, which refuses links, special files, paths outside the
target folder and archives past a size cap.
"""

import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import warnings

from cornu.serialization.registry import keras_export
from cornu.utils import io_utils
from cornu.utils.archive_extraction import extract_archive
from cornu.utils.progbar import Progbar

_CHUNK_BYTES = 1 << 16
# Seconds without any data before a download gives up.
DOWNLOAD_TIMEOUT_S = 60


class DownloadError(OSError):
    """A file could not be fetched: no network, a server error, or a cut connection."""


def cornu_home():
    """``$CORNU_HOME``, else ``~/.cornu`` (``/tmp/.cornu`` when the home folder is read-only)."""
    home = os.environ.get("CORNU_HOME")
    if home:
        return home
    base = os.path.expanduser("~")
    return os.path.join(base if os.access(base, os.W_OK) else tempfile.gettempdir(), ".cornu")


@keras_export("keras.utils.get_file")
def get_file(
    fname=None,
    origin=None,
    untar=False,
    md5_hash=None,
    file_hash=None,
    cache_subdir="datasets",
    hash_algorithm="auto",
    extract=False,
    archive_format="auto",
    cache_dir=None,
    force_download=False,
):
    """Downloads a file from a URL unless a good copy is already in the cache.

    Args:
        fname: the file's name in the cache; by default the last part of ``origin``'s path. With
            ``extract=True``, a name without a dot names the extraction folder.
        origin: the URL of the file.
        untar: deprecated, as ``extract=True`` with ``archive_format="tar"``.
        md5_hash: deprecated, as ``file_hash`` with ``hash_algorithm="md5"``.
        file_hash: the expected sha256 or md5 hex digest; a download that does not match is
            deleted and raises ``ValueError``, a cached file that does not match is downloaded
            again.
        cache_subdir: the folder under ``cache_dir`` (an absolute path is used as is).
        hash_algorithm: ``"sha256"``, ``"md5"`` or ``"auto"`` (64 hex digits mean sha256).
        extract: whether to extract a tar or zip archive (see
            :mod:`cornu.utils.archive_extraction` for what is refused).
        archive_format: ``"auto"``, ``"tar"``, ``"zip"``, a list of those, or ``None``.
        cache_dir: the cache root; default ``$CORNU_HOME`` or ``~/.cornu``.
        force_download: download even when a good copy is cached.

    Returns:
        The path of the file, or of the extraction folder when extracting.

    Example:
    >>> path = cornu.utils.get_file(
    ...     origin="https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
    ...     file_hash="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1")
    >>> path.endswith(os.path.join(".cornu", "datasets", "mnist.npz"))
    True

    Only download from sources you trust, and pass ``file_hash`` when you know it.
    """
    if origin is None:
        raise ValueError('Please specify the "origin" argument (the URL of the file to download). '
                         "Received: origin=None")
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    datadir = os.path.join(_writable_cache_root(cache_dir), cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    download_target, extraction_dir = _cache_paths(fname, origin, datadir, extract or untar)

    downloaded = False
    if force_download or not _is_good_cached_file(download_target, file_hash, hash_algorithm):
        _download(origin, download_target, file_hash, hash_algorithm)
        downloaded = True

    if not (extract or untar):
        return download_target
    # Keras re-extracts on every call; an extraction here is complete or absent (it is renamed
    # into place), so it is redone only when the archive is new or the folder is missing.
    if downloaded or not os.path.isdir(extraction_dir):
        if not extract_archive(download_target, extraction_dir, "tar" if untar else archive_format):
            warnings.warn(f"Could not extract the archive {download_target}: it is not a "
                          f"{archive_format} archive.", stacklevel=2)
    return extraction_dir


def _writable_cache_root(cache_dir):
    root = os.path.expanduser(os.fspath(cache_dir) if cache_dir is not None else cornu_home())
    try:
        os.makedirs(root, exist_ok=True)
    except OSError:
        pass
    if not os.access(root, os.W_OK):
        root = os.path.join(tempfile.gettempdir(), ".cornu")
    return root


def _cache_paths(fname, origin, datadir, extract):
    """``(download_target, extraction_dir)`` in Keras's layout (extraction_dir None if unused)."""
    provided = fname is not None and os.fspath(fname) != ""
    fname = os.fspath(fname) if provided else os.path.basename(urllib.parse.urlsplit(origin).path)
    if not fname:
        raise ValueError("Can't get a file name from the origin: pass the `fname` argument. "
                         f"Received: origin={origin!r}")
    if os.sep in fname or (os.altsep and os.altsep in fname) or fname in (".", ".."):
        raise ValueError("`fname` must be a plain file name, not a path; to choose the folder, use "
                         f"`cache_dir` and `cache_subdir`. Received: fname={fname!r}")
    if not extract:
        return os.path.join(datadir, fname), None
    if provided and "." in fname:
        stem = fname[: fname.find(".")]
        return os.path.join(datadir, fname), os.path.join(datadir, f"{stem}_extracted")
    return os.path.join(datadir, f"{fname}_archive"), os.path.join(datadir, fname)


def _hasher(algorithm, file_hash):
    if algorithm == "sha256" or (algorithm == "auto" and file_hash is not None and len(file_hash) == 64):
        return hashlib.sha256()
    if algorithm in ("md5", "auto"):
        return hashlib.md5()
    raise ValueError(f"`hash_algorithm` must be 'sha256', 'md5' or 'auto'. Received: "
                     f"hash_algorithm={algorithm!r}")


def hash_file(fpath, algorithm="sha256", file_hash=None):
    """The hex digest of a file (``algorithm``: ``"sha256"``, ``"md5"`` or ``"auto"``).

    Example:
    >>> hash_file("/tmp/empty")
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    """
    hasher = _hasher(algorithm, file_hash)
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK_BYTES), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def _matches(fpath, file_hash, algorithm):
    return hash_file(fpath, algorithm, file_hash) == str(file_hash).lower()


def _is_good_cached_file(path, file_hash, algorithm):
    if not os.path.isfile(path):
        return False
    if file_hash is None or _matches(path, file_hash, algorithm):
        return True
    io_utils.print_msg(f"A cached file was found at {path}, but its {algorithm} hash does not match "
                       f"{file_hash}: it is incomplete or outdated, so it is deleted and downloaded again.")
    os.remove(path)
    return False


def _download(origin, target, file_hash, algorithm):
    io_utils.print_msg(f"Downloading data from {origin}")
    folder = os.path.dirname(target)
    fd, partial = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            _stream_to(origin, out, target)
        if file_hash is not None and not _matches(partial, file_hash, algorithm):
            raise ValueError(
                f"The file downloaded from {origin} is corrupted or not the expected one: its "
                f"{algorithm} hash is {hash_file(partial, algorithm, file_hash)}, not {file_hash}. "
                f"Nothing was cached at {target}. Check the URL and the hash. "
                f"Received: origin={origin!r}, file_hash={file_hash!r}")
        os.replace(partial, target)
    except BaseException:
        if os.path.exists(partial):
            os.remove(partial)
        raise


def _stream_to(origin, out, target):
    def fail(reason):
        return DownloadError(
            f"Could not download {origin} to {target}: {reason}. Check the URL and the network "
            f"connection, or put the file at {target} yourself. Received: origin={origin!r}")

    try:
        with urllib.request.urlopen(origin, timeout=DOWNLOAD_TIMEOUT_S) as response:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            bar = Progbar(total) if io_utils.is_interactive_logging_enabled() else None
            received = 0
            while True:
                chunk = response.read(_CHUNK_BYTES)
                if not chunk:
                    break
                out.write(chunk)
                received += len(chunk)
                if bar is not None:
                    bar.update(min(received, total) if total else received)
    except urllib.error.HTTPError as e:
        raise fail(f"the server answered HTTP {e.code} {e.reason}") from e
    except urllib.error.URLError as e:
        raise fail(f"the server could not be reached ({e.reason})") from e
    except (OSError, http.client.HTTPException) as e:  # a cut connection, a timeout
        raise fail(f"the connection failed ({type(e).__name__}: {e})") from e
    if total is not None and received != total:
        raise fail(f"the connection closed after {received} of {total} bytes")
