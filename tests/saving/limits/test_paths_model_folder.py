"""Crafted unzipped model folders: links leading out, pipes, directories in place of files.

Every case loads in one memory-limited child (``run_guarded``), so a pipe that
blocked would time the child out instead of hanging pytest. Each refusal must
come fast, name the file, never quote the secret file a link points to, and
leave nothing behind in the child's temporary folder.
"""

import os
import shutil

import numpy as np
import pytest

import cornu
from cornu.backend import config
from tests.helpers.guarded_load import run_guarded

SECRET = "TOP-SECRET-b41c0e"
MAX_SECONDS = 5
MAX_EXTRA_RSS_MB = 300


def _model():
    model = cornu.Sequential([cornu.Input(shape=(4,)), cornu.layers.Dense(3, name="dense")], name="pathy")
    rng = np.random.default_rng(7)
    for variable in model.weights:
        variable.assign(rng.uniform(-1, 1, size=variable.shape).astype("float32"))
    return model


def _link(target, link):
    os.remove(link) if os.path.lexists(link) and not os.path.isdir(link) else shutil.rmtree(link, ignore_errors=True)
    os.symlink(target, link)


VOCABULARY = ["[UNK]", "a", "b", "c"]
VOCABULARY_FILE = ("assets", "layers", "string_lookup", "vocabulary.txt")


def _lookup_model():
    lookup = cornu.layers.StringLookup(name="string_lookup")
    lookup.adapt(np.array(["a", "a", "a", "b", "b", "c"]))
    return cornu.Sequential([cornu.Input(shape=(2,), dtype="string"), lookup], name="lookup")


LOAD_DENSE = (
    "model = cornu.saving.load_model(path)\n"
    "expected = np.load(path + '/../expected_kernel.npy')\n"
    "assert np.array_equal(model.get_layer('dense').kernel.numpy(), expected)\n"
)
LOAD_LOOKUP = (
    "model = cornu.saving.load_model(path)\n"
    f"assert model.get_layer('string_lookup').get_vocabulary() == {VOCABULARY!r}, 'wrong vocabulary'\n"
)


def _build_corpus(root):
    """``{case: (folder, snippet, expected error type or None for a load that must succeed)}``."""
    dense, lookup = root / "dense", root / "lookup"
    model = _model()
    model.save(dense, zipped=False)
    np.save(root / "expected_kernel.npy", model.get_layer("dense").kernel.numpy())
    _lookup_model().save(lookup, zipped=False)
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    shutil.copy(dense / "config.json", outside / "config.json")
    shutil.copy(dense / "model.weights.h5", outside / "model.weights.h5")
    shutil.copytree(lookup / "assets", outside / "assets")

    cases = {}

    def case(name, expected, craft, base=dense):
        folder = root / name
        shutil.copytree(base, folder, symlinks=True)
        craft(folder)
        cases[name] = (folder, LOAD_DENSE if base is dense else LOAD_LOOKUP, expected)

    def vocabulary(folder):
        return folder.joinpath(*VOCABULARY_FILE)

    refused = "UnsafePathError"
    # Links leading out of the folder, to a secret or to files that would otherwise load.
    case("config_links_to_secret", refused, lambda f: _link(outside / "secret.txt", f / "config.json"))
    case("config_links_out_relatively", refused, lambda f: _link("../outside/config.json", f / "config.json"))
    case("weights_link_outside", refused, lambda f: _link(outside / "model.weights.h5", f / "model.weights.h5"))
    case("weights_link_to_device", refused, lambda f: _link("/dev/zero", f / "model.weights.h5"))
    case("asset_links_to_secret", refused, lambda f: _link(outside / "secret.txt", vocabulary(f)), base=lookup)
    case("assets_folder_links_out", refused, lambda f: _link(outside / "assets", f / "assets"), base=lookup)
    # Pipes and directories where files belong.
    case("weights_is_fifo", refused, lambda f: (os.remove(f / "model.weights.h5"), os.mkfifo(f / "model.weights.h5")))
    case("config_is_fifo", refused, lambda f: (os.remove(f / "config.json"), os.mkfifo(f / "config.json")))
    case("asset_is_fifo", refused, lambda f: (os.remove(vocabulary(f)), os.mkfifo(vocabulary(f))), base=lookup)
    case("weights_is_directory", refused,
         lambda f: (os.remove(f / "model.weights.h5"), os.mkdir(f / "model.weights.h5")))
    case("config_is_directory", refused, lambda f: (os.remove(f / "config.json"), os.mkdir(f / "config.json")))

    # Links that stay inside the folder are fine.
    def dense_inside_links(f):
        os.mkdir(f / "real")
        os.rename(f / "config.json", f / "real" / "config.json")
        os.rename(f / "model.weights.h5", f / "real" / "weights.h5")
        os.symlink("real/config.json", f / "config.json")
        os.symlink(f / "real" / "weights.h5", f / "model.weights.h5")

    def lookup_inside_links(f):
        os.rename(vocabulary(f), f / "vocabulary_copy.txt")
        os.symlink("../../../vocabulary_copy.txt", vocabulary(f))

    case("links_inside_are_followed", None, dense_inside_links)
    case("asset_link_inside_is_followed", None, lookup_inside_links, base=lookup)
    return cases, outside


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    root = tmp_path_factory.mktemp("folders")
    cases, outside = _build_corpus(root)
    child_tmp = root / "child_tmp"
    child_tmp.mkdir()
    before = {name: sorted(os.listdir(folder)) for name, (folder, _, _) in cases.items()}
    rows = run_guarded([(name, snippet, str(folder)) for name, (folder, snippet, _) in cases.items()],
                       backend=config.backend(), timeout=240, env={"TMPDIR": str(child_tmp)})
    after = {name: sorted(os.listdir(folder)) for name, (folder, _, _) in cases.items()}
    return cases, outside, rows, before, after, child_tmp


CASE_NAMES = [
    "config_links_to_secret", "config_links_out_relatively", "weights_link_outside", "weights_link_to_device",
    "asset_links_to_secret", "assets_folder_links_out", "weights_is_fifo", "config_is_fifo", "asset_is_fifo",
    "weights_is_directory", "config_is_directory", "links_inside_are_followed", "asset_link_inside_is_followed",
]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_crafted_model_folder(results, name):
    cases, outside, rows, before, after, child_tmp = results
    row = rows[name]
    expected = cases[name][2]
    assert row["error_type"] == expected, row
    assert row["seconds"] < MAX_SECONDS, row
    assert row["peak_rss_mb"] - row["baseline_rss_mb"] < MAX_EXTRA_RSS_MB, row
    assert before[name] == after[name]
    assert os.listdir(child_tmp) == []
    if expected is not None:
        message = row["message"]
        assert SECRET not in message and str(outside) not in message, message
        assert "Refusing to read" in message, message
        assert "not a regular file" in message or "outside the folder" in message, message


def test_every_case_is_checked(results):
    assert sorted(results[0]) == sorted(CASE_NAMES)
