"""Files cornu writes for the corpus models load in the real Keras 3.15.1 (one Keras subprocess for all).

Keras runs on its NumPy backend here (the file format is the same on every Keras backend, and NumPy
needs no per-op compilation); tests/saving/test_saving_keras_interop.py covers Keras on JAX.
"""

import json

import numpy as np
import pytest

import cornu

from tests.helpers.formats_helpers import KERAS_CORPUS, MODEL_NAMES, corpus_arrays, run_keras

KERAS_SCRIPT = """
import json, pathlib
import numpy as np
import keras

corpus = pathlib.Path({corpus!r})
report = {{}}
for name in {names!r}:
    with np.load(corpus / f"{{name}}.npz") as data:
        arrays = dict(data)
    inputs = arrays["x"] if "x" in arrays else [arrays[f"x_{{i}}"] for i in range(2)]
    model = keras.saving.load_model(f"cornu_{{name}}.keras")
    outputs = model(inputs, training=False)  # eager: no compilation, fast for these tiny models
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    entry = {{"outputs": [np.asarray(y).tolist() for y in outputs], "compiled": bool(model.compiled)}}
    if model.compiled:
        entry["optimizer"] = [np.asarray(v.numpy()).tolist() for v in model.optimizer.variables]
    report[name] = entry

for name, weights in (("dense_sequential", "cornu_dense_sequential.weights.h5"),
                      ("conv2d", "cornu_conv2d.weights.json")):
    model = keras.saving.load_model(corpus / f"{{name}}.keras", compile=False)
    for variable in model.weights:
        variable.assign(np.zeros(variable.shape, variable.dtype))
    model.load_weights(weights)
    with np.load(corpus / f"{{name}}.npz") as data:
        report["weights:" + weights] = np.asarray(model(data["x"], training=False)).tolist()
pathlib.Path("keras_report.json").write_text(json.dumps(report))
"""


@pytest.fixture(scope="module")
def keras_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cornu_files_in_keras")
    for name in MODEL_NAMES:
        model = cornu.saving.load_model(KERAS_CORPUS / f"{name}.keras")
        model.save(folder / f"cornu_{name}.keras")
        if name == "dense_sequential":
            model.save_weights(folder / "cornu_dense_sequential.weights.h5")
        if name == "conv2d":
            model.save_weights(folder / "cornu_conv2d.weights.json", max_shard_size=300 / 1024**3)
    assert len(list(folder.glob("cornu_conv2d_*.weights.h5"))) >= 2
    run_keras(KERAS_SCRIPT.format(corpus=str(KERAS_CORPUS), names=MODEL_NAMES), folder)
    return json.loads((folder / "keras_report.json").read_text())


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_cornu_written_model_loads_in_keras(keras_report, name):
    _, expected, optimizer_values = corpus_arrays(name)
    entry = keras_report[name]
    for got, want in zip(entry["outputs"], expected, strict=True):
        np.testing.assert_allclose(np.asarray(got, "float32"), want, atol=1e-5, rtol=1e-5)
    assert entry["compiled"] == bool(optimizer_values)
    if optimizer_values:
        for got, want in zip(entry["optimizer"], optimizer_values, strict=True):
            np.testing.assert_allclose(np.asarray(got), want, atol=1e-7)


@pytest.mark.parametrize("weights, name", [("cornu_dense_sequential.weights.h5", "dense_sequential"),
                                           ("cornu_conv2d.weights.json", "conv2d")])
def test_cornu_written_weights_load_in_keras(keras_report, weights, name):
    _, expected, _ = corpus_arrays(name)
    np.testing.assert_allclose(np.asarray(keras_report["weights:" + weights], "float32"), expected[0], atol=1e-5,
                               rtol=1e-5)
