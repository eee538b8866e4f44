"""cornu saves, cornu loads: predictions, weights and optimizer state come back exactly."""

import io
import json
import os
import zipfile

import h5py
import numpy as np
import pytest

import cornu

from tests.helpers.saving_helpers import data, make_mlp

KINDS = ["sequential", "functional"]


def _perturb_batchnorm(model):
    # Non-trivial moving statistics, so a lost non-trainable variable changes the predictions.
    for layer in model.layers:
        if type(layer).__name__ == "BatchNormalization":
            layer.moving_mean.assign(np.linspace(-0.5, 0.5, 5).astype("float32"))
            layer.moving_variance.assign(np.linspace(0.5, 2.0, 5).astype("float32"))


@pytest.mark.parametrize("kind", KINDS)
def test_build_predict_round_trip(kind, tmp_path):
    model = make_mlp(kind, name="mlp")
    _perturb_batchnorm(model)
    x, _ = data()
    expected = model.predict(x, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)

    restored = cornu.saving.load_model(path)
    assert type(restored) is type(model)
    assert restored.name == "mlp"
    np.testing.assert_allclose(restored.predict(x, verbose=0), expected, atol=1e-6)
    for a, b in zip(model.weights, restored.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("kind", KINDS)
def test_archive_members_and_metadata(kind, tmp_path):
    model = make_mlp(kind)
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as zf:
        assert zf.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
        metadata = json.loads(zf.read("metadata.json"))
        config = json.loads(zf.read("config.json"))
    assert metadata["keras_version"] == "3.15.1"
    assert len(metadata["date_saved"]) == len("2024-01-01@00:00:00") and metadata["date_saved"][10] == "@"
    if kind == "sequential":
        assert (config["module"], config["class_name"], config["registered_name"]) == ("keras", "Sequential", None)
    else:
        assert (config["module"], config["class_name"], config["registered_name"]) == (
            "keras.src.models.functional", "Functional", "Functional")
    assert "build_config" in config


@pytest.mark.parametrize("kind", KINDS)
def test_weights_layout_is_keras_layout(kind, tmp_path):
    model = make_mlp(kind, name="mlp")
    model.save_weights(tmp_path / "m.weights.h5")
    groups, datasets = {}, {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            datasets[name] = obj.shape
        elif name.endswith("vars"):
            groups[name] = obj.attrs.get("name")

    with h5py.File(tmp_path / "m.weights.h5", "r") as f:
        f.visititems(visit)
    names = [layer.name for layer in model.layers]
    expected_groups = {"vars": "mlp"}
    paths = ["layers/dense", "layers/batch_normalization", "layers/dropout", "layers/dense_1"]
    if kind == "functional":
        paths = ["layers/input_layer"] + paths
    for path, name in zip(paths, names):
        expected_groups[f"{path}/vars"] = name
    assert groups == expected_groups
    assert datasets == {
        "layers/dense/vars/0": (4, 5), "layers/dense/vars/1": (5,),
        **{f"layers/batch_normalization/vars/{i}": (5,) for i in range(4)},
        "layers/dense_1/vars/0": (5, 2), "layers/dense_1/vars/1": (2,),
    }


def test_unzipped_directory_round_trip(tmp_path):
    model = make_mlp("functional")
    _perturb_batchnorm(model)
    x, _ = data()
    folder = tmp_path / "saved_model"
    model.save(folder, zipped=False)
    assert sorted(os.listdir(folder)) == ["assets", "config.json", "metadata.json", "model.weights.h5"]
    restored = cornu.saving.load_model(folder)
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_file_object_round_trip():
    model = make_mlp("sequential")
    x, _ = data()
    buffer = io.BytesIO()
    cornu.saving.save_model(model, buffer)
    buffer.seek(0)
    restored = cornu.saving.load_model(buffer)
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_loading_into_fresh_session_names_does_not_matter(tmp_path):
    # Groups are named by attribute path, not by layer name: other names load the same weights.
    model = make_mlp("sequential")
    model.save_weights(tmp_path / "m.weights.h5")
    cornu.backend.common.global_state.clear_session()
    _ = [cornu.layers.Dense(1) for _ in range(3)]  # shift the automatic names
    other = make_mlp("sequential")
    assert [l.name for l in other.layers] != [l.name for l in model.layers]
    other.load_weights(tmp_path / "m.weights.h5")
    x, _ = data()
    np.testing.assert_allclose(other.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


# ------------------------------------------------------------- compiled
def _fit_one_step(model):
    model.compile(optimizer=cornu.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
    x, y = data()
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    return x


@pytest.mark.requires_trainable_backend
@pytest.mark.parametrize("kind", KINDS)
def test_compiled_trained_round_trip(kind, tmp_path):
    model = make_mlp(kind)
    x = _fit_one_step(model)
    expected = model.predict(x, verbose=0)
    optimizer_values = [np.array(v.numpy()) for v in model.optimizer.variables]
    assert int(model.optimizer.iterations.numpy()) == 1
    model.save(tmp_path / "m.keras")

    with h5py.File(io.BytesIO(zipfile.ZipFile(tmp_path / "m.keras").read("model.weights.h5")), "r") as f:
        saved = f["optimizer/vars"]
        assert saved.attrs["name"] == model.optimizer.name
        assert len(saved) == len(optimizer_values) == 2 + 2 * len(model.trainable_variables)
        assert saved["0"].dtype == np.int64 or saved["0"].dtype == np.int32

    restored = cornu.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(restored.predict(x, verbose=0), expected, atol=1e-6)
    assert restored.compiled and type(restored.optimizer).__name__ == "Adam"
    assert len(restored.optimizer.variables) == len(optimizer_values)
    for value, variable in zip(optimizer_values, restored.optimizer.variables):
        np.testing.assert_allclose(np.array(variable.numpy()), value, atol=1e-7)


@pytest.mark.requires_trainable_backend
def test_training_resumes_identically(tmp_path):
    # Without Dropout (whose random state Keras does not save either), training from the restored
    # model must follow the original step for step: weights, BatchNormalization statistics and
    # Adam's moments and iteration count all came back.
    model = make_mlp("functional", with_dropout=False)
    _fit_one_step(model)
    model.save(tmp_path / "m.keras")
    restored = cornu.saving.load_model(tmp_path / "m.keras")
    x, y = data(seed=1)
    for _ in range(2):
        model.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
        restored.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-5)
    assert int(restored.optimizer.iterations.numpy()) == 3


@pytest.mark.requires_trainable_backend
def test_compile_false_skips_optimizer(tmp_path):
    model = make_mlp("functional")
    x = _fit_one_step(model)
    model.save(tmp_path / "m.keras")
    restored = cornu.saving.load_model(tmp_path / "m.keras", compile=False)
    assert not restored.compiled
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
