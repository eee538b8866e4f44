"""Loading fails closed on unsafe or corrupt files; a failed save never damages the previous file."""

import io
import json
import os
import stat
import zipfile

import h5py
import numpy as np
import pytest

import cornu
from cornu.saving import keras_archive, weights_store

from tests.helpers.saving_helpers import data, make_mlp


def _rewrite_zip(src, dst, extra=(), drop=(), replace=None):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            content = zin.read(info.filename)
            if replace and info.filename in replace:
                content = replace[info.filename]
            zout.writestr(info.filename, content)
        for name, content, *compression in extra:
            zout.writestr(zipfile.ZipInfo(name), content, *compression)


@pytest.fixture
def saved(tmp_path):
    model = make_mlp("functional")
    path = tmp_path / "good.keras"
    model.save(path)
    return model, path


# ------------------------------------------------------------ zip archive
@pytest.mark.parametrize("member", ["../escape.txt", "/etc/evil", "assets/../../x", "assets\\..\\x", "C:/x"])
def test_members_escaping_the_archive_are_refused(saved, tmp_path, member):
    _, path = saved
    bad = tmp_path / "bad.keras"
    _rewrite_zip(path, bad, extra=[(member, b"x")])
    with pytest.raises(ValueError, match="outside the archive"):
        cornu.saving.load_model(bad)


def test_duplicate_members_are_refused(saved, tmp_path):
    _, path = saved
    bad = tmp_path / "dup.keras"
    with pytest.warns(UserWarning):  # zipfile itself warns about the duplicate name
        _rewrite_zip(path, bad, extra=[("config.json", b"{}")])
    with pytest.raises(ValueError, match="more than once"):
        cornu.saving.load_model(bad)


def test_decompression_bomb_is_refused(saved, tmp_path, monkeypatch):
    _, path = saved
    monkeypatch.setattr(keras_archive, "_BOMB_FLOOR_BYTES", 1 << 16)
    bad = tmp_path / "bomb.keras"
    _rewrite_zip(path, bad, extra=[("assets/zeros.bin", b"\0" * (1 << 20), zipfile.ZIP_DEFLATED)])
    with pytest.raises(ValueError, match="decompression bomb"):
        cornu.saving.load_model(bad)


def test_many_small_bombs_add_up(saved, tmp_path, monkeypatch):
    _, path = saved
    monkeypatch.setattr(keras_archive, "_BOMB_FLOOR_BYTES", 1 << 20)
    bad = tmp_path / "bombs.keras"
    members = [(f"assets/zeros_{i}.bin", b"\0" * (1 << 18), zipfile.ZIP_DEFLATED) for i in range(5)]
    _rewrite_zip(path, bad, extra=members)
    with pytest.raises(ValueError, match="decompression bomb"):
        cornu.saving.load_model(bad)
    ok = tmp_path / "few.keras"
    _rewrite_zip(path, ok, extra=members[:3])
    cornu.saving.load_model(ok)


def test_oversized_config_is_refused(saved, monkeypatch):
    _, path = saved
    monkeypatch.setattr(keras_archive, "MAX_JSON_BYTES", 100)
    with pytest.raises(ValueError, match="over the 100-byte limit"):
        cornu.saving.load_model(path)


def test_corrupt_and_incomplete_archives(saved, tmp_path):
    _, path = saved
    truncated = tmp_path / "truncated.keras"
    truncated.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(ValueError, match="not a valid `.keras` zip"):
        cornu.saving.load_model(truncated)
    text = tmp_path / "text.keras"
    text.write_text("hello")
    with pytest.raises(ValueError, match="not a valid `.keras` zip"):
        cornu.saving.load_model(text)
    no_weights = tmp_path / "no_weights.keras"
    _rewrite_zip(path, no_weights, drop=["model.weights.h5"])
    with pytest.raises(ValueError, match="has no 'model.weights.h5'"):
        cornu.saving.load_model(no_weights)
    bad_json = tmp_path / "bad_json.keras"
    _rewrite_zip(path, bad_json, replace={"config.json": b"{not json"})
    with pytest.raises(ValueError, match="not valid JSON"):
        cornu.saving.load_model(bad_json)
    bad_h5 = tmp_path / "bad_h5.keras"
    _rewrite_zip(path, bad_h5, replace={"model.weights.h5": b"garbage"})
    with pytest.raises(ValueError, match="not a valid HDF5 file"):
        cornu.saving.load_model(bad_h5)
    empty_dir = tmp_path / "empty_dir"
    empty_dir.mkdir()
    with pytest.raises(ValueError, match="File format not supported|no config.json"):
        cornu.saving.load_model(empty_dir)


def test_non_modeling_api_in_config_is_refused(saved, tmp_path):
    _, path = saved
    config = json.loads(zipfile.ZipFile(path).read("config.json"))
    config["config"]["layers"][1] = {"module": "keras.saving", "class_name": "load_model", "config": {},
                                     "registered_name": None, "name": "x", "inbound_nodes": []}
    bad = tmp_path / "nonmodeling.keras"
    _rewrite_zip(path, bad, replace={"config.json": json.dumps(config).encode()})
    with pytest.raises(ValueError, match="not a modeling function"):
        cornu.saving.load_model(bad)


# ------------------------------------------------------------- HDF5 file
def _weights_file(tmp_path):
    model = make_mlp("sequential")
    path = tmp_path / "w.weights.h5"
    model.save_weights(path)
    return model, path


def _expect_refused(model, path, match):
    with pytest.raises(weights_store.UnsafeWeightsFileError, match=match):
        model.load_weights(path)


def test_external_and_soft_links_are_refused(tmp_path):
    model, path = _weights_file(tmp_path)
    with h5py.File(path, "a") as f:
        f["layers/dense/vars"].move("0", "moved")
        f["layers/dense/vars/0"] = h5py.ExternalLink("/etc/passwd_store.h5", "/data")
    _expect_refused(model, path, "ExternalLink")
    model, path = _weights_file(tmp_path)
    with h5py.File(path, "a") as f:
        f["alias"] = h5py.SoftLink("/layers/dense")
    _expect_refused(model, path, "SoftLink")


def test_external_storage_is_refused(tmp_path):
    model, path = _weights_file(tmp_path)
    (tmp_path / "outside.bin").write_bytes(np.zeros(15, "float32").tobytes())
    with h5py.File(path, "a") as f:
        del f["layers/dense/vars/0"]
        f["layers/dense/vars"].create_dataset("0", shape=(4, 5), dtype="float32",
                                              external=[(str(tmp_path / "outside.bin"), 0, 80)])
    _expect_refused(model, path, "external files")


def test_virtual_dataset_is_refused(tmp_path):
    model, path = _weights_file(tmp_path)
    with h5py.File(tmp_path / "source.h5", "w") as f:
        f["data"] = np.ones((4, 5), "float32")
    with h5py.File(path, "a") as f:
        del f["layers/dense/vars/0"]
        layout = h5py.VirtualLayout(shape=(4, 5), dtype="float32")
        layout[:] = h5py.VirtualSource(str(tmp_path / "source.h5"), "data", shape=(4, 5))
        f["layers/dense/vars"].create_virtual_dataset("0", layout)
    _expect_refused(model, path, "virtual dataset")


def test_plugin_filter_is_refused(tmp_path):
    model, path = _weights_file(tmp_path)
    with h5py.File(path, "a") as f:
        f.create_dataset("extra", shape=(8,), dtype="float32", chunks=(8,), compression=32001,
                         allow_unknown_filter=True)
    _expect_refused(model, path, "needs a plugin")


def test_shape_bomb_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(weights_store, "_BOMB_FLOOR_BYTES", 1 << 16)
    model, path = _weights_file(tmp_path)
    with h5py.File(path, "a") as f:
        f.create_dataset("bomb", shape=(1 << 22,), dtype="float32", chunks=(1 << 16,), compression="gzip")
    _expect_refused(model, path, "bomb")


def test_hard_link_alias_is_refused(tmp_path):
    model, path = _weights_file(tmp_path)
    with h5py.File(path, "a") as f:
        f["layers/other"] = f["layers/dense"]
    _expect_refused(model, path, "several paths")


# ---------------------------------------------------------- atomic saves
@cornu.saving.register_keras_serializable(package="saving_safety")
class ExplodingConfig(cornu.layers.Layer):
    def call(self, x):
        return x

    def get_config(self):
        raise RuntimeError("boom in get_config")


@cornu.saving.register_keras_serializable(package="saving_safety")
class ExplodingWeights(cornu.layers.Dense):
    def save_own_variables(self, store):
        store["0"] = self.kernel.numpy()
        raise RuntimeError("boom in save_own_variables")


def _leftovers(folder, keep):
    return sorted(name for name in os.listdir(folder) if name not in keep)


@pytest.mark.parametrize("failure", ["config", "weights"])
def test_failed_save_keeps_previous_file(tmp_path, failure):
    good = make_mlp("sequential")
    path = tmp_path / "model.keras"
    good.save(path)
    weights_path = tmp_path / "model.weights.h5"
    good.save_weights(weights_path)
    before, weights_before = path.read_bytes(), weights_path.read_bytes()

    bad_layer = ExplodingConfig() if failure == "config" else ExplodingWeights(2)
    bad = cornu.Sequential([cornu.Input(shape=(4,)), cornu.layers.Dense(3), bad_layer])
    with pytest.raises(RuntimeError, match="boom"):
        bad.save(path)
    if failure == "weights":
        with pytest.raises(RuntimeError, match="boom"):
            bad.save_weights(weights_path)
    assert path.read_bytes() == before
    assert weights_path.read_bytes() == weights_before
    assert _leftovers(tmp_path, {"model.keras", "model.weights.h5"}) == []
    x, _ = data()
    np.testing.assert_allclose(cornu.saving.load_model(path).predict(x, verbose=0), good.predict(x, verbose=0),
                               atol=1e-6)


def test_failed_directory_save_keeps_previous_files(tmp_path):
    good = make_mlp("sequential")
    folder = tmp_path / "saved"
    good.save(folder, zipped=False)
    snapshot = {name: (folder / name).read_bytes() for name in ("config.json", "model.weights.h5")}
    bad = cornu.Sequential([cornu.Input(shape=(4,)), ExplodingWeights(2)])
    with pytest.raises(RuntimeError, match="boom"):
        bad.save(folder, zipped=False)
    assert {name: (folder / name).read_bytes() for name in snapshot} == snapshot
    assert sorted(os.listdir(folder)) == ["assets", "config.json", "metadata.json", "model.weights.h5"]


def test_saved_files_get_ordinary_permissions(tmp_path):
    umask = os.umask(0)
    os.umask(umask)
    make_mlp("sequential").save(tmp_path / "m.keras")
    assert stat.S_IMODE(os.stat(tmp_path / "m.keras").st_mode) == 0o666 & ~umask


def test_save_into_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        make_mlp("sequential").save(tmp_path / "no" / "such" / "m.keras")


def test_in_memory_archive_round_trip():
    model = make_mlp("functional")
    buffer = io.BytesIO()
    cornu.saving.save_model(model, buffer)
    assert zipfile.ZipFile(io.BytesIO(buffer.getvalue())).namelist()[:2] == ["metadata.json", "config.json"]
