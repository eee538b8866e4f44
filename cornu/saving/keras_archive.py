"""The ``.keras`` container: a zip (or a plain directory) with three members.

::

    metadata.json      {"keras_version": ..., "date_saved": ...}
    config.json        the serialized model
    model.weights.h5   the weights (see ``weights_store``)
    assets/...         files of objects that define ``save_assets`` (optional)

Zip members are stored uncompressed, as Keras writes them. Writing goes
through a temporary file that replaces the target only once complete.
Reading refuses member names that escape the archive (absolute paths, ``..``,
drive letters, backslashes), symbolic links and other special members,
duplicate names, members that claim to expand far beyond their stored size,
and JSON members larger than ``MAX_JSON_BYTES``. Any damage the zip reader
trips over becomes a ``KerasArchiveError``.
"""

import io
import json
import os
import shutil
import stat
import tempfile
import time
import zipfile

from cornu.saving import atomic
from cornu.saving.weights_store import H5WeightsReader, H5WeightsWriter

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
WEIGHTS_FILENAME = "model.weights.h5"
ASSETS_DIRNAME = "assets"

MAX_JSON_BYTES = 64 << 20
# Members that expand more than _MAX_EXPANSION times (DEFLATE tops out near 1032x; Keras stores
# members uncompressed, i.e. 1x) may add up to at most this many bytes.
_BOMB_FLOOR_BYTES = 64 << 20
_MAX_EXPANSION = 100
# Weights up to this size are read into memory; larger ones are spooled to a temporary file.
_IN_MEMORY_WEIGHTS_BYTES = 1 << 30
_ZIP64_LIMIT = (1 << 31) - 1


class KerasArchiveError(ValueError):
    """Raised when a ``.keras`` file or directory is missing, corrupt or unsafe."""


# ----------------------------------------------------------------- writing
def _zip_info(name, now):
    info = zipfile.ZipInfo(name, date_time=time.localtime(now)[:6])
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def _write_zip(fileobj, config_json, metadata_json, write_weights, write_assets, folder=None):
    now = time.time()
    with zipfile.ZipFile(fileobj, "w") as zf:
        zf.writestr(_zip_info(METADATA_FILENAME, now), metadata_json.encode("utf-8"))
        zf.writestr(_zip_info(CONFIG_FILENAME, now), config_json.encode("utf-8"))
        # The HDF5 file needs random access while it is written, so it goes to an anonymous
        # temporary file first and is streamed into the archive afterwards.
        with _temporary_file(folder) as tmp:
            with H5WeightsWriter(tmp) as writer:
                write_weights(writer)
            size = tmp.seek(0, io.SEEK_END)
            tmp.seek(0)
            info = _zip_info(WEIGHTS_FILENAME, now)
            info.file_size = size
            with zf.open(info, "w", force_zip64=size > _ZIP64_LIMIT) as dst:
                shutil.copyfileobj(tmp, dst, 1 << 20)
        if write_assets is not None:
            with tempfile.TemporaryDirectory() as assets_dir:
                write_assets(assets_dir)
                for root, _, files in sorted(os.walk(assets_dir)):
                    for filename in sorted(files):
                        full = os.path.join(root, filename)
                        relative = os.path.relpath(full, assets_dir).replace(os.sep, "/")
                        zf.write(full, f"{ASSETS_DIRNAME}/{relative}")


def _temporary_file(folder):
    try:
        return tempfile.TemporaryFile(dir=folder)
    except OSError:
        return tempfile.TemporaryFile()


def write_archive(target, config_json, metadata_json, write_weights, write_assets=None, zipped=True):
    """Writes a ``.keras`` zip (``zipped=True``) or directory.

    ``write_weights(writer)`` fills an ``H5WeightsWriter``; ``write_assets(folder)``
    (optional) writes asset files under ``folder``. ``target`` is a path or,
    for zips, a writable binary file object.

    Example:
    >>> write_archive("m.keras", config_json, metadata_json, lambda w: save_state(model, w))
    """
    if not zipped:
        _write_directory(os.fspath(target), config_json, metadata_json, write_weights, write_assets)
    elif hasattr(target, "write"):
        _write_zip(target, config_json, metadata_json, write_weights, write_assets)
    else:
        folder = os.path.dirname(os.path.abspath(target))
        with atomic.atomic_write(target) as f:
            _write_zip(f, config_json, metadata_json, write_weights, write_assets, folder=folder)


def _write_directory(dirpath, config_json, metadata_json, write_weights, write_assets):
    if os.path.exists(dirpath) and not os.path.isdir(dirpath):
        raise KerasArchiveError(
            f"Cannot save an unzipped model to '{dirpath}': a file with that name exists. "
            f"Choose another path or pass `zipped=True` with a `.keras` name. Received: filepath={dirpath}"
        )
    os.makedirs(dirpath, exist_ok=True)
    with atomic.atomic_path(os.path.join(dirpath, WEIGHTS_FILENAME)) as temp:
        with H5WeightsWriter(temp) as writer:
            write_weights(writer)
    atomic.write_bytes_atomically(os.path.join(dirpath, CONFIG_FILENAME), config_json.encode("utf-8"))
    atomic.write_bytes_atomically(os.path.join(dirpath, METADATA_FILENAME), metadata_json.encode("utf-8"))
    assets_dir = os.path.join(dirpath, ASSETS_DIRNAME)
    os.makedirs(assets_dir, exist_ok=True)
    if write_assets is not None:
        write_assets(assets_dir)


# ----------------------------------------------------------------- reading
def check_member_name(name, source):
    """Raises unless ``name`` is a relative path that stays inside the archive."""
    parts = name.split("/")
    bad = (
        not name
        or "\\" in name
        or "\x00" in name
        or name.startswith("/")
        or (len(name) > 1 and name[1] == ":")
        or any(part == ".." for part in parts)
    )
    if bad:
        raise KerasArchiveError(
            f"Refusing to read {source}: the archive member '{name}' points outside the archive "
            "(absolute path, drive letter, backslash or '..'). The file is corrupt or was crafted; "
            "only load files you trust."
        )


def _check_member_kind(info, source):
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
        what = "a symbolic link" if kind == stat.S_IFLNK else "a special file (device, pipe or socket)"
        raise KerasArchiveError(
            f"Refusing to read {source}: the archive member '{info.filename}' is {what}, which a model "
            "archive never holds. The file is corrupt or was crafted; only load files you trust."
        )


def _check_zip(zf, source):
    seen = set()
    inflated = 0  # bytes declared by highly compressed members: many small bombs add up
    for info in zf.infolist():
        check_member_name(info.filename, source)
        _check_member_kind(info, source)
        if info.filename in seen:
            raise KerasArchiveError(
                f"Refusing to read {source}: the member '{info.filename}' appears more than once, so "
                "which copy is meant is ambiguous."
            )
        seen.add(info.filename)
        if info.file_size > _MAX_EXPANSION * max(info.compress_size, 1):
            inflated += info.file_size
            if inflated > _BOMB_FLOOR_BYTES:
                raise KerasArchiveError(
                    f"Refusing to read {source}: the member '{info.filename}' declares {info.file_size} bytes but "
                    f"stores only {info.compress_size} (a decompression bomb)."
                )


class KerasArchiveReader:
    """Reads a ``.keras`` zip (path or binary file object) or an unzipped model directory.

    Example:
    >>> with KerasArchiveReader("model.keras") as archive:
    ...     config = archive.read_json("config.json")
    """

    def __init__(self, source):
        self._zip = None
        self._dir = None
        if hasattr(source, "read"):
            self.source = "<file object>"
            self._open_zip(source)
        else:
            path = os.fspath(source)
            self.source = repr(path)
            if os.path.isdir(path):
                if not os.path.isfile(os.path.join(path, CONFIG_FILENAME)):
                    raise KerasArchiveError(
                        f"The directory {self.source} is not a saved model: it has no {CONFIG_FILENAME}. "
                        "Pass the folder written by `model.save(path, zipped=False)` or a `.keras` file."
                    )
                self._dir = path
            elif not os.path.exists(path):
                raise KerasArchiveError(
                    f"File not found: filepath={path}. Please ensure the file is an accessible `.keras` zip file."
                )
            else:
                self._open_zip(path)

    def _open_zip(self, source):
        try:
            self._zip = zipfile.ZipFile(source, "r")
        except FileNotFoundError:
            raise
        except Exception as e:  # zipfile reports damage as BadZipFile, EOFError, ValueError, struct.error, ...
            raise KerasArchiveError(
                f"Cannot read {self.source}: it is not a valid `.keras` zip archive ({e}). The file may be "
                "truncated or corrupted, or it is not a Keras model file."
            ) from e
        try:
            _check_zip(self._zip, self.source)
        except BaseException:
            self._zip.close()
            raise

    def namelist(self):
        if self._zip is not None:
            return self._zip.namelist()
        return sorted(os.listdir(self._dir))

    def has(self, name):
        if self._zip is not None:
            return name in self._zip.NameToInfo
        return os.path.exists(os.path.join(self._dir, name))

    def _missing(self, name):
        return KerasArchiveError(
            f"{self.source} has no '{name}': it is not a complete `.keras` model "
            f"(it contains {self.namelist()}). Save the model again with `model.save()`."
        )

    def read_bytes(self, name, limit):
        """The raw content of member ``name`` (at most ``limit`` bytes, else an error)."""
        check_member_name(name, self.source)
        if not self.has(name):
            raise self._missing(name)
        size = self._zip.getinfo(name).file_size if self._zip is not None else os.path.getsize(
            os.path.join(self._dir, name))
        if size > limit:
            raise KerasArchiveError(
                f"Refusing to read '{name}' from {self.source}: it is {size} bytes, over the {limit}-byte limit."
            )
        try:
            if self._zip is not None:
                with self._zip.open(name) as f:
                    data = f.read(size + 1)
            else:
                with open(os.path.join(self._dir, name), "rb") as f:
                    data = f.read(size + 1)  # read(n) allocates n bytes up front
        except Exception as e:  # bad CRC, unsupported compression, damaged headers, ...
            raise KerasArchiveError(f"Cannot read '{name}' from {self.source}: the file is corrupted ({e}).") from e
        if len(data) > limit:
            raise KerasArchiveError(f"Refusing to read '{name}' from {self.source}: it is over {limit} bytes.")
        return data

    def read_json(self, name):
        """Parses the JSON member ``name`` (``config.json`` or ``metadata.json``)."""
        data = self.read_bytes(name, MAX_JSON_BYTES)
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as e:
            raise KerasArchiveError(f"'{name}' in {self.source} is not valid JSON ({e}): the file is corrupted.") from e

    def open_weights(self):
        """An ``H5WeightsReader`` over ``model.weights.h5`` (checked for unsafe content)."""
        if not self.has(WEIGHTS_FILENAME):
            if self.has("model.weights.npz"):
                raise KerasArchiveError(
                    f"{self.source} stores its weights as `model.weights.npz`, which cornu does not read yet. "
                    "Re-save the model from Keras with the default weights format (h5)."
                )
            raise self._missing(WEIGHTS_FILENAME)
        label = f"'{WEIGHTS_FILENAME}' in {self.source}"
        if self._dir is not None:
            return H5WeightsReader(os.path.join(self._dir, WEIGHTS_FILENAME), source=label)
        size = self._zip.getinfo(WEIGHTS_FILENAME).file_size
        try:
            if size <= _IN_MEMORY_WEIGHTS_BYTES:
                buffer = io.BytesIO(self._zip.read(WEIGHTS_FILENAME))
            else:
                buffer = tempfile.TemporaryFile()
                with self._zip.open(WEIGHTS_FILENAME) as src:
                    shutil.copyfileobj(src, buffer, 1 << 20)
                buffer.seek(0)
        except Exception as e:  # bad CRC, unsupported compression, damaged headers, ...
            raise KerasArchiveError(f"Cannot read {label}: the archive is corrupted ({e}).") from e
        return H5WeightsReader(buffer, source=label)

    def has_assets(self):
        prefix = ASSETS_DIRNAME + "/"
        if self._zip is not None:
            return any(n.startswith(prefix) and not n.endswith("/") for n in self._zip.namelist())
        folder = os.path.join(self._dir, ASSETS_DIRNAME)
        return os.path.isdir(folder) and any(files for _, _, files in os.walk(folder))

    def assets_folder(self, scratch_dir):
        """A folder holding the archive's ``assets/`` tree (extracted into ``scratch_dir`` for zips)."""
        if self._dir is not None:
            return os.path.join(self._dir, ASSETS_DIRNAME)
        root = os.path.realpath(scratch_dir)
        prefix = ASSETS_DIRNAME + "/"
        for info in self._zip.infolist():
            if not info.filename.startswith(prefix) or info.filename.endswith("/"):
                continue
            target = os.path.realpath(os.path.join(root, *info.filename.split("/")))
            if os.path.commonpath([root, target]) != root:
                raise KerasArchiveError(f"Refusing to extract '{info.filename}': it escapes the archive.")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            try:
                with self._zip.open(info) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            except Exception as e:  # bad CRC, unsupported compression, damaged headers, ...
                raise KerasArchiveError(
                    f"Cannot extract '{info.filename}' from {self.source}: the archive is corrupted ({e})."
                ) from e
        return os.path.join(root, ASSETS_DIRNAME)

    def close(self):
        if self._zip is not None:
            self._zip.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
