"""Files whose declared sizes lie are refused by the load budget: before the allocation, in seconds,
with little memory, leaving nothing on disk.

Every file is crafted here at test time. All of them load in ONE memory-limited child per backend
(``run_guarded``), whose temporary folder is private so that anything left behind is seen; the
same loads then run in this process under a small fixed budget to check the model folders.
"""

import json
import os
import shutil
import struct
import tempfile
import zipfile
import zlib

import h5py
import numpy as np
import pytest

import cornu
from tests.helpers.guarded_load import run_guarded

LEGACY_FIXTURE = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "legacy_h5", "keras2_sequential_mlp.h5")
MB = 1 << 20
REFUSED_ZIP = ("KerasArchiveError", "LoadBudgetExceeded")


# ------------------------------------------------------------------ crafting
def _model():
    return cornu.Sequential([cornu.Input(shape=(4,)), cornu.layers.Dense(3, name="dense")], name="base")


def _lookup_model():
    lookup = cornu.layers.StringLookup(name="string_lookup")
    lookup.adapt(np.array(["a", "a", "b"]))
    return cornu.Sequential([cornu.Input(shape=(1,), dtype="string"), lookup], name="lookup")


def _members(path):
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _stored(name, data):
    return {"name": name, "method": zipfile.ZIP_STORED, "data": data, "crc": zlib.crc32(data),
            "size": len(data), "csize": len(data)}


def _deflated(name, data):
    packed = zlib.compress(data, 9)[2:-4]  # raw deflate: without the zlib header and checksum
    return {"name": name, "method": zipfile.ZIP_DEFLATED, "data": packed, "crc": zlib.crc32(data),
            "size": len(data), "csize": len(packed)}


def _write_raw_zip(path, members):
    """A zip written byte by byte, so that its declared sizes can say anything (``zip64``: sizes in the
    zip64 extra field, the 32-bit fields set to 0xFFFFFFFF)."""
    out, central = bytearray(), bytearray()
    for m in members:
        name, offset = m["name"].encode(), len(out)
        size, csize, extra, version = m["size"], m["csize"], b"", 20
        if m.get("zip64"):
            extra, size, csize, version = struct.pack("<HHQQ", 1, 16, size, csize), 0xFFFFFFFF, 0xFFFFFFFF, 45
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, version, 0, m["method"], 0, 0x21, m["crc"], csize, size,
                           len(name), len(extra)) + name + extra + m["data"]
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x031E, version, 0, m["method"], 0, 0x21, m["crc"],
                               csize, size, len(name), len(extra), 0, 0, 0, 0o100644 << 16, offset) + name + extra
    out += central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central),
                                 len(out), 0)
    with open(path, "wb") as f:
        f.write(out)


def _deflate_bomb(name, total_bytes, random_bytes=10_000):
    """A raw-deflate member of ``total_bytes`` that compresses about 95x: just under the old 100x
    threshold on declared ratios. One 1 MiB block is compressed once and repeated (a full flush resets
    the history, so each copy is self-contained)."""
    rng = np.random.default_rng(0)
    block = rng.integers(0, 256, random_bytes, dtype=np.uint8).tobytes() + bytes(MB - random_bytes)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = total_bytes // MB
    data = first + again * (count - 1) + compressor.flush()
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    return {"name": name, "method": zipfile.ZIP_DEFLATED, "data": data, "crc": crc, "size": count * MB,
            "csize": len(data)}


def _gzip_chunks_dataset(group, key, total_bytes, chunk_elements=MB):
    """A float32 dataset of ``total_bytes`` whose gzip chunks compress ~300x (under the old 1000x limit)."""
    rng = np.random.default_rng(1)
    chunk = np.zeros(chunk_elements, "float32")
    chunk[:2048] = rng.standard_normal(2048)
    compressed = zlib.compress(chunk.tobytes(), 9)
    count = total_bytes // chunk.nbytes
    if key in group:
        del group[key]
    dataset = group.create_dataset(key, shape=(count * chunk_elements,), dtype="float32",
                                   chunks=(chunk_elements,), compression="gzip")
    for i in range(count):
        dataset.id.write_direct_chunk((i * chunk_elements,), compressed)


def _lie_about_vlen_length(path, text, length=2_000_000_000):
    """Rewrites the stored length of the variable-length string ``text`` (its descriptor: 4-byte length,
    global heap address, index) so that the HDF5 library would allocate ``length`` bytes for it."""
    raw = bytearray(open(path, "rb").read())
    data = raw.rfind(text.encode())  # the heap object: index (2 bytes), refcount (2), reserved (4), size (8), data
    assert data > 0 and struct.unpack_from("<Q", raw, data - 8)[0] == len(text)
    index = struct.unpack_from("<H", raw, data - 16)[0]
    heap = raw.rfind(b"GCOL", 0, data)
    descriptor = struct.pack("<IQI", len(text), heap, index)
    position = raw.find(descriptor)
    assert heap > 0 and position > 0 and raw.find(descriptor, position + 1) < 0
    raw[position:position + 4] = struct.pack("<I", length)
    with open(path, "wb") as f:
        f.write(raw)


def _expanding_json(raw_bytes, config=None):
    """A model config padded with tiny dicts: it parses to ~30x its size in memory."""
    pad = b'{"":0},' * (raw_bytes // 7)
    config = config or json.dumps({"class_name": "Sequential", "config": {"name": "s", "layers": []}}).encode()
    return config.rstrip()[:-1] + b', "pad": [' + pad + b'{}]}'


LOAD_MODEL = "cornu.saving.load_model(path)"
LOAD_WEIGHTS = ("model = cornu.Sequential([cornu.Input(shape=(4,)), cornu.layers.Dense(3, name='dense')])\n"
                "model.load_weights(path)")
LOAD_HONEST = "model = cornu.saving.load_model(path)\nassert model.get_layer('dense').kernel.shape == (4, 3)"


def build_corpus(root):
    """``{case: (path, snippet, accepted error types (None: the load must succeed))}``."""
    root = str(root)
    base = os.path.join(root, "base.keras")
    _model().save(base)
    base_weights = os.path.join(root, "base.weights.h5")
    _model().save_weights(base_weights)
    members = _members(base)
    honest = [_stored(n, members[n]) for n in ("metadata.json", "config.json", "model.weights.h5")]
    cases = {}

    def folder(name):
        path = os.path.join(root, name)
        os.makedirs(path)
        return path

    def zip_case(name, member_list, snippet, expected):
        path = os.path.join(folder(name), "model.keras")
        _write_raw_zip(path, member_list)
        cases[name] = (path, snippet, expected)

    # Zip members: declared sizes that lie, and inflation charged as it happens.
    config = members["config.json"]
    short = dict(_stored("config.json", config), size=len(config) // 2)  # the CRC then fails
    zip_case("zip_declared_size_too_small", [honest[0], short, honest[2]], LOAD_MODEL, REFUSED_ZIP)
    long = dict(_stored("config.json", config), size=len(config) * 50)  # runs off the stored data
    zip_case("zip_declared_size_too_large", [honest[0], long, honest[2]], LOAD_MODEL, REFUSED_ZIP)
    lying64 = dict(_stored("config.json", config), zip64=True, size=60 * MB, csize=MB)
    zip_case("zip64_sizes_lie", [honest[0], lying64, honest[2]], LOAD_MODEL, REFUSED_ZIP)
    zip_case("deflate_bomb_weights_95x", [honest[0], honest[1], _deflate_bomb("model.weights.h5", 700 * MB)],
             LOAD_MODEL, ("LoadBudgetExceeded",))
    zip_case("deflate_bomb_weights_95x_load_weights",
             [honest[0], honest[1], _deflate_bomb("model.weights.h5", 700 * MB)], LOAD_WEIGHTS,
             ("LoadBudgetExceeded",))
    # Assets: never extracted for a model without assets hooks; charged for one that has them.
    zip_case("assets_bomb_model_without_assets", honest + [_deflate_bomb("assets/big.bin", 700 * MB)],
             LOAD_HONEST, None)
    lookup = os.path.join(root, "lookup.keras")
    _lookup_model().save(lookup)
    lookup_members = _members(lookup)
    zip_case("assets_bomb_lookup_vocabulary",
             [_stored(n, d) for n, d in lookup_members.items() if not n.startswith("assets/")]
             + [_deflate_bomb("assets/layers/string_lookup/vocabulary.txt", 700 * MB)],
             LOAD_MODEL, ("LoadBudgetExceeded",))
    # JSON that expands ~30x once parsed.
    zip_case("json_config_expands_30x", [honest[0], _deflated("config.json", _expanding_json(20 * MB)), honest[2]],
             LOAD_MODEL, ("LoadBudgetExceeded",))

    # HDF5 weights: decompressed sizes, variable-length data, lying length fields.
    def weights_case(name, craft, expected, also_in_keras=True):
        path = os.path.join(folder(name), "model.weights.h5")
        shutil.copy(base_weights, path)
        with h5py.File(path, "a") as f:
            craft(f["layers/dense/vars"])
        if name == "vlen_attribute_lying_length":
            _lie_about_vlen_length(path, "bfloat16")
        cases[name] = (path, LOAD_WEIGHTS, expected)
        if also_in_keras:
            keras_path = os.path.join(folder(name + "_in_keras"), "model.keras")
            with open(path, "rb") as f:
                weights = f.read()
            _write_raw_zip(keras_path, honest[:2] + [_stored("model.weights.h5", weights)])
            cases[name + "_in_keras"] = (keras_path, LOAD_MODEL, expected)

    weights_case("h5_gzip_300x_over_budget", lambda g: _gzip_chunks_dataset(g, "0", 600 * MB), ("LoadBudgetExceeded",))
    weights_case("h5_huge_declared_shape_chunked",
                 lambda g: (g.__delitem__("0"), g.create_dataset("0", shape=(1 << 38,), dtype="float32",
                                                                  chunks=(1 << 16,), compression="gzip")),
                 ("LoadBudgetExceeded", "UnsafeWeightsFileError"))
    weights_case("h5_vlen_string_weight",
                 lambda g: (g.__delitem__("0"), g.create_dataset("0", data=["x" * 100] * 100, dtype=h5py.string_dtype())),
                 ("UnsafeWeightsFileError",), also_in_keras=False)

    def bfloat16_tagged(group):
        del group["0"]
        group.create_dataset("0", data=np.zeros((4, 3), "uint16").view("V2"))
        group["0"].attrs["dtype"] = "bfloat16"

    weights_case("vlen_attribute_lying_length", bfloat16_tagged, ("LoadBudgetExceeded",))

    # Safetensors: a shape of huge integers is refused before any arithmetic.
    header = json.dumps({"layers/dense/vars/0": {"dtype": "F32", "shape": [int("9" * 4000)] * 200,
                                                 "data_offsets": [0, 4]}}).encode()
    st_path = os.path.join(folder("safetensors_huge_int_shape"), "model.safetensors")
    with open(st_path, "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header + bytes(4))
    cases["safetensors_huge_int_shape"] = (st_path, LOAD_WEIGHTS, ("UnsafeWeightsFileError",))

    # Legacy `.h5`: a model_config that expands, and one whose stored length lies.
    def legacy_case(name, craft, expected):
        path = os.path.join(folder(name), "model.h5")
        shutil.copy(LEGACY_FIXTURE, path)
        with h5py.File(path, "a") as f:
            craft(f)
        cases[name] = (path, LOAD_MODEL, expected)

    legacy_case("legacy_model_config_expands", lambda f: f.attrs.__setitem__(
        "model_config", _expanding_json(16 * MB).decode()), ("LoadBudgetExceeded",))
    legacy_case("legacy_model_config_lying_length", lambda f: f.attrs.__setitem__("model_config", "{}" * 10),
                ("LoadBudgetExceeded",))
    _lie_about_vlen_length(cases["legacy_model_config_lying_length"][0], "{}" * 10)
    legacy_case("legacy_gzip_weight_over_budget", lambda f: _gzip_chunks_dataset(
        f["model_weights/dense/dense"], "kernel:0", 600 * MB), ("LoadBudgetExceeded",))
    return cases


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build_corpus(tmp_path_factory.mktemp("byte_budget"))


def _listing(folder):
    return sorted(os.path.relpath(os.path.join(r, n), folder) for r, ds, fs in os.walk(folder) for n in ds + fs)


# ------------------------------------------------------------------ tests
def test_crafted_files_are_refused_in_a_memory_limited_child(corpus, tmp_path):
    private_tmp = tmp_path / "child_tmp"
    private_tmp.mkdir()
    folders = {name: _listing(os.path.dirname(path)) for name, (path, _, _) in corpus.items()}
    results = run_guarded([(name, snippet, path) for name, (path, snippet, _) in corpus.items()],
                          backend=os.environ.get("CORNU_BACKEND", "jax"), env={"TMPDIR": str(private_tmp)})
    problems = []
    for name, (path, _, expected) in corpus.items():
        row = results[name]
        if expected is None and row["error_type"] is not None:
            problems.append(f"{name}: should load, raised {row['error_type']}: {row['message'][:300]}")
        elif expected is not None and row["error_type"] not in expected:
            problems.append(f"{name}: expected {expected}, got {row['error_type']}: {(row['message'] or '')[:300]}")
        if row["seconds"] >= 10:
            problems.append(f"{name}: took {row['seconds']:.1f} s")
        if row["peak_rss_mb"] - row["baseline_rss_mb"] >= 300:
            problems.append(f"{name}: peak memory {row['peak_rss_mb'] - row['baseline_rss_mb']:.0f} MB over baseline")
        if row["error_type"] == "LoadBudgetExceeded":
            assert "set_max_load_bytes" in row["message"] and "CORNU_MAX_LOAD_BYTES" in row["message"]
        if expected is not None and len(row["message"] or "") > 2000:
            problems.append(f"{name}: a {len(row['message'])}-character error message")
        if _listing(os.path.dirname(path)) != folders[name]:
            problems.append(f"{name}: the model folder changed")
    assert not problems, "\n".join(problems)
    assert os.listdir(private_tmp) == []  # no temporary file or extracted asset survives


@pytest.mark.parametrize("name", ["deflate_bomb_weights_95x", "assets_bomb_lookup_vocabulary",
                                  "assets_bomb_model_without_assets", "h5_gzip_300x_over_budget_in_keras"])
def test_nothing_is_left_on_disk_in_process(corpus, name, tmp_path, monkeypatch):
    path, _, expected = corpus[name]
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    before = _listing(os.path.dirname(path))
    with cornu.saving.load_budget(64 * MB):  # small, so that this process stays small too
        if expected is None:
            cornu.saving.load_model(path)
        else:
            with pytest.raises(cornu.saving.LoadBudgetExceeded, match="67108864-byte budget"):
                cornu.saving.load_model(path)
    assert _listing(os.path.dirname(path)) == before
    assert os.listdir(private_tmp) == []


def test_a_config_that_expands_loads_once_the_limit_is_raised(tmp_path):
    path = str(tmp_path / "model.keras")
    model = _model()
    model.save(path)
    members = _members(path)
    members["config.json"] = _expanding_json(MB, members["config.json"])  # ~50 MB charged, ~30 MB parsed
    _write_raw_zip(path, [_stored(n, d) for n, d in members.items()])
    with cornu.saving.load_budget(16 * MB):
        with pytest.raises(cornu.saving.LoadBudgetExceeded, match="parsing 'config.json'.*16777216-byte budget"):
            cornu.saving.load_model(path)
    with cornu.saving.load_budget(256 * MB):
        loaded = cornu.saving.load_model(path)  # the padding is a key the deserializer ignores
    np.testing.assert_array_equal(loaded.get_layer("dense").kernel.numpy(), model.get_layer("dense").kernel.numpy())
