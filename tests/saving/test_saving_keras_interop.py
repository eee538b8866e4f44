"""Files move between cornu and the real Keras 3.15 (on JAX, in a subprocess) in both directions."""

import json

import h5py
import ml_dtypes
import numpy as np
import pytest

import cornu

from tests.helpers.saving_helpers import BACKEND, data, make_mlp, run_keras

KINDS = ["sequential", "functional"]
TRAINABLE = BACKEND != "numpy"

KERAS_SCRIPT = """
import json
import numpy as np
import keras

x = np.load("x.npy")
report = {}
for kind in ("sequential", "functional"):
    model = keras.saving.load_model(f"cornu_{kind}.keras")
    np.save(f"keras_pred_of_cornu_{kind}.npy", model.predict(x, verbose=0))
    info = {"class": type(model).__name__, "compiled": bool(model.compiled)}
    if model.compiled:
        info["optimizer"] = type(model.optimizer).__name__
        info["iterations"] = int(model.optimizer.iterations.numpy())
        np.savez(f"keras_optvars_of_cornu_{kind}.npz", *[np.asarray(v.numpy()) for v in model.optimizer.variables])
    model.load_weights(f"cornu_{kind}.weights.h5")
    np.save(f"keras_pred_of_cornu_weights_{kind}.npy", model.predict(x, verbose=0))
    report[kind] = info
json.dump(report, open("keras_report.json", "w"))

inputs = keras.Input(shape=(4,))
h = keras.layers.Dense(5, activation="relu")(inputs)
h = keras.layers.BatchNormalization()(h)
h = keras.layers.Dropout(0.25)(h)
outputs = keras.layers.Dense(2)(h)
model = keras.Model(inputs, outputs, name="keras_mlp")
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
rng = np.random.default_rng(3)
model.fit(rng.normal(size=(32, 4)).astype("float32"), rng.normal(size=(32, 2)).astype("float32"),
          batch_size=8, epochs=2, verbose=0)
model.save("keras_mlp.keras")
model.save_weights("keras_mlp.weights.h5")
np.save("keras_mlp_pred.npy", model.predict(x, verbose=0))
np.savez("keras_mlp_optvars.npz", *[np.asarray(v.numpy()) for v in model.optimizer.variables])

bf16 = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(3, dtype="bfloat16")])
bf16.load_weights("cornu_bf16.weights.h5")
np.save("keras_kernel_of_cornu_bf16.npy", np.asarray(bf16.layers[0].kernel.numpy()).astype("float32"))
bf16.layers[0].kernel.assign(np.arange(6).reshape(2, 3) / 7.0)
bf16.save_weights("keras_bf16.weights.h5")
np.save("keras_bf16_kernel.npy", np.asarray(bf16.layers[0].kernel.numpy()).astype("float32"))
"""


@pytest.fixture(scope="module")
def exchange(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keras_interop")
    x, y = data(seed=5)
    np.save(folder / "x.npy", x)
    expected = {}
    for kind in KINDS:
        model = make_mlp(kind, name=f"cornu_{kind}")
        model.compile(optimizer=cornu.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
        if TRAINABLE:
            model.fit(x, y, batch_size=4, epochs=1, verbose=0)
        model.save(folder / f"cornu_{kind}.keras")
        model.save_weights(folder / f"cornu_{kind}.weights.h5")
        expected[kind] = {
            "pred": model.predict(x, verbose=0),
            "optvars": [np.asarray(v.numpy()) for v in model.optimizer.variables],
        }
    bf16 = cornu.Sequential([cornu.Input(shape=(2,)), cornu.layers.Dense(3, dtype="bfloat16")])
    bf16.layers[0].kernel.assign(np.linspace(-1, 1, 6).reshape(2, 3).astype(ml_dtypes.bfloat16))
    bf16.save_weights(folder / "cornu_bf16.weights.h5")
    expected["bf16_kernel"] = bf16.layers[0].kernel.numpy().astype("float32")
    run_keras(KERAS_SCRIPT, folder)
    report = json.loads((folder / "keras_report.json").read_text())
    return folder, x, expected, report


@pytest.mark.parametrize("kind", KINDS)
def test_cornu_file_loads_in_keras(exchange, kind):
    folder, _, expected, report = exchange
    np.testing.assert_allclose(np.load(folder / f"keras_pred_of_cornu_{kind}.npy"), expected[kind]["pred"], atol=1e-5)
    np.testing.assert_allclose(
        np.load(folder / f"keras_pred_of_cornu_weights_{kind}.npy"), expected[kind]["pred"], atol=1e-5)
    assert report[kind]["class"] == ("Sequential" if kind == "sequential" else "Functional")
    assert report[kind]["compiled"] and report[kind]["optimizer"] == "Adam"
    assert report[kind]["iterations"] == (2 if TRAINABLE else 0)
    if not TRAINABLE:
        return  # an unbuilt optimizer saves only iteration and learning rate; Keras then skips it, warning
    keras_optvars = np.load(folder / f"keras_optvars_of_cornu_{kind}.npz")
    assert len(keras_optvars.files) == len(expected[kind]["optvars"])
    for i, value in enumerate(expected[kind]["optvars"]):
        np.testing.assert_allclose(keras_optvars[f"arr_{i}"], value, atol=1e-7)


def test_keras_file_loads_in_cornu(exchange):
    folder, x, _, _ = exchange
    model = cornu.saving.load_model(folder / "keras_mlp.keras")
    assert model.name == "keras_mlp"
    np.testing.assert_allclose(model.predict(x, verbose=0), np.load(folder / "keras_mlp_pred.npy"), atol=1e-5)
    assert model.compiled and type(model.optimizer).__name__ == "Adam"
    keras_optvars = np.load(folder / "keras_mlp_optvars.npz")
    assert len(model.optimizer.variables) == len(keras_optvars.files)
    for i, variable in enumerate(model.optimizer.variables):
        np.testing.assert_allclose(np.asarray(variable.numpy()), keras_optvars[f"arr_{i}"], atol=1e-7)


def test_keras_weights_file_loads_in_cornu(exchange):
    folder, x, _, _ = exchange
    inputs = cornu.Input(shape=(4,))
    h = cornu.layers.Dense(5, activation="relu")(inputs)
    h = cornu.layers.BatchNormalization()(h)
    h = cornu.layers.Dropout(0.25)(h)
    model = cornu.Model(inputs, cornu.layers.Dense(2)(h))
    model.load_weights(folder / "keras_mlp.weights.h5")
    np.testing.assert_allclose(model.predict(x, verbose=0), np.load(folder / "keras_mlp_pred.npy"), atol=1e-5)


def _layout(path, with_optimizer):
    entries = {}

    def visit(name, obj):
        if not with_optimizer and name.startswith("optimizer"):
            return
        if isinstance(obj, h5py.Dataset):
            entries[name] = (obj.shape, obj.dtype.str)
        else:
            entries[name] = "group" if "name" not in obj.attrs else "vars"

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return entries


def test_same_architecture_gives_the_same_file_layout(exchange, tmp_path):
    folder, x, _, _ = exchange
    model = cornu.saving.load_model(folder / "keras_mlp.keras")
    model.save_weights(tmp_path / "again.weights.h5")
    assert _layout(tmp_path / "again.weights.h5", True) == _layout(folder / "keras_mlp.weights.h5", True)


def test_bfloat16_weights_move_both_ways(exchange):
    folder, _, expected, _ = exchange
    np.testing.assert_array_equal(np.load(folder / "keras_kernel_of_cornu_bf16.npy"), expected["bf16_kernel"])
    model = cornu.Sequential([cornu.Input(shape=(2,)), cornu.layers.Dense(3, dtype="bfloat16")])
    model.load_weights(folder / "keras_bf16.weights.h5")
    assert model.layers[0].kernel.dtype == "bfloat16"
    np.testing.assert_array_equal(model.layers[0].kernel.numpy().astype("float32"),
                                  np.load(folder / "keras_bf16_kernel.npy"))
