"""Sharded `.weights.json` sets and `.safetensors` weights: layout, round trips, errors, atomic writes."""

import json
import os
import struct

import h5py
import ml_dtypes
import numpy as np
import pytest

import cornu
from cornu.saving import safetensors_weights, sharded_weights

from tests.helpers.formats_helpers import scramble

_KB = 1 / 1024**2  # max_shard_size is in GB: this many GB is one kilobyte


def _mlp():
    layers = cornu.layers
    return cornu.Sequential([cornu.Input(shape=(6,)), layers.Dense(16, activation="relu"), layers.BatchNormalization(),
                             layers.Dense(12), layers.Dense(3)], name="mlp")


def _x():
    return np.random.default_rng(1).normal(size=(4, 6)).astype("float32")


def _same_weights(a, b):
    assert len(a.weights) == len(b.weights)
    for va, vb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(np.asarray(va.numpy()), np.asarray(vb.numpy()))


def _h5_datasets(path):
    names = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            names[name] = obj[()]

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return names


# ----------------------------------------------------------------- sharded
def test_sharded_round_trip_and_keras_layout(tmp_path):
    source = _mlp()
    scramble(source, seed=3)
    source.save_weights(tmp_path / "mlp.weights.json", max_shard_size=0.8 * _KB)
    index = json.loads((tmp_path / "mlp.weights.json").read_text())
    shards = sorted(p.name for p in tmp_path.glob("mlp_*.weights.h5"))
    assert shards == [f"mlp_{i:05}.weights.h5" for i in range(len(shards))] and len(shards) >= 3
    assert set(index) == {"metadata", "weight_map"}
    assert index["metadata"]["total_size"] == sum(v.numpy().nbytes for v in source.weights)
    assert set(index["weight_map"]) == {"/layers/dense/vars", "/layers/batch_normalization/vars",
                                        "/layers/dense_1/vars", "/layers/dense_2/vars"}
    # Every shard is an ordinary weights file; together they hold what `.weights.h5` holds.
    source.save_weights(tmp_path / "single.weights.h5")
    merged = {}
    for shard in shards:
        merged.update(_h5_datasets(tmp_path / shard))
    single = _h5_datasets(tmp_path / "single.weights.h5")
    assert merged.keys() == single.keys()
    for name in single:
        np.testing.assert_array_equal(merged[name], single[name])

    target = _mlp()
    target.load_weights(tmp_path / "mlp.weights.json")
    _same_weights(source, target)
    assert sorted(os.listdir(tmp_path)) == sorted(shards + ["mlp.weights.json", "single.weights.h5"])


def test_variables_of_one_layer_may_span_shards(tmp_path):
    source = _mlp()
    scramble(source, seed=4)
    source.save_weights(tmp_path / "w.weights.json", max_shard_size=0.78 * _KB)  # dense_1 kernel and bias split
    index = json.loads((tmp_path / "w.weights.json").read_text())
    assert any(isinstance(v, list) and len(v) > 1 for v in index["weight_map"].values())
    target = _mlp()
    target.load_weights(tmp_path / "w.weights.json")
    _same_weights(source, target)


def test_sharded_name_rules_and_errors(tmp_path):
    model = _mlp()
    with pytest.warns(UserWarning, match="renamed to"):
        model.save_weights(tmp_path / "a.weights.h5", max_shard_size=1)
    assert (tmp_path / "a.weights.json").is_file() and (tmp_path / "a_00000.weights.h5").is_file()
    with pytest.raises(ValueError, match=r"must end in `\.weights\.json`"):
        model.save_weights(tmp_path / "a.keras", max_shard_size=1)
    with pytest.raises(ValueError, match="exceeds the maximum shard size"):
        model.save_weights(tmp_path / "tiny.weights.json", max_shard_size=0.01 * _KB)
    with pytest.raises(ValueError, match="positive number"):
        model.save_weights(tmp_path / "neg.weights.json", max_shard_size=-1)
    assert not any(p.name.startswith(("tiny", "neg", ".")) for p in tmp_path.iterdir())  # nothing half-written
    (tmp_path / "a_00000.weights.h5").unlink()
    with pytest.raises(FileNotFoundError, match="is missing"):
        model.load_weights(tmp_path / "a.weights.json")
    with pytest.raises(FileNotFoundError):
        model.load_weights(tmp_path / "nothing.weights.json")


def test_sharded_skip_and_mismatch(tmp_path):
    source = _mlp()
    scramble(source, seed=5)
    cornu.saving.save_weights(source, tmp_path / "w.weights.json", max_shard_size=0.8 * _KB,
                              objects_to_skip=[source.layers[-1]])
    index = json.loads((tmp_path / "w.weights.json").read_text())
    assert "/layers/dense_2/vars" not in index["weight_map"]
    smaller = cornu.Sequential([cornu.Input(shape=(6,)), cornu.layers.Dense(16), cornu.layers.BatchNormalization()])
    with pytest.warns(UserWarning, match=r"not loaded: \['layers/dense_1'\]"):
        smaller.load_weights(tmp_path / "w.weights.json")
    _same_weights(cornu.Sequential([cornu.Input(shape=(6,))] + source.layers[:2]), smaller)


# ----------------------------------------------------------------- safetensors
def test_safetensors_round_trip_uses_the_h5_names(tmp_path):
    from safetensors import safe_open

    source = _mlp()
    scramble(source, seed=6)
    source.save_weights(tmp_path / "w.safetensors")
    source.save_weights(tmp_path / "w.weights.h5")
    single = _h5_datasets(tmp_path / "w.weights.h5")
    with safe_open(str(tmp_path / "w.safetensors"), framework="np") as f:  # the reference reader agrees
        assert sorted(f.keys()) == sorted(single)
        for name in single:
            np.testing.assert_array_equal(f.get_tensor(name), single[name])
        assert f.metadata() == safetensors_weights.FORMAT_METADATA
    target = _mlp()
    target.load_weights(tmp_path / "w.safetensors")
    _same_weights(source, target)
    np.testing.assert_allclose(target.predict(_x(), verbose=0), source.predict(_x(), verbose=0), atol=1e-6)


@pytest.mark.requires_trainable_backend
def test_safetensors_keeps_optimizer_state_and_bfloat16(tmp_path):
    model = cornu.Sequential([cornu.Input(shape=(2,)), cornu.layers.Dense(3, dtype="bfloat16")])
    model.layers[0].kernel.assign(np.linspace(-1, 1, 6).reshape(2, 3).astype(ml_dtypes.bfloat16))
    model.compile(optimizer=cornu.optimizers.Adam(), loss="mse")
    model.fit(np.ones((4, 2), "float32"), np.ones((4, 3), "float32"), epochs=1, verbose=0)
    model.save_weights(tmp_path / "bf.safetensors")
    header_size = struct.unpack("<Q", (tmp_path / "bf.safetensors").read_bytes()[:8])[0]
    header = json.loads((tmp_path / "bf.safetensors").read_bytes()[8:8 + header_size])
    assert header["layers/dense/vars/0"]["dtype"] == "BF16"
    assert any(name.startswith("optimizer/vars/") for name in header)
    other = cornu.Sequential([cornu.Input(shape=(2,)), cornu.layers.Dense(3, dtype="bfloat16")])
    other.compile(optimizer=cornu.optimizers.Adam(), loss="mse")
    other.optimizer.build(other.trainable_variables)
    other.load_weights(tmp_path / "bf.safetensors")
    assert other.layers[0].kernel.dtype == "bfloat16"
    _same_weights(model, other)
    for a, b in zip(model.optimizer.variables, other.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a.numpy()), np.asarray(b.numpy()))


def _write_safetensors(path, header, data):
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + data)


def test_safetensors_reader_checks_before_reading(tmp_path):
    model = cornu.Sequential([cornu.Input(shape=(4,)), cornu.layers.Dense(2)])
    kernel = {"dtype": "F32", "shape": [4, 2], "data_offsets": [0, 32]}
    bias = {"dtype": "F32", "shape": [2], "data_offsets": [32, 40]}
    good = tmp_path / "good.safetensors"
    values = np.arange(10, dtype="float32")
    _write_safetensors(good, {"layers/dense/vars/0": kernel, "layers/dense/vars/1": bias}, values.tobytes())
    model.load_weights(good)
    np.testing.assert_array_equal(model.layers[0].kernel.numpy(), values[:8].reshape(4, 2))
    cases = {
        "mismatch.safetensors": ({"layers/dense/vars/0": {**kernel, "shape": [4, 3]}}, "needs 48 bytes"),
        "shape.safetensors": ({"layers/dense/vars/0": {**kernel, "shape": [4, -2]}}, "invalid shape"),
        "keys.safetensors": ({"layers/dense/vars/0": {**kernel, "extra": 1}}, "is not"),
        "meta.safetensors": ({"__metadata__": {"a": 1}}, "mapping of strings"),
        "offsets.safetensors": ({"layers/dense/vars/0": {**kernel, "data_offsets": [8, 40.0]}}, "invalid data offsets"),
    }
    for name, (header, match) in cases.items():
        _write_safetensors(tmp_path / name, header, values.tobytes())
        with pytest.raises(ValueError, match=match):
            model.load_weights(tmp_path / name)
    truncated = tmp_path / "truncated.safetensors"
    truncated.write_bytes(good.read_bytes()[:-4])
    with pytest.raises(ValueError, match="claims bytes"):
        model.load_weights(truncated)
    (tmp_path / "short.safetensors").write_bytes(b"\x01\x00")
    with pytest.raises(ValueError, match="too short"):
        model.load_weights(tmp_path / "short.safetensors")
    with pytest.raises(FileNotFoundError):
        model.load_weights(tmp_path / "missing.safetensors")
    with pytest.raises(ValueError, match=r"\.safetensors"):
        model.load_weights(tmp_path / "w.bin")


# ----------------------------------------------------------------- atomic writes
@cornu.saving.register_keras_serializable(package="saving_formats")
class ExplodingDense(cornu.layers.Dense):
    """Fails half-way through saving: after its kernel is written."""

    def save_own_variables(self, store):
        store["0"] = self.kernel.numpy()
        raise RuntimeError("boom while saving")


@pytest.mark.parametrize("filename, kwargs", [("w.weights.json", {"max_shard_size": 0.8 * _KB}),
                                              ("w.safetensors", {}), ("w.weights.h5", {}), ("m.keras", None)])
def test_failed_save_keeps_previous_files_and_leaves_no_temp(tmp_path, filename, kwargs):
    good = _mlp()
    scramble(good, seed=7)
    save = (lambda model: model.save(tmp_path / filename)) if kwargs is None else (
        lambda model: model.save_weights(tmp_path / filename, **kwargs))
    save(good)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert len(before) >= (3 if "json" in filename else 1)
    bad = cornu.Sequential([cornu.Input(shape=(6,)), cornu.layers.Dense(16), cornu.layers.BatchNormalization(),
                            cornu.layers.Dense(12), ExplodingDense(3)])
    with pytest.raises(RuntimeError, match="boom while saving"):
        save(bad)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # same files, same bytes, no temps
    restored = cornu.saving.load_model(tmp_path / filename) if kwargs is None else _mlp()
    if kwargs is not None:
        restored.load_weights(tmp_path / filename)
    _same_weights(good, restored)


def test_atomic_file_group_commits_all_or_nothing(tmp_path):
    from cornu.saving.atomic import AtomicFileGroup

    (tmp_path / "a").write_bytes(b"old a")
    with pytest.raises(KeyError):
        with AtomicFileGroup() as files:
            with open(files.temp_path(tmp_path / "a"), "wb") as f:
                f.write(b"new a")
            with open(files.temp_path(tmp_path / "b"), "wb") as f:
                f.write(b"new b")
            raise KeyError("interrupted")
    assert sorted(os.listdir(tmp_path)) == ["a"] and (tmp_path / "a").read_bytes() == b"old a"
    with AtomicFileGroup() as files:
        for name in ("a", "b"):
            with open(files.temp_path(tmp_path / name), "wb") as f:
                f.write(f"new {name}".encode())
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {"a": b"new a", "b": b"new b"}


def test_shard_names_follow_keras():
    assert sharded_weights.shard_base_name("dir/big.weights.json") == "big"
    assert sharded_weights.vars_key("") == "/vars" and sharded_weights.vars_key("layers/dense") == "/layers/dense/vars"
    assert safetensors_weights.tensor_name("", "0") == "vars/0"
    assert safetensors_weights._split_name("layers/vars/vars/1") == ("layers/vars", "1")
    assert safetensors_weights._split_name("vars/2") == ("", "2")
    assert safetensors_weights._split_name("stray") is None
