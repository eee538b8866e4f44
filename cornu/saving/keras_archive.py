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
trips over becomes a ``KerasArchiveError``. No declared size is trusted: every
member is inflated in chunks, each charged to the load budget (see
``cornu.saving.load_budget``) before it is kept, and JSON is charged for the
memory it expands to before it is parsed.

An unzipped model folder is read through ``safe_files``: every file must
resolve (links followed) inside the folder and be a regular file, opened
without blocking; its assets are copied to a scratch folder the same way, so
objects never read through a link that leaves it.
"""

import io
import os
import shutil
import stat
import tempfile
import time
import zipfile

from cornu.saving import atomic, safe_files
from cornu.backend.common.load_budget import LoadBudgetExceeded, active_budget, charge
from cornu.saving.excerpt import short_excerpt
from cornu.saving.json_cost import charge_json
from cornu.saving.weights_store import H5WeightsReader, H5WeightsWriter
from cornu.serialization.config_limits import ConfigLimitExceeded, parse_json_config

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
WEIGHTS_FILENAME = "model.weights.h5"
ASSETS_DIRNAME = "assets"

MAX_JSON_BYTES = 64 << 20
# Members that expand more than _MAX_EXPANSION times (DEFLATE tops out near 1032x; Keras stores
# members uncompressed, i.e. 1x) may add up to at most this many bytes.
_BOMB_FLOOR_BYTES = 64 << 20
_MAX_EXPANSION = 100
# Weights up to this size are inflated into memory; larger ones go on to an anonymous temporary file.
_IN_MEMORY_WEIGHTS_BYTES = 128 << 20
_CHUNK_BYTES = 1 << 20
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


def _stream_charged(src, write, what, limit, declared):
    """Copies the zip member ``src`` to ``write`` in chunks, charging each chunk to the load budget
    before it is kept.

    No declared size is trusted to accept anything: the bytes are counted as they inflate. A member
    that declares more than the budget has left is refused at once (Python's zip reader never yields
    more than the declared size), and one that holds another size than it declares is corrupt.
    """
    budget = active_budget()
    if budget is not None and declared > budget.remaining:
        budget.charge(declared, f"{what} (its declared size)")
    total = 0
    while True:
        chunk = src.read(_CHUNK_BYTES)
        if not chunk:
            if total != declared:
                raise KerasArchiveError(
                    f"Refusing to read {what}: it declares {declared} bytes but holds {total}. The archive is "
                    "corrupted or was crafted; only load files you trust."
                )
            return total
        total += len(chunk)
        if limit is not None and total > limit:
            raise KerasArchiveError(f"Refusing to read {what}: it is over the {limit}-byte limit.")
        charge(len(chunk), what)
        write(chunk)


class _Spool:
    """A write-once buffer: in memory up to ``_IN_MEMORY_WEIGHTS_BYTES``, then an anonymous temporary
    file (unlinked from the start, so nothing stays on disk whatever happens)."""

    def __init__(self):
        self._file = io.BytesIO()
        self._in_memory = True

    def write(self, chunk):
        if self._in_memory and self._file.tell() + len(chunk) > _IN_MEMORY_WEIGHTS_BYTES:
            spilled = tempfile.TemporaryFile()
            try:
                with self._file.getbuffer() as view:
                    spilled.write(view)
            except BaseException:
                spilled.close()
                raise
            self._file.close()
            self._file, self._in_memory = spilled, False
        self._file.write(chunk)

    def finish(self):
        self._file.seek(0)
        return self._file

    def close(self):
        self._file.close()


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
                # lexists: a config that is a link or a pipe is refused by name when it is read
                if not os.path.lexists(os.path.join(path, CONFIG_FILENAME)):
                    raise KerasArchiveError(
                        f"The directory {self.source} is not a saved model: it has no {CONFIG_FILENAME}. "
                        "Pass the folder written by `model.save(path, zipped=False)` or a `.keras` file."
                    )
                self._dir = path
            elif not os.path.exists(path):
                raise KerasArchiveError(
                    f"File not found: filepath={path}. Please ensure the file is an accessible `.keras` zip file."
                )
            else:  # a pipe or device named like a model would block or never end: regular files only
                safe_files.reopen_by_descriptor(safe_files.open_regular(path), self._open_zip)

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
            f"(it contains {short_excerpt(self.namelist())}). Save the model again with `model.save()`."
        )

    def read_bytes(self, name, limit):
        """The raw content of member ``name`` (at most ``limit`` bytes, else an error)."""
        check_member_name(name, self.source)
        if not self.has(name):
            raise self._missing(name)
        if self._dir is not None:  # inside the folder, a regular file, read without blocking
            with safe_files.open_inside(self._dir, name, self.source) as f:
                return safe_files.read_bounded(f, limit, f"'{name}' of {self.source}", KerasArchiveError)
        size = self._zip.getinfo(name).file_size
        if size > limit:
            raise KerasArchiveError(
                f"Refusing to read '{name}' from {self.source}: it is {size} bytes, over the {limit}-byte limit."
            )
        data = bytearray()
        try:
            with self._zip.open(name) as f:  # the declared size may lie: stream, charge, and stop at the limit
                _stream_charged(f, data.extend, f"'{name}' of {self.source}", limit, self._zip.getinfo(name).file_size)
        except (KerasArchiveError, LoadBudgetExceeded):
            raise
        except Exception as e:  # bad CRC, unsupported compression, damaged headers, ...
            raise KerasArchiveError(f"Cannot read '{name}' from {self.source}: the file is corrupted ({e}).") from e
        return bytes(data)

    def read_json(self, name):
        """Parses the JSON member ``name`` (``config.json`` or ``metadata.json``)."""
        data = self.read_bytes(name, MAX_JSON_BYTES)
        charge_json(data, f"'{name}'")
        try:
            return parse_json_config(data.decode("utf-8"), what=f"'{name}' in {self.source}")
        except ConfigLimitExceeded:
            raise
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
            opened = safe_files.open_inside(self._dir, WEIGHTS_FILENAME, self.source)
            return safe_files.reopen_by_descriptor(opened, lambda path: H5WeightsReader(path, source=label))
        spool = _Spool()
        try:
            with self._zip.open(WEIGHTS_FILENAME) as src:  # charged as it inflates, whatever the sizes declare
                _stream_charged(src, spool.write, label, None, self._zip.getinfo(WEIGHTS_FILENAME).file_size)
            buffer = spool.finish()
        except (KerasArchiveError, LoadBudgetExceeded):
            spool.close()
            raise
        except Exception as e:  # bad CRC, unsupported compression, damaged headers, ...
            spool.close()
            raise KerasArchiveError(f"Cannot read {label}: the archive is corrupted ({e}).") from e
        try:
            return H5WeightsReader(buffer, source=label)
        except BaseException:
            buffer.close()
            raise

    def has_assets(self):
        prefix = ASSETS_DIRNAME + "/"
        if self._zip is not None:
            return any(n.startswith(prefix) and not n.endswith("/") for n in self._zip.namelist())
        folder = os.path.join(self._dir, ASSETS_DIRNAME)
        return os.path.isdir(folder) and any(files for _, _, files in os.walk(folder))

    def assets_folder(self, scratch_dir, object_paths=None):
        """A folder holding the archive's ``assets/`` tree (extracted into ``scratch_dir`` for zips).

        With ``object_paths``, only the assets of those objects are extracted (the objects
        that have ``load_assets``); every extracted byte is charged to the load budget.
        """
        if self._dir is not None:  # copied, so that objects never read through links leaving the folder
            names = [ASSETS_DIRNAME] if object_paths is None else [
                f"{ASSETS_DIRNAME}/{path}" if path else ASSETS_DIRNAME for path in object_paths]
            safe_files.copy_folders(self._dir, names, scratch_dir, self.source)
            return os.path.join(scratch_dir, ASSETS_DIRNAME)
        root = os.path.realpath(scratch_dir)
        prefix = ASSETS_DIRNAME + "/"
        wanted = None if object_paths is None else [prefix + p + "/" if p else prefix for p in object_paths]
        for info in self._zip.infolist():
            if not info.filename.startswith(prefix) or info.filename.endswith("/"):
                continue
            if wanted is not None and not any(info.filename.startswith(w) for w in wanted):
                continue
            target = os.path.realpath(os.path.join(root, *info.filename.split("/")))
            if os.path.commonpath([root, target]) != root:
                raise KerasArchiveError(f"Refusing to extract '{info.filename}': it escapes the archive.")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            try:
                with self._zip.open(info) as src, open(target, "wb") as dst:
                    _stream_charged(src, dst.write, f"the asset '{info.filename}' of {self.source}", None,
                                    info.file_size)
            except (KerasArchiveError, LoadBudgetExceeded):
                raise
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
