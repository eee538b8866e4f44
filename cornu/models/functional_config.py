"""Rebuilding a Functional model from its config: create the layers, then
replay their recorded calls in an order where every input already exists."""

from cornu.serialization.keras_objects import deserialize_keras_object


def _is_tensor_ref(value):
    return isinstance(value, dict) and value.get("class_name") == "__keras_tensor__"


def _is_ref_triple(value):
    return isinstance(value, (list, tuple)) and len(value) == 3 and isinstance(value[0], str) and isinstance(value[1], int)


def functional_from_config(cls, config, custom_objects=None):
    layers = {}
    created_outputs = {}  # layer name -> list of outputs per replayed node
    pending = []  # (layer, node_config)
    for layer_config in config["layers"]:
        layer = deserialize_keras_object(layer_config, custom_objects=custom_objects)
        name = layer_config.get("name", layer.name)
        layers[name] = layer
        created_outputs[name] = []
        if type(layer).__name__ == "InputLayer":
            created_outputs[name].append(layer.output)
        for node_config in layer_config.get("inbound_nodes", []):
            pending.append((name, node_config))

    def resolve(value):
        if _is_tensor_ref(value):
            layer_name, node_index, tensor_index = value["config"]["keras_history"]
            outputs = created_outputs.get(layer_name, [])
            if node_index >= len(outputs):
                raise LookupError
            return _pick(outputs[node_index], tensor_index)
        if isinstance(value, list):
            return [resolve(v) for v in value]
        if isinstance(value, dict) and "class_name" not in value:
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, dict):
            return deserialize_keras_object(value, custom_objects=custom_objects)
        return value

    while pending:
        progressed = False
        remaining = []
        blocked = set()  # a layer's calls must be replayed in order: node k is that layer's k-th output
        for name, node_config in pending:
            if name in blocked:
                remaining.append((name, node_config))
                continue
            try:
                args = [resolve(a) for a in node_config.get("args", [])]
                kwargs = {k: resolve(v) for k, v in node_config.get("kwargs", {}).items()}
            except LookupError:
                remaining.append((name, node_config))
                blocked.add(name)
                continue
            created_outputs[name].append(layers[name](*args, **kwargs))
            progressed = True
        if not progressed:
            raise ValueError(
                "Cannot rebuild the Functional model: some layer calls refer to tensors that are never created. "
                f"Unresolved layers: {sorted({name for name, _ in remaining})}"
            )
        pending = remaining

    def tensors(spec):
        if _is_ref_triple(spec):
            layer_name, node_index, tensor_index = spec
            if layer_name not in created_outputs:
                raise ValueError(f"The model config names an unknown layer '{layer_name}' among its inputs/outputs.")
            return _pick(created_outputs[layer_name][node_index], tensor_index)
        if isinstance(spec, dict):
            return {k: tensors(v) for k, v in spec.items()}
        return [tensors(s) for s in spec]

    inputs = tensors(config["input_layers"])
    outputs = tensors(config["output_layers"])
    return cls(inputs=inputs, outputs=outputs, name=config.get("name"), trainable=config.get("trainable", True))


def _pick(outputs, tensor_index):
    import optree

    flat = optree.tree_leaves(outputs, none_is_leaf=True)
    return flat[tensor_index]
