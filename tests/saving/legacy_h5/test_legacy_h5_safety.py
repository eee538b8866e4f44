"""Crafted or damaged legacy `.h5` model files fail with clear errors (and load nothing)."""

import base64
import json
import marshal
import shutil
import warnings

import h5py
import numpy as np
import pytest

import cornu
from cornu.saving.legacy_h5 import LegacyH5Error, attributes
from cornu.saving.weights_store import UnsafeWeightsFileError
from tests.helpers.requirements import fixture_path


@pytest.fixture
def mlp_copy(tmp_path):
    """A writable copy of the tf.keras 2 MLP fixture (Dense(5, relu) -> Dense(2))."""
    target = tmp_path / "model.h5"
    shutil.copy(fixture_path("legacy_h5", "keras2_sequential_mlp.h5"), target)
    return target


def _expected(name="keras2_sequential_mlp"):
    data = np.load(fixture_path("legacy_h5", f"{name}.npz"))
    return data["input_0"], data["expected"]


def _edit_config(path, edit):
    with h5py.File(path, "a") as f:
        config = json.loads(f.attrs["model_config"])
        edit(config)
        f.attrs["model_config"] = json.dumps(config).encode("utf8")


def _add_keras2_lambda(config):
    code = base64.b64encode(marshal.dumps((lambda x: x * 2.0).__code__)).decode("ascii")
    config["config"]["layers"].append({"class_name": "Lambda", "config": {
        "name": "lambda", "trainable": True, "dtype": "float32", "function": [code, None, None],
        "function_type": "lambda", "module": "__main__", "output_shape": None, "output_shape_type": "raw",
        "output_shape_module": None, "arguments": {}}})


def test_lambda_bytecode_is_refused_in_safe_mode(mlp_copy):
    _edit_config(mlp_copy, _add_keras2_lambda)
    with pytest.raises(ValueError, match="safe_mode=False"):
        cornu.saving.load_model(mlp_copy, compile=False)


def test_lambda_bytecode_loads_with_safe_mode_off(mlp_copy):
    _edit_config(mlp_copy, _add_keras2_lambda)
    model = cornu.saving.load_model(mlp_copy, compile=False, safe_mode=False)
    x, expected = _expected()
    np.testing.assert_allclose(np.asarray(model.predict(x, verbose=0)), 2 * expected, rtol=1e-5, atol=1e-5)


def test_unknown_class_is_refused(mlp_copy):
    def rename(config):
        config["config"]["layers"][1]["class_name"] = "os.system"

    _edit_config(mlp_copy, rename)
    with pytest.raises(TypeError, match="Could not locate class 'os.system'"):
        cornu.saving.load_model(mlp_copy, compile=False)


def test_non_modeling_function_in_config_is_refused(mlp_copy):
    def poison(config):
        config["config"]["layers"][1]["config"]["activation"] = {
            "module": "builtins", "class_name": "function", "config": "load_model", "registered_name": "function"}

    _edit_config(mlp_copy, poison)
    with pytest.raises((TypeError, ValueError)):
        cornu.saving.load_model(mlp_copy, compile=False)


@pytest.mark.parametrize("link", ["external", "soft"])
def test_links_are_refused(mlp_copy, tmp_path, link):
    with h5py.File(mlp_copy, "a") as f:
        if link == "external":
            f["model_weights/evil"] = h5py.ExternalLink(str(tmp_path / "other.h5"), "/secret")
        else:
            f["model_weights/evil"] = h5py.SoftLink("/model_weights/dense")
    with pytest.raises(UnsafeWeightsFileError, match="Link"):
        cornu.saving.load_model(mlp_copy, compile=False)


def test_external_dataset_storage_is_refused(mlp_copy, tmp_path):
    raw = tmp_path / "raw.bin"
    raw.write_bytes(np.ones(20, "float32").tobytes())
    with h5py.File(mlp_copy, "a") as f:
        f.create_dataset("model_weights/stolen", shape=(20,), dtype="float32", external=[(str(raw), 0, 80)])
    with pytest.raises(UnsafeWeightsFileError, match="external"):
        cornu.saving.load_model(mlp_copy, compile=False)


def test_huge_config_attribute_is_refused(mlp_copy, monkeypatch):
    _edit_config(mlp_copy, lambda c: c["config"].update(padding="x" * 50_000))
    monkeypatch.setattr(attributes, "MAX_JSON_BYTES", 20_000)
    with pytest.raises(LegacyH5Error, match="more than the 20000"):
        cornu.saving.load_model(mlp_copy, compile=False)


def test_config_attribute_must_be_one_string(mlp_copy):
    with h5py.File(mlp_copy, "a") as f:
        f.attrs["model_config"] = np.array([b"{}", b"{}"])
    with pytest.raises(LegacyH5Error, match="single string"):
        cornu.saving.load_model(mlp_copy, compile=False)


def test_too_many_weight_names_are_refused(mlp_copy, monkeypatch):
    monkeypatch.setattr(attributes, "MAX_NAMES", 1)
    with pytest.raises(LegacyH5Error, match="more than the 1 "):
        cornu.saving.load_model(mlp_copy, compile=False)


def test_deeply_nested_config_is_refused(mlp_copy):
    with h5py.File(mlp_copy, "a") as f:
        f.attrs["model_config"] = ("[" * 5000 + "]" * 5000).encode()
    with pytest.raises(ValueError, match="nested"):
        cornu.saving.load_model(mlp_copy, compile=False)


def test_wrong_weight_shape_names_the_layer(mlp_copy):
    with h5py.File(mlp_copy, "a") as f:
        del f["model_weights/dense_1/dense_1/kernel:0"]
        f["model_weights/dense_1/dense_1/kernel:0"] = np.zeros((5, 3), "float32")
    with pytest.raises(LegacyH5Error, match=r"dense_1.*expects shape \(5, 2\).*shape \(5, 3\)"):
        cornu.saving.load_model(mlp_copy, compile=False)


def test_missing_weight_is_a_count_error(mlp_copy):
    with h5py.File(mlp_copy, "a") as f:
        f["model_weights/dense_1"].attrs["weight_names"] = np.array([b"dense_1/kernel:0"])
    with pytest.raises(LegacyH5Error, match="Weight count mismatch"):
        cornu.saving.load_model(mlp_copy, compile=False)


@pytest.mark.parametrize("bad_name", ["/model_weights/dense/dense/kernel:0", "../dense/dense/kernel:0"])
def test_weight_names_outside_their_group_are_refused(mlp_copy, bad_name):
    with h5py.File(mlp_copy, "a") as f:
        f["model_weights/dense_1"].attrs["weight_names"] = np.array([bad_name.encode(), b"dense_1/bias:0"])
    with pytest.raises(LegacyH5Error, match="relative path"):
        cornu.saving.load_model(mlp_copy, compile=False)


def test_missing_config_and_weights_are_clear(mlp_copy):
    with h5py.File(mlp_copy, "a") as f:
        del f["model_weights"]
    with pytest.raises(LegacyH5Error, match="model_weights"):
        cornu.saving.load_model(mlp_copy, compile=False)
    with h5py.File(mlp_copy, "a") as f:
        del f.attrs["model_config"]
    with pytest.raises(LegacyH5Error, match="No model config"):
        cornu.saving.load_model(mlp_copy)


def test_not_an_hdf5_file(tmp_path):
    path = tmp_path / "junk.h5"
    path.write_bytes(b"not hdf5 at all")
    with pytest.raises(LegacyH5Error, match="not a valid HDF5"):
        cornu.saving.load_model(path)
    with pytest.raises(FileNotFoundError):
        cornu.saving.load_model(tmp_path / "missing.h5")


def test_unknown_optimizer_warns_and_leaves_the_model_uncompiled(mlp_copy):
    with h5py.File(mlp_copy, "a") as f:
        config = json.loads(f.attrs["training_config"])
        config["optimizer_config"] = {"class_name": "NoSuchOptimizer", "config": {}}
        f.attrs["training_config"] = json.dumps(config).encode()
    with pytest.warns(UserWarning, match="not\\* compiled"):
        model = cornu.saving.load_model(mlp_copy)
    assert not model.compiled
    x, expected = _expected()
    np.testing.assert_allclose(np.asarray(model.predict(x, verbose=0)), expected, rtol=1e-5, atol=1e-5)


def test_optimizer_state_of_another_shape_only_warns(tmp_path):
    target = tmp_path / "model.h5"
    shutil.copy(fixture_path("legacy_h5", "keras3_sequential_mlp.h5"), target)
    with h5py.File(target, "a") as f:
        group = f["optimizer_weights"]
        group.attrs["weight_names"] = np.array([n for n in group.attrs["weight_names"]][:3], dtype=object)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = cornu.saving.load_model(target)
    assert model.compiled
    assert any("optimizer state" in str(w.message) for w in caught)
