"""A nested Functional model's later call as a model output: Keras counts the nested model's
own creation node in `input_layers`/`output_layers` (its call k is written k + 1), so files move
both ways with the right output."""

import json
import zipfile

import numpy as np

import cornu


def _build(lib):
    inner_input = lib.Input((3,))
    inner = lib.Model(inner_input, lib.layers.Dense(2, name="d")(inner_input), name="inner")
    a, b = lib.Input((3,)), lib.Input((3,))
    first, second = inner(a), inner(b)
    return lib.Model([a, b], [second, lib.layers.Dense(1, name="head")(first)])


def _inputs():
    return [np.ones((2, 3), "float32"), np.arange(6, dtype="float32").reshape(2, 3)]


def _output_layers(path):
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("config.json"))["config"]["output_layers"]


def _assert_same_predictions(model_a, model_b):
    for a, b in zip(model_a.predict(_inputs(), verbose=0), model_b.predict(_inputs(), verbose=0)):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6, atol=1e-6)


def test_cornu_writes_keras_numbering_and_keras_reads_the_right_output(tmp_path, keras_ref):
    model = _build(cornu)
    path = str(tmp_path / "nested.keras")
    model.save(path)
    assert _output_layers(path) == [["inner", 2, 0], ["head", 0, 0]]
    _assert_same_predictions(model, cornu.saving.load_model(path))
    _assert_same_predictions(model, keras_ref.saving.load_model(path))


def test_keras_files_load_with_the_right_output(tmp_path, keras_ref):
    model = _build(keras_ref)
    path = str(tmp_path / "nested_keras.keras")
    model.save(path)
    assert _output_layers(path) == [["inner", 2, 0], ["head", 0, 0]]
    _assert_same_predictions(model, cornu.saving.load_model(path))
