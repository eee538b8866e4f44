"""Files written by the real Keras 3.15.1 (tests/fixtures/keras_files/) load in cornu and predict like Keras.

The corpus is made by ``scripts/make_keras_fixtures.py``; each ``NAME.npz``
holds the inputs, Keras's predictions and (for compiled models) Keras's
optimizer variables.
"""

import numpy as np
import pytest

import cornu

from tests.helpers.formats_helpers import KERAS_CORPUS, MODEL_NAMES, corpus_arrays, predict_list, scramble


def test_corpus_covers_the_expected_models():
    assert MODEL_NAMES == ["compiled_adam", "conv1d", "conv2d", "dense_sequential", "embedding", "multi_io"]
    assert sum(p.stat().st_size for p in KERAS_CORPUS.iterdir()) < 600_000


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_keras_file_predicts_like_keras(name):
    inputs, expected, optimizer_values = corpus_arrays(name)
    model = cornu.saving.load_model(KERAS_CORPUS / f"{name}.keras")
    assert model.name == name
    outputs = predict_list(model, inputs)
    assert len(outputs) == len(expected)
    for got, want in zip(outputs, expected):
        np.testing.assert_allclose(got, want, atol=1e-5, rtol=1e-5)
    if optimizer_values:
        assert model.compiled and type(model.optimizer).__name__ == "Adam"
        variables = model.optimizer.variables
        assert len(variables) == len(optimizer_values)
        assert int(np.asarray(model.optimizer.iterations.numpy())) == 3  # 12 samples, batch 4, one epoch
        for variable, value in zip(variables, optimizer_values):
            np.testing.assert_allclose(np.asarray(variable.numpy()), value, atol=1e-7)


def test_layer_types_in_the_corpus():
    classes = set()
    for name in MODEL_NAMES:
        model = cornu.saving.load_model(KERAS_CORPUS / f"{name}.keras", compile=False)
        stack = list(model.layers)
        while stack:
            layer = stack.pop()
            classes.add(type(layer).__name__)
            stack.extend(getattr(layer, "layers", []) if layer is not model else [])
    assert {"Dense", "Conv1D", "Conv2D", "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
            "GlobalMaxPooling1D", "GlobalAveragePooling1D", "BatchNormalization", "LayerNormalization",
            "Embedding", "Dropout", "Flatten", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum",
            "Concatenate", "Dot", "Sequential"} <= classes


@pytest.mark.parametrize("weights, model_name", [("dense_sequential.weights.h5", "dense_sequential"),
                                                 ("conv2d_sharded.weights.json", "conv2d")])
def test_keras_weights_files_load(weights, model_name):
    inputs, expected, _ = corpus_arrays(model_name)
    model = cornu.saving.load_model(KERAS_CORPUS / f"{model_name}.keras", compile=False)
    scramble(model)
    assert not np.allclose(predict_list(model, inputs)[0], expected[0], atol=1e-3)
    model.load_weights(KERAS_CORPUS / weights)
    np.testing.assert_allclose(predict_list(model, inputs)[0], expected[0], atol=1e-5, rtol=1e-5)


def test_keras_sharded_set_spans_several_shards():
    import json

    index = json.loads((KERAS_CORPUS / "conv2d_sharded.weights.json").read_text())
    shards = set()
    for names in index["weight_map"].values():
        shards.update(names if isinstance(names, list) else [names])
    assert len(shards) >= 2
    assert all((KERAS_CORPUS / shard).is_file() for shard in shards)
