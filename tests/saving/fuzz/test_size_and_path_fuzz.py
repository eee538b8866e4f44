"""Property-based fuzzing of sizes and paths: lies a file tells about sizes, and names that lead elsewhere.

Size mutations: the sizes a zip declares for its members, the safetensors header length and
shapes, HDF5 dataset shapes, and integers in a model's config. Path mutations: zip member names
with ``..``, absolute names and link members, shard names in a sharded index, and links, pipes
and directories in an unzipped model folder.

Every mutated file must either load or be refused with a ``ValueError`` subclass (a missing
shard may be ``FileNotFoundError``), under a small byte budget: never a hang (each example runs
under an alarm), a ``MemoryError``, unbounded Python allocation, or a quote of a file outside.
Examples are derandomized and few, so the file takes seconds per backend.
"""

import contextlib
import datetime
import io
import json
import os
import shutil
import signal
import struct
import tempfile
import tracemalloc
import warnings
import zipfile

# Hypothesis caches data in ./.hypothesis unless told otherwise: keep the checkout clean.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "cornu-hypothesis"))

import h5py  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import cornu  # noqa: E402

BUDGET_BYTES = 64 << 20
MAX_TRACED_BYTES = 96 << 20
ALARM_SECONDS = 20
SECRET = "TOP-SECRET-e09b52"
FUZZ = settings(max_examples=25, deadline=datetime.timedelta(seconds=20), derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

# Sizes that matter: zero, off by one, near the 32- and 64-bit edges, and far beyond any budget.
SIZES = st.one_of(st.integers(0, 1 << 12), st.sampled_from([(1 << 31) - 1, 1 << 31, (1 << 32) - 2, (1 << 32) - 1]),
                  st.integers(0, (1 << 32) - 1))
HUGE_INTS = st.one_of(st.integers(-(1 << 70), 1 << 70), st.sampled_from([0, -1, 10**12, 2**63, 10**300]),
                      st.integers(100, 1500).map(lambda digits: int("9" * digits)))


class Hang(Exception):
    pass


@contextlib.contextmanager
def alarm(seconds=ALARM_SECONDS):
    """Turns a load that blocks (a pipe, a loop) into a failure instead of a stuck test run."""
    def ring(signum, frame):
        raise Hang(f"the load did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def load_cleanly(load, allowed=(ValueError,)):
    """Runs ``load`` under a small budget: it may succeed or raise ``allowed``; returns the error (or None)."""
    tracemalloc.start()
    error = None
    try:
        with alarm(), warnings.catch_warnings(), cornu.saving.load_budget(BUDGET_BYTES):
            warnings.simplefilter("ignore")
            load()
    except allowed as e:
        error = e
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < MAX_TRACED_BYTES, f"loading a mutated file allocated {peak} bytes"
    if error is not None:
        assert SECRET not in str(error)
        assert len(str(error)) < 4000, "an error message quotes too much of the file"
    return error


def _model():
    return cornu.Sequential([cornu.Input(shape=(4,)), cornu.layers.Dense(3, name="dense"),
                             cornu.layers.Dense(2, name="head")], name="fuzzed")


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    folder = tmp_path_factory.mktemp("size_path_fuzz")
    model = _model()
    model.save(folder / "m.keras")
    model.save(folder / "unzipped", zipped=False)
    model.save_weights(folder / "w.safetensors")
    model.save_weights(folder / "w.weights.json", max_shard_size=64 / 1024**3)  # one shard per layer
    with zipfile.ZipFile(folder / "m.keras") as zf:
        members = {info.filename: zf.read(info.filename) for info in zf.infolist()}
    (folder / "outside").mkdir()
    (folder / "outside" / "secret.txt").write_text(SECRET)
    return Originals(folder, members, _model())


class Originals(tuple):
    """The valid files the mutations start from (a short repr keeps hypothesis reports readable)."""

    def __new__(cls, *items):
        return super().__new__(cls, items)

    def __repr__(self):
        return "<original files>"


def _zip(members, infos=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            info = (infos or {}).get(name) or zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            zf.writestr(info, data)
    return buffer.getvalue()


# ------------------------------------------------------------------ sizes
def _patch_sizes(data, member_index, field, value):
    """Overwrites a declared size of one member, in its local header and/or its central directory entry."""
    data = bytearray(data)
    local = [i for i in range(len(data)) if data.startswith(b"PK\x03\x04", i)]
    central = [i for i in range(len(data)) if data.startswith(b"PK\x01\x02", i)]
    offsets = {"compressed": (18, 20), "uncompressed": (22, 24)}[field]
    if local:
        struct.pack_into("<I", data, local[member_index % len(local)] + offsets[0], value)
    if central:
        struct.pack_into("<I", data, central[member_index % len(central)] + offsets[1], value)
    return bytes(data)


@FUZZ
@given(member=st.integers(0, 3), field=st.sampled_from(["compressed", "uncompressed"]), value=SIZES)
def test_zip_member_sizes_that_lie(originals, member, field, value):
    folder, _, _ = originals
    data = _patch_sizes((folder / "m.keras").read_bytes(), member, field, value)
    load_cleanly(lambda: cornu.saving.load_model(io.BytesIO(data)))


@FUZZ
@given(header_length=st.one_of(SIZES, st.integers(0, (1 << 64) - 1)))
def test_safetensors_header_length_that_lies(originals, header_length, tmp_path_factory):
    folder, _, model = originals
    data = bytearray((folder / "w.safetensors").read_bytes())
    data[:8] = struct.pack("<Q", header_length)
    target = tmp_path_factory.mktemp("st") / "w.safetensors"
    target.write_bytes(bytes(data))
    load_cleanly(lambda: model.load_weights(target))


@FUZZ
@given(shape=st.lists(HUGE_INTS, min_size=0, max_size=4), tensor=st.integers(0, 7))
def test_safetensors_shapes_that_lie(originals, shape, tensor, tmp_path_factory):
    folder, _, model = originals
    data = (folder / "w.safetensors").read_bytes()
    length = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + length])
    names = sorted(k for k in header if k != "__metadata__")
    header[names[tensor % len(names)]]["shape"] = shape
    raw = json.dumps(header).encode()
    target = tmp_path_factory.mktemp("st") / "w.safetensors"
    target.write_bytes(struct.pack("<Q", len(raw)) + raw + data[8 + length:])
    error = load_cleanly(lambda: model.load_weights(target))
    assert error is not None, f"a tensor declared with shape {shape} was accepted"


@FUZZ
@given(shape=st.lists(st.one_of(st.integers(1, 8), st.integers(1, 1 << 20)), min_size=1, max_size=3),
       compress=st.booleans())
def test_hdf5_dataset_shapes(originals, shape, compress, tmp_path_factory):
    """A dataset declaring any shape: refused (size bomb, budget or mismatch) or loaded if it fits."""
    _, _, model = originals
    target = tmp_path_factory.mktemp("h5") / "w.weights.h5"
    model.save_weights(target)
    with h5py.File(target, "a") as f:
        del f["layers/dense/vars/0"]
        options = {"compression": "gzip"} if compress else {}
        f.create_dataset("layers/dense/vars/0", shape=tuple(shape), dtype="float32", chunks=True, **options)
    error = load_cleanly(lambda: model.load_weights(target))
    if tuple(shape) != (4, 3):
        assert error is not None, f"a kernel of shape {shape} was accepted for a (4, 3) variable"


def _set_path(config, path, value):
    node = config
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


CONFIG_INTS = [
    ("config", "layers", 1, "config", "units"),
    ("config", "layers", 0, "config", "batch_shape", 1),
    ("config", "layers", 1, "build_config", "input_shape", 1),
    ("config", "layers", 2, "config", "units"),
]


@FUZZ
@given(where=st.sampled_from(CONFIG_INTS), value=HUGE_INTS)
def test_integers_in_the_config(originals, where, value):
    _, members, _ = originals
    config = json.loads(members["config.json"])
    _set_path(config, where, value)
    mutated = dict(members, **{"config.json": json.dumps(config).encode()})
    load_cleanly(lambda: cornu.saving.load_model(io.BytesIO(_zip(mutated))), (ValueError, TypeError))


# ------------------------------------------------------------------ paths
SEGMENTS = st.sampled_from(["..", ".", "", "assets", "x", "config.json", "model.weights.h5", "C:", "\\..", "..\\x"])
MEMBER_NAMES = st.one_of(
    st.lists(SEGMENTS, min_size=1, max_size=4).map("/".join),
    st.lists(SEGMENTS, min_size=1, max_size=3).map(lambda parts: "/" + "/".join(parts)),
    st.sampled_from(["../../etc/passwd", "/etc/passwd", "assets/../../x", "C:/x", "assets\\..\\..\\x"]),
)


def _escapes(name):
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or "\\" in name or ".." in parts


@FUZZ
@given(name=MEMBER_NAMES, as_link=st.booleans(), replace=st.booleans())
def test_zip_member_names(originals, name, as_link, replace):
    _, members, _ = originals
    members = dict(members)
    infos = {}
    if replace and name not in members:  # the name stands in for a real member, e.g. the weights
        members[name] = members.pop("model.weights.h5")
    else:
        members[name] = b"../outside/secret.txt" if as_link else b"payload"
    if as_link:
        info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
        info.external_attr = 0o120777 << 16  # a symbolic link member
        infos[name] = info
    error = load_cleanly(lambda: cornu.saving.load_model(io.BytesIO(_zip(members, infos))))
    if _escapes(name) or as_link:
        assert error is not None, f"the member {name!r} (link: {as_link}) was accepted"


SHARD_NAMES = st.one_of(
    st.lists(SEGMENTS, min_size=1, max_size=3).map(lambda parts: "/".join(parts) + ".weights.h5"),
    st.sampled_from(["../w_00000.weights.h5", "/etc/passwd", "/dev/zero", "outside/secret.txt", "\x00.h5",
                     "w_00000.weights.h5/", "C:w.h5", ".", ".."]),
    st.integers(), st.none(), st.lists(st.integers(), max_size=2), st.text(max_size=3000),
)


@FUZZ
@given(shard=SHARD_NAMES, everywhere=st.booleans())
def test_shard_names_in_the_index(originals, shard, everywhere, tmp_path_factory):
    folder, _, model = originals
    index = json.loads((folder / "w.weights.json").read_text())
    keys = sorted(index["weight_map"])
    for key in keys if everywhere else keys[:1]:
        index["weight_map"][key] = shard
    target = tmp_path_factory.mktemp("index")
    for shard_file in folder.glob("w_*.weights.h5"):
        os.symlink(shard_file, target / shard_file.name)  # links to the real shards: outside this folder
    (target / "w.weights.json").write_text(json.dumps(index))
    error = load_cleanly(lambda: model.load_weights(target / "w.weights.json"), (ValueError, FileNotFoundError))
    assert error is not None, f"the shard name {shard!r} was accepted (every shard here is a link leading out)"


FOLDER_FILES = ["config.json", "model.weights.h5", "metadata.json"]
REPLACEMENTS = st.sampled_from(["secret", "outside_copy", "inside_link", "device", "dangling", "parent", "fifo",
                                "directory"])


@FUZZ
@given(victim=st.sampled_from(FOLDER_FILES), replacement=REPLACEMENTS)
def test_links_pipes_and_directories_in_a_model_folder(originals, victim, replacement, tmp_path_factory):
    folder, _, _ = originals
    model_dir = tmp_path_factory.mktemp("folder") / "m"
    shutil.copytree(folder / "unzipped", model_dir)
    path = model_dir / victim
    if replacement == "inside_link":
        os.rename(path, model_dir / f"real_{victim}")
    else:
        if replacement == "outside_copy":
            shutil.copy(path, folder / "outside" / victim)
        os.remove(path)
    make = {
        "secret": lambda: os.symlink(folder / "outside" / "secret.txt", path),
        "outside_copy": lambda: os.symlink(folder / "outside" / victim, path),
        "inside_link": lambda: os.symlink(f"real_{victim}", path),
        "device": lambda: os.symlink("/dev/zero", path),
        "dangling": lambda: os.symlink("nothing_here", path),
        "parent": lambda: os.symlink("..", path),
        "fifo": lambda: os.mkfifo(path),
        "directory": lambda: os.mkdir(path),
    }
    make[replacement]()
    error = load_cleanly(lambda: cornu.saving.load_model(model_dir), (ValueError, FileNotFoundError))
    read_by_load = victim != "metadata.json"
    if replacement != "inside_link" and read_by_load:
        assert error is not None, f"{victim} as {replacement} was accepted"
    if replacement == "inside_link":
        assert error is None, f"a link inside the folder was refused: {error}"
