"""save_weights / load_weights, file-name rules, and the errors users see."""

import h5py
import ml_dtypes
import numpy as np
import pytest

import cornu
from cornu.saving.weights_store import H5WeightsReader, H5WeightsWriter

from tests.helpers.saving_helpers import data, make_mlp


def _randomize(model, seed):
    # Positive values, so BatchNormalization variances stay valid.
    rng = np.random.default_rng(seed)
    for v in model.weights:
        dtype = ml_dtypes.bfloat16 if v.dtype == "bfloat16" else v.dtype
        v.assign(rng.uniform(0.1, 1.0, size=v.shape).astype(dtype))


@pytest.mark.parametrize("kind", ["sequential", "functional"])
def test_save_weights_load_weights_round_trip(kind, tmp_path):
    source = make_mlp(kind)
    _randomize(source, 1)
    target = make_mlp(kind)
    x, _ = data()
    assert not np.allclose(source.predict(x, verbose=0), target.predict(x, verbose=0))
    source.save_weights(tmp_path / "w.weights.h5")
    target.load_weights(tmp_path / "w.weights.h5")
    np.testing.assert_allclose(target.predict(x, verbose=0), source.predict(x, verbose=0), atol=1e-6)
    for a, b in zip(source.weights, target.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_load_weights_from_keras_archive(tmp_path):
    source = make_mlp("functional")
    _randomize(source, 2)
    source.save(tmp_path / "m.keras")
    target = make_mlp("functional")
    target.load_weights(tmp_path / "m.keras")
    for a, b in zip(source.weights, target.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_save_weights_requires_weights_h5_name(tmp_path):
    model = make_mlp("sequential")
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
        model.save_weights(tmp_path / "w.h5")
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
        cornu.saving.save_weights(model, str(tmp_path / "w.keras"))
    with pytest.raises(ValueError, match=r"File format not supported"):
        model.load_weights(tmp_path / "w.npz")
    assert list(tmp_path.iterdir()) == []


def test_save_model_wrong_extension_points_to_keras(tmp_path):
    model = make_mlp("sequential")
    with pytest.raises(ValueError, match=r"Invalid filepath extension for saving.*`\.keras`"):
        model.save(tmp_path / "model.zip")
    with pytest.raises(ValueError, match=r"zipped=False"):
        model.save(tmp_path / "model.keras", zipped=False)
    with pytest.raises(ValueError, match=r"\.keras"):
        model.save(tmp_path / "model.h5")
    with pytest.raises(ValueError, match=r"not supported"):
        model.save(tmp_path / "model.keras", bogus=1)
    with pytest.raises(ValueError, match=r"File format not supported"):
        cornu.saving.load_model(tmp_path / "model.zip")
    assert list(tmp_path.iterdir()) == []


def test_missing_file_errors(tmp_path):
    with pytest.raises(ValueError, match=r"File not found"):
        cornu.saving.load_model(tmp_path / "nothing.keras")
    with pytest.raises(FileNotFoundError, match=r"not found"):
        make_mlp("sequential").load_weights(tmp_path / "nothing.weights.h5")


def test_mismatched_weights_give_one_combined_error(tmp_path):
    source = make_mlp("sequential")
    _randomize(source, 4)
    source.save_weights(tmp_path / "w.weights.h5")
    layers = cornu.layers
    other = cornu.Sequential([cornu.Input(shape=(4,)), layers.Dense(5, use_bias=False), layers.BatchNormalization(),
                              layers.Dropout(0.25), layers.Dense(3)])
    with pytest.raises(ValueError) as info:
        other.load_weights(tmp_path / "w.weights.h5")
    message = str(info.value)
    assert "A total of 2 objects could not be loaded" in message
    assert "layers/dense'" in message and "layers/dense_1'" in message
    assert "expected 1 variables, but received 2" in message
    # skip_mismatch=True warns instead, and loads what matches.
    with pytest.warns(UserWarning, match="could not be loaded"):
        other.load_weights(tmp_path / "w.weights.h5", skip_mismatch=True)
    for a, b in zip(source.layers[1].weights, other.layers[1].weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_overwrite_false_keeps_existing_file(tmp_path, monkeypatch):
    model = make_mlp("sequential")
    path = tmp_path / "m.keras"
    path.write_bytes(b"precious")
    monkeypatch.setattr("builtins.input", lambda prompt="": "n")
    model.save(path, overwrite=False)
    assert path.read_bytes() == b"precious"
    model.save_weights(tmp_path / "w.weights.h5")
    before = (tmp_path / "w.weights.h5").read_bytes()
    model.save_weights(tmp_path / "w.weights.h5", overwrite=False)
    assert (tmp_path / "w.weights.h5").read_bytes() == before

    def no_terminal(prompt=""):
        raise EOFError

    monkeypatch.setattr("builtins.input", no_terminal)
    with pytest.raises(FileExistsError, match="overwrite=True"):
        model.save(path, overwrite=False)
    assert path.read_bytes() == b"precious"
    monkeypatch.setattr("builtins.input", lambda prompt="": "y")
    model.save(path, overwrite=False)
    assert cornu.saving.load_model(path).name == model.name


def test_unbuilt_models(tmp_path):
    model = cornu.Sequential([cornu.layers.Dense(2)])
    with pytest.raises(ValueError, match="not yet been built"):
        model.save_weights(tmp_path / "w.weights.h5")
    with pytest.raises(ValueError, match="not yet been built"):
        model.load_weights(tmp_path / "w.weights.h5")
    with pytest.warns(UserWarning, match="not yet been built"):
        model.save(tmp_path / "m.keras")


def test_bfloat16_datasets_carry_the_keras_attribute(tmp_path):
    layer = cornu.layers.Dense(3, dtype="bfloat16")
    model = cornu.Sequential([cornu.Input(shape=(2,)), layer])
    _randomize(model, 3)
    model.save_weights(tmp_path / "bf.weights.h5")
    with h5py.File(tmp_path / "bf.weights.h5", "r") as f:
        dataset = f["layers/dense/vars/0"]
        assert dataset.attrs["dtype"] == "bfloat16"
        assert dataset.dtype.itemsize == 2
    other = cornu.Sequential([cornu.Input(shape=(2,)), cornu.layers.Dense(3, dtype="bfloat16")])
    other.load_weights(tmp_path / "bf.weights.h5")
    assert other.layers[0].kernel.dtype == "bfloat16"
    np.testing.assert_array_equal(
        other.layers[0].kernel.numpy().astype("float32"), layer.kernel.numpy().astype("float32"))


def test_store_reads_scalars_and_named_keys(tmp_path):
    with H5WeightsWriter(tmp_path / "s.weights.h5") as writer:
        store = writer.make("layers/custom", name="custom")
        store["0"] = np.float32(3.5)
        store["idf_weights"] = np.arange(3, dtype="int64")
        assert len(store) == 2 and "idf_weights" in store
        writer.make("layers/empty", name="empty")
        writer.make("unnamed")  # no name and nothing written: no group, as in Keras
    with H5WeightsReader(tmp_path / "s.weights.h5") as reader:
        store = reader.get("layers/custom")
        assert float(store["0"]) == 3.5 and store["0"].shape == ()
        np.testing.assert_array_equal(store["idf_weights"], [0, 1, 2])
        assert len(reader.get("layers/empty")) == 0 and reader.has_path("layers/empty")
        assert not reader.has_path("unnamed") and len(reader.get("missing/path")) == 0
        with pytest.raises(KeyError, match="no variable '7'"):
            store["7"]


def test_weights_the_model_does_not_have_are_reported(tmp_path):
    make_mlp("sequential").save_weights(tmp_path / "w.weights.h5")
    smaller = cornu.Sequential([cornu.Input(shape=(4,)), cornu.layers.Dense(5), cornu.layers.BatchNormalization()])
    with pytest.warns(UserWarning, match=r"not loaded: \['layers/dense_1'\]"):
        smaller.load_weights(tmp_path / "w.weights.h5")
