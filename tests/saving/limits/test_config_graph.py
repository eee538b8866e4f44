"""Graph integrity of Functional configs (issue 21): duplicate names, dangling references, node and
tensor indices that do not exist, calls on constants only and looping ops are refused with a
ValueError naming the entry, where real Keras 3.15.1 also refuses them (with less clear errors)."""

import json

import numpy as np
import pytest

import cornu
from cornu.serialization.keras_objects import deserialize_keras_object, serialize_keras_object
from tests.saving.limits.config_corpus import CORPUS, write_keras_file

GRAPH_CASES = ["duplicate_layer_names", "dangling_inbound_layer", "bad_node_index", "bad_tensor_index",
               "missing_output_layer", "graph_cycle", "constant_full_node"]


@pytest.mark.parametrize("name", GRAPH_CASES)
def test_broken_graphs_are_refused_like_keras_but_clearly(name, tmp_path, keras_ref):
    text, error_type, pattern = CORPUS[name]
    path = str(write_keras_file(tmp_path / f"{name}.keras", text))
    with pytest.raises(ValueError, match=pattern) as caught:
        cornu.saving.load_model(path)
    assert type(caught.value).__name__ == error_type
    assert "Received" in str(caught.value) or "layer" in str(caught.value)
    with pytest.raises(Exception):  # Keras refuses them too (a ValueError, IndexError or RuntimeError)
        keras_ref.saving.load_model(path)


def test_a_node_that_calls_itself_is_a_cycle():
    config = json.loads(CORPUS["dangling_inbound_layer"][0].replace('"ghost"', '"out"'))
    with pytest.raises(ValueError, match="cycle"):
        deserialize_keras_object(config)


def test_graph_checks_come_before_any_layer_is_built():
    config = json.loads(CORPUS["bad_node_index"][0])
    config["config"]["layers"][1]["config"]["units"] = 10**12  # would be refused by the budget if built
    with pytest.raises(ValueError, match=r"call \(node\) 3 of layer 'inp'"):
        deserialize_keras_object(config)


@pytest.mark.parametrize("op_name", ["fori_loop", "while_loop", "scan", "map", "associative_scan",
                                     "vectorized_map", "switch", "cond"])
def test_looping_ops_never_come_out_of_a_config(op_name):
    function_config = {"module": "builtins", "class_name": "function", "config": op_name,
                       "registered_name": "function"}
    with pytest.raises(ValueError, match="looping op"):
        deserialize_keras_object(function_config)
    class_name = "".join(part.capitalize() for part in op_name.split("_"))
    with pytest.raises(ValueError, match="looping op"):
        deserialize_keras_object({"module": "keras.src.ops.core", "class_name": class_name,
                                  "config": {"name": "x"}, "registered_name": None})


def test_other_ops_still_replay_and_match_numpy():
    inputs = cornu.Input((4,), name="x")
    doubled = cornu.ops.multiply(inputs, 2.0)
    outputs = cornu.ops.concatenate([cornu.ops.tile(doubled, [1, 2]), cornu.ops.ones_like(inputs)], axis=-1)
    restored = deserialize_keras_object(serialize_keras_object(cornu.Model(inputs, outputs)))
    x = np.arange(8, dtype="float32").reshape(2, 4)
    expected = np.concatenate([np.tile(2 * x, [1, 2]), np.ones_like(x)], axis=-1)
    np.testing.assert_allclose(np.asarray(restored.predict(x, verbose=0)), expected)


def test_nested_model_outputs_use_keras_node_numbering(tmp_path, keras_ref):
    inner_in = keras_ref.Input((4,))
    inner = keras_ref.Model(inner_in, keras_ref.layers.Dense(3, name="di")(inner_in), name="inner")
    a = keras_ref.Input((4,), name="a")
    first, second = inner(a), inner(keras_ref.layers.Dense(4, name="pre")(a))
    model = keras_ref.Model(a, [keras_ref.layers.Add(name="add")([first, second]), second], name="outer")
    path = str(tmp_path / "nested.keras")
    model.save(path)
    restored = cornu.saving.load_model(path)
    x = np.random.default_rng(0).normal(size=(2, 4)).astype("float32")
    for got, want in zip(restored.predict(x, verbose=0), model.predict(x, verbose=0)):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), atol=1e-5)


def test_errors_quote_a_short_excerpt_only():
    config = json.loads(CORPUS["dangling_inbound_layer"][0])
    config["config"]["layers"][1]["name"] = "out"
    config["config"]["layers"][1]["inbound_nodes"][0]["args"][0]["config"]["keras_history"][0] = "g" * 100000
    with pytest.raises(ValueError) as caught:
        deserialize_keras_object(config)
    assert len(str(caught.value)) < 1000
    with pytest.raises(TypeError) as caught:
        deserialize_keras_object({"module": "keras.layers", "class_name": "Nope" + "x" * 10**6,
                                  "config": {"blob": ["y" * 1000] * 1000}})
    assert len(str(caught.value)) < 3000
