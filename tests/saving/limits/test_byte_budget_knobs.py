"""Honest files load under the default byte budget through every entry point; the three knobs change
the outcome; refusals are sticky; JSON costs and error excerpts are bounded."""

import importlib.util
import io
import json
import os
import time
import tracemalloc
import warnings

import numpy as np
import pytest

import cornu
from cornu.backend.common.load_budget import LoadBudget, budget_scope, charge
from cornu.saving import keras_archive
from cornu.saving.excerpt import short_excerpt
from cornu.saving.json_cost import json_cost
from cornu.saving.load_budget import ENV_VARIABLE, loading
from tests.helpers.requirements import require

LEGACY_FIXTURE = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "legacy_h5", "keras2_sequential_mlp.h5")
SMALL = 1 << 20  # under what the honest model's two 1 MB kernels need


def _architecture(name=None):
    return cornu.Sequential([cornu.Input(shape=(512,)), cornu.layers.Dense(512, name="dense"),
                             cornu.layers.Dense(512, name="dense_2")], name=name)


def _model():
    model = _architecture("honest")
    model.get_layer("dense").kernel.assign(np.random.default_rng(0).standard_normal((512, 512)).astype("float32"))
    return model


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    root = tmp_path_factory.mktemp("honest")
    model = _model()
    paths = {"keras": str(root / "m.keras"), "folder": str(root / "folder"), "h5": str(root / "m.weights.h5"),
             "sharded": str(root / "m.weights.json")}
    model.save(paths["keras"])
    model.save(paths["folder"], zipped=False)
    model.save_weights(paths["h5"])
    model.save_weights(paths["sharded"], max_shard_size=0.0015)  # a shard per 1 MB kernel
    if importlib.util.find_spec("safetensors") is not None:
        paths["safetensors"] = str(root / "m.safetensors")
        model.save_weights(paths["safetensors"])
    return model.get_layer("dense").kernel.numpy(), paths


def _load(kind, path):
    if kind in ("keras", "folder"):
        return cornu.saving.load_model(path)
    model = _architecture()
    model.load_weights(path)
    return model


@pytest.mark.parametrize("kind", ["keras", "folder", "h5", "sharded", "safetensors"])
def test_honest_files_load_under_the_default_rule_and_not_under_a_small_limit(saved, kind, monkeypatch):
    if kind == "safetensors":
        require("safetensors")
    kernel, paths = saved
    monkeypatch.delenv(ENV_VARIABLE, raising=False)
    path = paths[kind]
    np.testing.assert_array_equal(_load(kind, path).get_layer("dense").kernel.numpy(), kernel)
    with cornu.saving.load_budget(SMALL):
        with pytest.raises(cornu.saving.LoadBudgetExceeded, match=f"{SMALL}-byte budget.*set_max_load_bytes"):
            _load(kind, path)
    cornu.saving.set_max_load_bytes(SMALL)
    try:
        with pytest.raises(cornu.saving.LoadBudgetExceeded):
            _load(kind, path)
        with cornu.saving.load_budget(64 << 20):  # the scope wins over the setting
            _load(kind, path)
    finally:
        cornu.saving.set_max_load_bytes(None)
    monkeypatch.setenv(ENV_VARIABLE, str(SMALL))
    with pytest.raises(cornu.saving.LoadBudgetExceeded):
        _load(kind, path)
    monkeypatch.setenv(ENV_VARIABLE, str(64 << 20))
    np.testing.assert_array_equal(_load(kind, path).get_layer("dense").kernel.numpy(), kernel)


def test_legacy_h5_model_loads_and_is_charged(monkeypatch):
    monkeypatch.delenv(ENV_VARIABLE, raising=False)
    expected = np.load(LEGACY_FIXTURE[:-3] + ".npz")
    model = cornu.saving.load_model(LEGACY_FIXTURE, compile=False)
    np.testing.assert_allclose(model.predict(expected["input_0"], verbose=0), expected["expected"], rtol=1e-5, atol=1e-6)
    with cornu.saving.load_budget(20_000):
        with pytest.raises(cornu.saving.LoadBudgetExceeded, match="20000-byte budget"):
            cornu.saving.load_model(LEGACY_FIXTURE)


def test_skip_mismatch_does_not_skip_a_refusal(saved):
    _, paths = saved
    model = _architecture()
    with cornu.saving.load_budget(SMALL), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(cornu.saving.LoadBudgetExceeded):
            model.load_weights(paths["h5"], skip_mismatch=True)


def test_a_refusal_that_was_caught_still_fails_the_load(tmp_path):
    path = tmp_path / "m.bin"
    path.write_bytes(b"x")
    with cornu.saving.load_budget(100):
        with pytest.raises(cornu.saving.LoadBudgetExceeded, match="the swallowed charge"):
            with loading(str(path)):
                try:
                    charge(1000, "the swallowed charge")
                except ValueError:
                    pass  # e.g. a layer that warns instead of raising


def test_zip_members_are_charged_while_they_stream():
    declared = 1 << 10  # a size that lies low: the reader charges what actually comes out
    src = io.BytesIO(b"\0" * (8 << 20))
    kept = []
    with budget_scope(LoadBudget(3 << 20)) as budget:
        with pytest.raises(cornu.saving.LoadBudgetExceeded, match="3145728-byte budget"):
            keras_archive._stream_charged(src, kept.append, "a member", None, declared)
    assert sum(map(len, kept)) <= 3 << 20 and budget.used <= 3 << 20
    assert src.tell() <= 4 << 20  # refused while streaming, not after reading everything


def _parsed_bytes(raw):
    tracemalloc.start()
    try:
        value = json.loads(raw.decode("utf-8"))
        return tracemalloc.get_traced_memory()[1], value
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("element", [b"[]", b'{"":0}', b"{}", b"1.5", b'"ab"', b'"\\ud83d\\ude00"', b'{"a":[1,{}]}'])
def test_json_cost_bounds_what_parsing_really_uses(element):
    raw = b"[" + b",".join([element] * 20_000) + b"]"
    used, _ = _parsed_bytes(raw)
    assert used <= json_cost(raw) <= 120 * len(raw)


def test_json_cost_of_an_honest_config_is_moderate(saved):
    _, paths = saved
    with open(os.path.join(paths["folder"], "config.json"), "rb") as f:
        raw = f.read()
    used, _ = _parsed_bytes(raw)
    assert used <= json_cost(raw) <= 40 * len(raw)


def test_short_excerpt_is_short_and_clean_for_huge_values():
    huge = {"class_name": "Dense\x1b[2J", "config": {"blob": ["y" * 1000] * 100_000}, "n": 10**4000}
    start = time.perf_counter()
    text = short_excerpt(huge)
    assert time.perf_counter() - start < 1.0
    assert len(text) <= 203 and "\x1b" not in text and text.startswith("{'class_name': 'Dense")
    assert short_excerpt("\u202eevil\n", limit=50) == repr("\u202eevil\n")
    assert short_excerpt(10**4000) == "<int of 13288 bits>"
    assert short_excerpt([1, 2, 3]) == "[1, 2, 3]"
