"""Crafted sharded-weights indexes and weights files given directly: shard names that leave the
index's folder, links, pipes, devices and directories in place of files.

All cases run in one memory-limited child (``run_guarded``): a pipe that blocked would time the
child out instead of hanging pytest.
"""

import json
import os
import shutil

import numpy as np
import pytest

import cornu
from cornu.backend import config
from tests.helpers.guarded_load import run_guarded

SECRET = "TOP-SECRET-5d2e71"
MAX_SECONDS = 5
MAX_EXTRA_RSS_MB = 300

BUILD = ("model = cornu.Sequential([cornu.Input(shape=(4,)), cornu.layers.Dense(8, name='a'), "
         "cornu.layers.Dense(3, name='b')])\n")
LOAD_WEIGHTS = BUILD + (
    "model.load_weights(path)\n"
    "expected = np.load(os.path.join(os.path.dirname(path), 'expected.npz'))\n"
    "assert all(np.array_equal(model.get_layer(k).kernel.numpy(), expected[k]) for k in 'ab'), 'wrong weights'\n"
)
LOAD_MODEL = "cornu.saving.load_model(path)\n"


def _model():
    model = cornu.Sequential([cornu.Input(shape=(4,)), cornu.layers.Dense(8, name="a"),
                              cornu.layers.Dense(3, name="b")])
    rng = np.random.default_rng(11)
    for variable in model.weights:
        variable.assign(rng.uniform(-1, 1, size=variable.shape).astype("float32"))
    return model


def _snippet(code):
    return "import os\n" + code


def _build_corpus(root):
    """``{case: (path, snippet, expected error type or None)}``."""
    base = root / "base"
    base.mkdir()
    model = _model()
    # 160 bytes per shard: each layer lands in a shard of its own.
    model.save_weights(base / "w.weights.json", max_shard_size=160 / 1024**3)
    np.savez(base / "expected.npz", a=model.get_layer("a").kernel.numpy(), b=model.get_layer("b").kernel.numpy())
    index = json.loads((base / "w.weights.json").read_text())
    shards = sorted({name for names in index["weight_map"].values()
                     for name in (names if isinstance(names, list) else [names])})
    assert len(shards) >= 2, shards
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    for shard in shards:
        shutil.copy(base / shard, outside / shard)

    cases = {}

    def sharded(name, expected, craft):
        folder = root / name
        shutil.copytree(base, folder, symlinks=True)
        craft(folder)
        cases[name] = (folder / "w.weights.json", _snippet(LOAD_WEIGHTS), expected)

    def rename_shard(folder, new_name):
        text = (folder / "w.weights.json").read_text().replace(f'"{shards[0]}"', json.dumps(new_name))
        (folder / "w.weights.json").write_text(text)

    def replace_shard(folder, make):
        os.remove(folder / shards[0])
        make(folder / shards[0])

    unsafe_name, unsafe_path = "UnsafeWeightsFileError", "UnsafePathError"
    sharded("shard_name_dotdot", unsafe_name, lambda f: rename_shard(f, f"../outside/{shards[0]}"))
    sharded("shard_name_absolute", unsafe_name, lambda f: rename_shard(f, str(outside / shards[0])))
    sharded("shard_name_is_secret", unsafe_name, lambda f: rename_shard(f, str(outside / "secret.txt")))
    sharded("shard_links_outside", unsafe_path,
            lambda f: replace_shard(f, lambda p: os.symlink(outside / shards[0], p)))
    sharded("shard_links_to_device", unsafe_path, lambda f: replace_shard(f, lambda p: os.symlink("/dev/zero", p)))
    sharded("shard_is_fifo", unsafe_path, lambda f: replace_shard(f, os.mkfifo))
    sharded("shard_is_directory", unsafe_path, lambda f: replace_shard(f, os.mkdir))
    sharded("index_is_fifo", unsafe_path,
            lambda f: (os.remove(f / "w.weights.json"), os.mkfifo(f / "w.weights.json")))

    def inside_link(folder):
        os.mkdir(folder / "real")
        os.rename(folder / shards[0], folder / "real" / shards[0])
        os.symlink(f"real/{shards[0]}", folder / shards[0])

    sharded("shard_link_inside_is_followed", None, inside_link)

    # Files the user names directly: only a regular file is read, and never by blocking on it.
    direct = root / "direct"
    direct.mkdir()
    shutil.copy(base / "expected.npz", direct / "expected.npz")
    for filename, snippet in [("w.weights.h5", LOAD_WEIGHTS), ("w.safetensors", LOAD_WEIGHTS),
                              ("m.keras", LOAD_MODEL), ("m.h5", LOAD_MODEL)]:
        stem = filename.replace(".", "_")
        os.mkfifo(direct / f"fifo_{filename}")
        cases[f"{stem}_is_fifo"] = (direct / f"fifo_{filename}", _snippet(snippet), unsafe_path)
        os.symlink("/dev/zero", direct / f"device_{filename}")
        cases[f"{stem}_is_device"] = (direct / f"device_{filename}", _snippet(snippet), unsafe_path)
    os.mkdir(direct / "dir.weights.h5")
    cases["weights_h5_is_directory"] = (direct / "dir.weights.h5", _snippet(LOAD_WEIGHTS), unsafe_path)
    model.save_weights(direct / "w.weights.h5")
    model.save_weights(direct / "w.safetensors")
    cases["weights_h5_regular"] = (direct / "w.weights.h5", _snippet(LOAD_WEIGHTS), None)
    cases["safetensors_regular"] = (direct / "w.safetensors", _snippet(LOAD_WEIGHTS), None)
    return cases, outside


CASE_NAMES = [
    "shard_name_dotdot", "shard_name_absolute", "shard_name_is_secret", "shard_links_outside",
    "shard_links_to_device", "shard_is_fifo", "shard_is_directory", "index_is_fifo",
    "shard_link_inside_is_followed",
    "w_weights_h5_is_fifo", "w_weights_h5_is_device", "w_safetensors_is_fifo", "w_safetensors_is_device",
    "m_keras_is_fifo", "m_keras_is_device", "m_h5_is_fifo", "m_h5_is_device", "weights_h5_is_directory",
    "weights_h5_regular", "safetensors_regular",
]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    root = tmp_path_factory.mktemp("weights")
    cases, outside = _build_corpus(root)
    child_tmp = root / "child_tmp"
    child_tmp.mkdir()
    listing = {name: sorted(os.listdir(path.parent)) for name, (path, _, _) in cases.items()}
    rows = run_guarded([(name, snippet, str(path)) for name, (path, snippet, _) in cases.items()],
                       backend=config.backend(), timeout=240, env={"TMPDIR": str(child_tmp)})
    after = {name: sorted(os.listdir(path.parent)) for name, (path, _, _) in cases.items()}
    return cases, outside, rows, listing, after, child_tmp


@pytest.mark.parametrize("name", CASE_NAMES)
def test_crafted_weights_path(results, name):
    cases, outside, rows, before, after, child_tmp = results
    row = rows[name]
    assert row["error_type"] == cases[name][2], row
    assert row["seconds"] < MAX_SECONDS, row
    assert row["peak_rss_mb"] - row["baseline_rss_mb"] < MAX_EXTRA_RSS_MB, row
    assert before[name] == after[name]
    assert os.listdir(child_tmp) == []
    if cases[name][2] is not None:
        message = row["message"]
        assert SECRET not in message and "Refusing to read" in message, message
        if cases[name][2] == "UnsafePathError":
            assert str(outside) not in message, message


def test_every_case_is_checked(results):
    assert sorted(results[0]) == sorted(CASE_NAMES)
