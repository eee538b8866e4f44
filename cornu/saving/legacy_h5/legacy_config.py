"""Model configs of legacy `.h5` files, brought to the form cornu's deserializer reads.

Keras 3's legacy saver writes layer entries without a ``module`` key (which
cornu already resolves by name). tf.keras 2 wrote older forms, rewritten here:

- ``batch_input_shape`` of an ``InputLayer`` becomes ``batch_shape``;
- a one-element ``axis`` list becomes the integer (``BatchNormalization``);
- ``inbound_nodes`` as nested lists ``[[["dense", 0, 0, {}], ...]]`` become
  Keras 3 node dicts ``{"args": [...], "kwargs": {...}}``;
- a single output listed as ``[["dense", 0, 0]]`` becomes ``["dense", 0, 0]``
  (Keras returns a one-output model's prediction unwrapped);
- a ``Model`` holding a graph becomes ``Functional``; an old ``Sequential``
  whose config is a bare list of layers gets a ``layers`` key;
- dtype policies written as ``{"class_name": "Policy", ...}`` become their name;
- ``Lambda`` functions stored as ``[code, defaults, closure]`` become the
  ``__lambda__`` form, which loads only with ``safe_mode=False`` like any
  bytecode.

Nothing here resolves a class: that stays with ``deserialize_keras_object``,
which only builds registered classes.
"""

import copy

from cornu.saving.excerpt import short_excerpt

_LAMBDA_ONLY_KEYS = ("module", "function_type", "output_shape_module", "output_shape_type")


def _tensor_ref(layer_name, node_index, tensor_index):
    return {"class_name": "__keras_tensor__",
            "config": {"shape": None, "dtype": None, "keras_history": [layer_name, node_index, tensor_index]}}


def _is_history_triple(value):
    return (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)
            and isinstance(value[1], int) and isinstance(value[2], int))


def _convert_kwargs(kwargs):
    if not isinstance(kwargs, dict):
        return {}
    return {k: _tensor_ref(*v) if _is_history_triple(v) else v for k, v in kwargs.items()}


def _convert_node(node):
    """One tf.keras 2 node (a list of ``[layer, node_index, tensor_index, kwargs]``) as a Keras 3 node dict."""
    if isinstance(node, dict):
        return node
    if not isinstance(node, list) or not all(isinstance(e, list) and len(e) in (3, 4) for e in node):
        raise ValueError(
            "A layer's `inbound_nodes` entry in the model config is neither a Keras 3 node nor a tf.keras 2 list "
            f"of [layer_name, node_index, tensor_index, kwargs]. Received: {short_excerpt(node)}"
        )
    tensors = [_tensor_ref(e[0], e[1], e[2]) for e in node]
    kwargs = _convert_kwargs(node[0][3]) if node and len(node[0]) == 4 else {}
    args = [tensors[0]] if len(tensors) == 1 else [tensors]
    return {"args": args, "kwargs": kwargs}


def _lambda_function(value):
    if isinstance(value, list):  # tf.keras 2: [base64 marshal code, defaults, closure]
        return {"class_name": "__lambda__", "config": {"value": value}}
    return value


def _fix_lambda(config):
    function_type = config.get("function_type")
    if function_type == "lambda" or isinstance(config.get("function"), list):
        config["function"] = _lambda_function(config.get("function"))
    elif function_type == "function" and isinstance(config.get("function"), str):
        config["function"] = {"module": "builtins", "class_name": "function", "config": config["function"],
                              "registered_name": "function"}
    if config.get("output_shape_type") == "lambda":
        config["output_shape"] = _lambda_function(config.get("output_shape"))
    for key in _LAMBDA_ONLY_KEYS:
        config.pop(key, None)


def _fix_layer(entry):
    class_name = entry.get("class_name")
    config = entry.get("config")
    if class_name == "Sequential" and isinstance(config, list):
        entry["config"] = config = {"name": None, "layers": config}
    if not isinstance(config, dict):
        return
    if class_name == "Model" and "layers" in config and "input_layers" in config:
        entry["class_name"] = "Functional"
    outputs = config.get("output_layers")
    if isinstance(outputs, list) and len(outputs) == 1 and _is_history_triple(outputs[0]):
        config["output_layers"] = outputs[0]  # tf.keras 2 listed a single output; Keras returns it unwrapped
    batch_input_shape = config.pop("batch_input_shape", None)
    if batch_input_shape is not None:
        config["batch_shape" if class_name == "InputLayer" else "batch_input_shape"] = batch_input_shape
    axis = config.get("axis")
    if isinstance(axis, list) and len(axis) == 1 and isinstance(axis[0], int):
        config["axis"] = axis[0]
    dtype = config.get("dtype")
    if isinstance(dtype, dict) and dtype.get("class_name") == "Policy" and "module" not in dtype:
        config["dtype"] = (dtype.get("config") or {}).get("name", "float32")
    if class_name == "Lambda":
        _fix_lambda(config)
    if config.get("time_major") is False:  # tf.keras 2 RNN option; Keras 3 is always batch-major
        config.pop("time_major")
    if "inbound_nodes" in entry and isinstance(entry["inbound_nodes"], list):
        entry["inbound_nodes"] = [_convert_node(n) for n in entry["inbound_nodes"]]


def convert_model_config(config):
    """A copy of a legacy `.h5` model config that ``deserialize_keras_object`` can rebuild.

    Example:
    >>> convert_model_config({"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4]}})
    {'class_name': 'InputLayer', 'config': {'batch_shape': [None, 4]}}
    """
    if not isinstance(config, dict) or "class_name" not in config or "config" not in config:
        raise ValueError(
            "The model config of the `.h5` file is not a Keras model config (a dict with 'class_name' and "
            f"'config'). Received: {short_excerpt(config)}"
        )
    config = copy.deepcopy(config)
    stack = [config]
    while stack:  # iterative: the depth was bounded when the JSON was parsed
        value = stack.pop()
        if isinstance(value, dict):
            if "class_name" in value and "config" in value:
                _fix_layer(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return config
