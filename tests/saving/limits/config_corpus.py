"""Crafted model configs for the "sizes declared by the config", "numbers that cost time" and
"graph integrity" classes of issue 21, and the `.keras` files that carry them.

Each entry of ``CORPUS`` is ``name -> (config.json text, regex of the expected error type, regex
the message must match)``. The configs are written by hand in the Keras 3 format, so they stand for files
from anywhere, not only from cornu.
"""

import json
import zipfile

GIANT = 10**9  # any of these alone asks for gigabytes


def _layer(class_name, config, name, inbound=None, module="keras.layers", **extra):
    entry = {"module": module, "class_name": class_name, "config": dict(config, name=name),
             "registered_name": None, "name": name, "inbound_nodes": inbound or []}
    entry.update(extra)
    return entry


def _input(name="inp", shape=(None, 4)):
    return _layer("InputLayer", {"batch_shape": list(shape), "dtype": "float32"}, name)


def _ref(layer, node=0, tensor=0, shape=(None, 4)):
    return {"class_name": "__keras_tensor__",
            "config": {"shape": list(shape), "dtype": "float32", "keras_history": [layer, node, tensor]}}


def _node(*args, **kwargs):
    return {"args": list(args), "kwargs": kwargs}


def _dense(name, units, source="inp", node=0):
    return _layer("Dense", {"units": units}, name, [_node(_ref(source, node))])


def functional(layers, inputs=("inp", 0, 0), outputs=("out", 0, 0)):
    return {"module": "keras.src.models.functional", "class_name": "Functional", "registered_name": "Functional",
            "config": {"name": "crafted", "trainable": True, "layers": layers,
                       "input_layers": list(inputs), "output_layers": list(outputs)}}


def sequential(layers, build_input_shape=None):
    config = {"name": "crafted", "layers": layers}
    if build_input_shape is not None:
        config["build_input_shape"] = build_input_shape
    return {"module": "keras", "class_name": "Sequential", "registered_name": None, "config": config}


def _seq_layer(class_name, config, module="keras.layers"):
    return {"module": module, "class_name": class_name, "config": config, "registered_name": None}


def _op(class_name, name, inbound, module="keras.src.ops.numpy"):
    return _layer(class_name, {}, name, inbound, module=module)


def _fn(name):
    return {"module": "builtins", "class_name": "function", "config": name, "registered_name": "function"}


def _text(config):
    return json.dumps(config)


_BUDGET = ("LoadBudgetExceeded", r"needs \d+ bytes.*budget.*set_max_load_bytes")
_LIMIT = ("ConfigLimitExceeded", r"Refusing")
_GRAPH = "ValueError"

CORPUS = {
    # Sizes declared by the config: every one would allocate gigabytes if built.
    "huge_dense_units": (_text(functional([_input(), _dense("out", GIANT)])), *_BUDGET),
    "huge_build_input_shape": (_text(sequential(
        [_seq_layer("Dense", {"units": 1000, "name": "d"})], build_input_shape=[None, GIANT])), *_BUDGET),
    "huge_build_config": (_text(sequential([
        dict(_seq_layer("Dense", {"units": 1000, "name": "d"}), build_config={"input_shape": [None, GIANT]})])),
        *_BUDGET),
    "huge_input_then_dense": (_text(functional([_input(shape=(None, GIANT)), _dense("out", 1000)])), *_BUDGET),
    "huge_embedding": (_text(functional([
        _input(), _layer("Embedding", {"input_dim": 10 * GIANT, "output_dim": 8}, "out", [_node(_ref("inp"))])])),
        *_BUDGET),
    # Arrays a layer builds from config values that are not variables.
    "huge_text_vectorization_ngrams": (_text(sequential([_seq_layer("TextVectorization", {"ngrams": 10**12})])),
                                       *_BUDGET),
    "dimension_over_limit": (_text(sequential([_seq_layer("Dense", {"units": 2, "name": "d"})],
                                              build_input_shape=[None, 2**45])), *_LIMIT),
    # Numbers that cost time.
    "reshape_5000_digits": ('{"module": "keras", "class_name": "Sequential", "config": {"name": "s", "layers": '
                            '[{"module": "keras.layers", "class_name": "Reshape", "config": {"target_shape": ['
                            + "9" * 5000 + ', -1]}}]}}', "ConfigLimitExceeded", r"5000 digits"),
    "units_30_digits": (_text(functional([_input(), _dense("out", 7)])).replace('"units": 7', '"units": ' + "1" * 30),
                        "ConfigLimitExceeded", r"30 digits"),
    # Op nodes whose arguments are all constants would run eagerly while the graph is rebuilt.
    "constant_full_node": (_text(functional([
        _input(), _op("Full", "out", [_node([100000, 100000], 1.0)])])), _GRAPH, r"all its arguments are constants"),
    "constant_ones_function_layer": (_text(functional([
        _input(), _layer("ones", {}, "out", [_node([100000, 100000])], module="keras.ops")])),
        _GRAPH, r"all its arguments are constants"),
    "loop_op_node": (_text(functional([
        _input(), _op("ForiLoop", "out", [_node(0, 10**12, _fn("add"), _ref("inp"))], module="keras.src.ops.core")])),
        _GRAPH, r"looping op 'ForiLoop'"),
    "loop_op_as_layer": (_text(functional([
        _input(), _layer("while_loop", {}, "out", [_node(_fn("less"), _fn("add"), _ref("inp"))], module="keras.ops")])),
        _GRAPH, r"looping op"),
    # An op node on a graph tensor whose output size comes from constants: built symbolically (JAX,
    # torch meta tensors), or refused where shape inference needs real stand-in arrays (NumPy).
    "op_node_with_constant_sizes": (_text(functional([
        _input(shape=(1, 1)), _op("BroadcastTo", "big", [_node(_ref("inp", shape=(1, 1)), [20000, 20000])]),
        _op("Add", "out", [_node(_ref("big", shape=(20000, 20000)), 1.0)])])),
        "LoadBudgetExceeded|KerasArchiveError", r"stand-in arrays|has no 'model.weights.h5'"),
    # Graph integrity.
    "duplicate_layer_names": (_text(functional([_input(), _dense("out", 2), _dense("out", 3)])),
                              _GRAPH, r"'out' is used by layers 1 and 2"),
    "dangling_inbound_layer": (_text(functional([_input(), _dense("out", 2, source="ghost")])),
                               _GRAPH, r"layer 'ghost', which is not among the model's `layers`"),
    "bad_node_index": (_text(functional([_input(), _dense("out", 2, node=3)])),
                       _GRAPH, r"call \(node\) 3 of layer 'inp', which has 1 call"),
    "bad_tensor_index": (_text(functional([_input(), _dense("mid", 2), _dense("out", 2, source="mid")],
                                          outputs=("out", 0, 5))), _GRAPH, r"output 5 of layer 'out', which has 1"),
    "missing_output_layer": (_text(functional([_input(), _dense("out", 2)], outputs=("nowhere", 0, 0))),
                             _GRAPH, r"layer 'nowhere', which is not among"),
    "graph_cycle": (_text(functional([_input(), _dense("a", 2, source="out"), _dense("out", 2, source="a")])),
                    _GRAPH, r"cycle"),
}


def write_keras_file(path, config_text):
    """A `.keras` zip holding ``config_text`` as config.json and a minimal metadata.json (no weights:
    every crafted file must be refused before its weights are read)."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("metadata.json", json.dumps({"keras_version": "3.15.1", "date_saved": "2026-01-01@00:00:00"}))
        zf.writestr("config.json", config_text)
    return path
