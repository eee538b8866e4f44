"""A cornu model's graph as a TensorFlow.js ``modelTopology`` (the Keras 2 model config TF.js reads).

Keras 3 and TF.js describe a graph differently: Keras 3 writes an ``InputLayer`` with ``batch_shape``,
dtype *policy* objects, and each call of a layer as ``{"args": [...keras tensors...], "kwargs": {}}``;
TF.js reads ``batch_input_shape``, plain dtype strings, and each call as a list of
``[layer_name, node_index, tensor_index, kwargs]`` entries. A Sequential model stays a
``Sequential`` (first layer an ``InputLayer``); a Functional model becomes a ``Model`` with
``input_layers``/``output_layers`` as lists of ``[name, node_index, tensor_index]``.

Example:
>>> topology, weights = model_topology(model)
>>> topology["class_name"], [name for name, _ in weights][:2]
('Sequential', ['dense/kernel', 'dense/bias'])
"""

from cornu.export.input_signature import flat_specs, input_specs
from cornu.export.tfjs_layers import tfjs_dtype, translate_layer, unsupported

_KERAS_TENSOR = "__keras_tensor__"


def model_topology(model, input_signature=None):
    """``(modelTopology dict, [(weight name, variable), ...])`` for a Sequential or Functional model.

    Raises:
        ValueError: for a subclassed model, a nested model, or a layer TF.js cannot run.
    """
    kind = _model_kind(model)
    specs = flat_specs(input_specs(model, input_signature))
    if kind == "Sequential":
        config, weights = _sequential(model, specs)
    else:
        config, weights = _functional(model, specs)
    topology = {"class_name": kind, "config": config, "keras_version": "2.15.0", "backend": "tensorflow"}
    return topology, weights


def _model_kind(model):
    from cornu.models.functional import Functional
    from cornu.models.sequential import Sequential

    if isinstance(model, Sequential):
        if getattr(model, "_functional", None) is None:
            raise ValueError(
                f"The Sequential model '{model.name}' has no input shape yet, so its TF.js graph cannot be "
                "written. Start it with `keras.Input(shape)` or call it on data once. "
                f"Received: model={model.name!r} with built={model.built}"
            )
        return "Sequential"
    if isinstance(model, Functional):
        return "Model"
    raise ValueError(
        f"TF.js export writes a layers model, which needs the model's graph: a Sequential or Functional model. "
        f"'{model.name}' is a subclassed model ({type(model).__name__}) whose `call()` is Python code. Rebuild "
        "it as a Functional model, or export to ONNX (`format=\"onnx\"`), which traces `call()`. "
        f"Received: model of class {type(model).__name__}"
    )


def _may_mask(model):
    """Whether a mask can flow in the model: it has a Masking layer or an Embedding(mask_zero=True)."""
    return any(type(layer).__name__ == "Masking" or getattr(layer, "mask_zero", False) for layer in model.layers)


def _layer_entry(layer, weights, masked):
    if _is_model(layer):
        raise unsupported(layer, "it is a model nested inside the model; TF.js export needs one flat graph. "
                          "Build the outer model from the inner model's layers instead")
    entry = translate_layer(layer, masked=masked)
    weights.extend((f"{entry.config['name']}/{suffix}", variable) for suffix, variable in entry.weights)
    return {"class_name": entry.class_name, "config": entry.config}


def _is_model(layer):
    from cornu.models.model import Model

    return isinstance(layer, Model)


def _input_layer(name, spec):
    return {"class_name": "InputLayer",
            "config": {"batch_input_shape": list(spec.shape), "dtype": tfjs_dtype(spec.dtype), "sparse": False,
                       "ragged": False, "name": name}}


def _sequential(model, specs):
    if len(specs) != 1:
        raise ValueError(f"A Sequential model takes one input; the input signature gives {len(specs)}. "
                         f"Received: input_signature={specs}")
    first = model.get_config()["layers"][0]
    input_name = first["config"]["name"] if first["class_name"] == "InputLayer" else f"{model.name}_input"
    layers, weights = [_input_layer(input_name, specs[0])], []
    for layer in model.layers:
        layers.append(_layer_entry(layer, weights, _may_mask(model)))
    return {"name": model.name, "layers": layers}, weights


def _functional(model, specs):
    config = model.get_config()
    by_name = {layer.name: layer for layer in model.layers}
    input_names = [entry[0] for entry in _tensor_list(config["input_layers"])]
    if {spec.name for spec in specs} == set(input_names):  # a dict of inputs: match by name
        spec_of = {spec.name: spec for spec in specs}
    else:
        spec_of = dict(zip(input_names, specs))
    layers, weights = [], []
    for layer_config in config["layers"]:
        name = layer_config["name"]
        if layer_config["class_name"] == "InputLayer":
            entry = _input_layer(name, spec_of[name])
            entry.update(name=name, inbound_nodes=[])
        else:
            layer = by_name[name]
            entry = _layer_entry(layer, weights, _may_mask(model))
            entry.update(name=name, inbound_nodes=[_node(layer, node) for node in layer_config["inbound_nodes"]])
        layers.append(entry)
    return {"name": model.name, "layers": layers, "input_layers": _tensor_list(config["input_layers"]),
            "output_layers": _tensor_list(config["output_layers"])}, weights


def _tensor_list(refs):
    """Keras 3 writes a lone ``[name, node, index]`` for a single input/output; TF.js wants a list of them."""
    if len(refs) == 3 and isinstance(refs[0], str):
        return [list(refs)]
    return [list(ref) for ref in refs]


def _node(layer, node):
    """One Keras 3 call record -> TF.js's list of ``[layer, node_index, tensor_index, kwargs]``."""
    tensors = []
    _collect_tensors(layer, node.get("args", []), tensors)
    kwargs = {}
    for key, value in (node.get("kwargs") or {}).items():
        found = []
        _collect_tensors(layer, value, found, allow_constants=True)
        if found:
            raise unsupported(layer, f"it is called with a tensor as `{key}=`; TF.js layers models pass tensors "
                              "only as the layer's inputs")
        if key not in ("training", "mask"):
            kwargs[key] = value
    return [[name, node_index, tensor_index, kwargs] for name, node_index, tensor_index in tensors]


def _collect_tensors(layer, value, out, allow_constants=False):
    if isinstance(value, dict) and value.get("class_name") == _KERAS_TENSOR:
        out.append(tuple(value["config"]["keras_history"]))
    elif isinstance(value, dict):
        for item in value.values():
            _collect_tensors(layer, item, out, allow_constants)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _collect_tensors(layer, item, out, allow_constants)
    elif not allow_constants and value is not None:
        raise unsupported(layer, f"it is called with the constant {value!r} as an input; TF.js layers take "
                          "only tensors as inputs")
