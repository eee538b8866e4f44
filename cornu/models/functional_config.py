"""Rebuilding a Functional model from its config: check the graph, create the layers, then
replay their recorded calls in an order where every input already exists.

The config comes from a file, so its graph is checked before any layer is created:
layer names are unique, every tensor reference names a layer of the config, a call
(node) of it that exists and an output index, every call takes at least one tensor
of the graph (a call on constants only would run eagerly while loading), and the
calls form no cycle. The replay order comes from one topological sort (linear in
the size of the graph, whatever order the config lists the layers in).
"""

import heapq

import optree

from cornu.backend.common.keras_tensor import KerasTensor
from cornu.serialization.config_limits import excerpt
from cornu.serialization.keras_objects import check_class_is_allowed, deserialize_keras_object

_HINT = "The config is corrupted or was not written by Keras."


def _quote(name):
    return excerpt(name, 80)


def _invalid(message, received=None):
    suffix = f" Received: {received}" if received is not None else ""
    return ValueError(f"Invalid Functional model configuration: {message} {_HINT}{suffix}")


def _is_tensor_ref(value):
    return isinstance(value, dict) and value.get("class_name") == "__keras_tensor__"


def _is_ref_triple(value):
    return (isinstance(value, (list, tuple)) and len(value) == 3 and isinstance(value[0], str)
            and all(isinstance(i, int) and not isinstance(i, bool) for i in value[1:]))


def _history(ref_config):
    inner = ref_config.get("config")
    history = inner.get("keras_history") if isinstance(inner, dict) else None
    if not _is_ref_triple(history):
        raise _invalid("a `__keras_tensor__` in a node must carry its `keras_history` "
                       "[layer name, node index, tensor index].", excerpt(ref_config))
    return history


def _walk_refs(value):
    """Every ``keras_history`` triple inside a node's args/kwargs (iterative)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if _is_tensor_ref(item):
            yield _history(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)


class _GraphSpec:
    """The checked layer list of a config: names, calls per layer, and the dependencies of each call."""

    def __init__(self, config):
        layer_configs = config.get("layers")
        if not isinstance(layer_configs, list):
            raise _invalid("`layers` must be a list of layer configs.", excerpt(layer_configs))
        self.layer_configs = layer_configs
        self.position = {}
        self.call_counts = {}
        for i, layer_config in enumerate(layer_configs):
            if not isinstance(layer_config, dict):
                raise _invalid(f"entry {i} of `layers` is not a layer config.", excerpt(layer_config))
            inner = layer_config.get("config")
            name = layer_config.get("name", inner.get("name") if isinstance(inner, dict) else None)
            if not isinstance(name, str):
                raise _invalid(f"entry {i} of `layers` has no string `name`.", excerpt(layer_config))
            if name in self.position:
                raise _invalid(
                    f"the name {_quote(name)} is used by layers {self.position[name]} and {i} of "
                    "`layers`. All layer names should be unique: a later layer would silently replace the one "
                    "the graph calls.")
            nodes = layer_config.get("inbound_nodes", [])
            if not isinstance(nodes, list) or not all(isinstance(n, dict) for n in nodes):
                raise _invalid(f"`inbound_nodes` of layer {_quote(name)} must be a list of node configs "
                               "(dicts with `args` and `kwargs`).", excerpt(nodes))
            self.position[name] = i
            # An InputLayer's one output tensor is its node 0, which the config does not list.
            self.call_counts[name] = len(nodes) + (1 if layer_config.get("class_name") == "InputLayer" else 0)

    def is_nested_model(self, name):
        return self.layer_configs[self.position[name]].get("class_name") in ("Functional", "Model")

    def check_ref(self, ref, where, endpoint=False):
        layer_name, node_index, tensor_index = ref
        if layer_name not in self.position:
            raise _invalid(f"{where} takes a tensor from layer {_quote(layer_name)}, which is not "
                           "among the model's `layers` (dangling reference).", excerpt(list(ref)))
        # Keras counts a nested model's own creation node in `input_layers`/`output_layers`.
        extra = 1 if endpoint and self.is_nested_model(layer_name) else 0
        if not 0 <= node_index < self.call_counts[layer_name] + extra:
            raise _invalid(f"{where} refers to call (node) {node_index} of layer {_quote(layer_name)}, which has "
                           f"{self.call_counts[layer_name]} call(s) in the config.", excerpt(list(ref)))
        if tensor_index < 0:
            raise _invalid(f"{where} refers to output {tensor_index} of layer {_quote(layer_name)}: tensor indices "
                           "are non-negative.", excerpt(list(ref)))

    def replay_order(self):
        """``(layer name, call index, node config)`` in an order where every input exists first."""
        waiting_on = {}  # (layer, call) -> number of calls it still waits for
        dependents = {}  # (layer, call) -> calls waiting for it
        node_configs = {}
        ready = []
        for name, position in self.position.items():
            layer_config = self.layer_configs[position]
            first_call = 1 if layer_config.get("class_name") == "InputLayer" else 0
            for k, node_config in enumerate(layer_config.get("inbound_nodes", [])):
                key = (name, first_call + k)
                where = f"call {k} of layer {_quote(name)}"
                node_configs[key] = node_config
                refs = list(_walk_refs([node_config.get("args", []), node_config.get("kwargs", {})]))
                if not refs:
                    raise _invalid(
                        f"{where} takes no tensor of the graph: all its arguments are constants. A Keras graph "
                        "records only calls on symbolic tensors, and cornu never runs a call on constants "
                        "while loading (it would run eagerly).", excerpt(node_config))
                needs = set()
                for ref in refs:
                    self.check_ref(ref, where)
                    parent = (ref[0], ref[1])
                    if parent[1] >= self._first_recorded_call(parent[0]):
                        needs.add(parent)
                if first_call + k > 0:
                    needs.add((name, first_call + k - 1))  # a layer's calls replay in order: call k is node k
                waiting_on[key] = len(needs)
                for parent in needs:
                    dependents.setdefault(parent, []).append(key)
                if not needs:
                    heapq.heappush(ready, (position, key[1], name))
        done = 0
        while ready:
            _, call, name = heapq.heappop(ready)
            key = (name, call)
            done += 1
            yield name, call, node_configs[key]
            for child in dependents.get(key, ()):
                waiting_on[child] -= 1
                if waiting_on[child] == 0:
                    heapq.heappush(ready, (self.position[child[0]], child[1], child[0]))
        if done < len(node_configs):
            stuck = sorted({name for (name, _), count in waiting_on.items() if count > 0})
            raise _invalid("the graph has a cycle: these layers' calls wait on each other's outputs.",
                           excerpt(stuck))

    def _first_recorded_call(self, name):
        return 1 if self.layer_configs[self.position[name]].get("class_name") == "InputLayer" else 0


def _check_operation(layer, name):
    from cornu.ops.operation import FunctionOperation, Operation
    from cornu.serialization.keras_objects import refuse_looping_op

    if not isinstance(layer, Operation):
        raise _invalid(f"layer {_quote(name)} is not a layer or an op (its config names {type(layer).__name__!r}).")
    if isinstance(layer, FunctionOperation):
        refuse_looping_op(layer.fn, name)


def functional_from_config(cls, config, custom_objects=None):
    spec = _GraphSpec(config)
    for layer_config in spec.layer_configs:
        check_class_is_allowed(layer_config, custom_objects)  # the refusals of safe loading come first
    order = list(spec.replay_order())  # checks every reference before any layer is created
    for key in ("input_layers", "output_layers"):
        _check_endpoints(spec, config.get(key), key)

    layers = {}
    created_outputs = {}  # layer name -> list of outputs per call
    for name, position in spec.position.items():
        layer_config = spec.layer_configs[position]
        layer = deserialize_keras_object(layer_config, custom_objects=custom_objects)
        _check_operation(layer, name)
        layers[name] = layer
        created_outputs[name] = []
        if type(layer).__name__ == "InputLayer":
            created_outputs[name].append(layer.output)
        if len(created_outputs[name]) + len(layer_config.get("inbound_nodes", [])) != spec.call_counts[name]:
            raise _invalid(f"layer {_quote(name)} is named an InputLayer by its `class_name` but deserializes to "
                           f"{type(layer).__name__!r} (or the reverse).")

    def resolve(value):
        if _is_tensor_ref(value):
            layer_name, node_index, tensor_index = _history(value)
            return _pick(created_outputs[layer_name][node_index], tensor_index, layer_name)
        if isinstance(value, list):
            return [resolve(v) for v in value]
        if isinstance(value, dict) and "class_name" not in value:
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, dict):
            return deserialize_keras_object(value, custom_objects=custom_objects)
        return value

    for name, call, node_config in order:
        args = node_config.get("args", [])
        kwargs = node_config.get("kwargs", {})
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise _invalid(f"call {call} of layer {_quote(name)} must have a list `args` and a dict `kwargs`.",
                           excerpt(node_config))
        args = [resolve(a) for a in args]
        kwargs = {k: resolve(v) for k, v in kwargs.items()}
        created_outputs[name].append(layers[name](*args, **kwargs))

    def tensors(value, where):
        if _is_ref_triple(value):
            spec.check_ref(value, where, endpoint=True)
            layer_name, node_index, tensor_index = value
            if node_index > 0 and getattr(layers[layer_name], "_counts_creation_node", False):
                # Keras counts a nested Functional model's own creation node here: its call k is k + 1.
                # (0 is read as the first call, as cornu wrote it before it followed Keras.)
                node_index -= 1
            return _pick(created_outputs[layer_name][node_index], tensor_index, layer_name)
        if isinstance(value, dict):
            return {k: tensors(v, where) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [tensors(v, where) for v in value]
        raise _invalid(f"`{where}` must hold [layer name, node index, tensor index] triples.", excerpt(value))

    inputs = tensors(config.get("input_layers"), "input_layers")
    outputs = tensors(config.get("output_layers"), "output_layers")
    return cls(inputs=inputs, outputs=outputs, name=config.get("name"), trainable=config.get("trainable", True))


def _check_endpoints(spec, value, where):
    stack = [value]
    while stack:
        item = stack.pop()
        if _is_ref_triple(item):
            spec.check_ref(item, where, endpoint=True)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) and item:
            stack.extend(item)
        else:
            raise _invalid(f"`{where}` must hold [layer name, node index, tensor index] triples.", excerpt(value))


def _pick(outputs, tensor_index, layer_name):
    flat = optree.tree_leaves(outputs, none_is_leaf=True)
    if tensor_index >= len(flat) or not isinstance(flat[tensor_index], KerasTensor):
        raise _invalid(f"a reference asks for output {tensor_index} of layer {_quote(layer_name)}, which has "
                       f"{len(flat)} output(s).")
    return flat[tensor_index]
