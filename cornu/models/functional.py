"""``Functional``: a model defined by a graph of layer calls from inputs to outputs."""

import inspect

import numpy as np
import optree

from cornu import backend
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.layers.layer import Layer
from cornu.models.model import Model
from cornu.ops.function import Function, map_graph, run_nodes
from cornu.serialization.registry import keras_export


def _is_tensor_leaf(x):
    return isinstance(x, KerasTensor)


# A backend's replay of a graph with less Python per node (torch), or None.
_RUN_GRAPH_PLAN = getattr(backend.compiled_call, "run_graph_plan", None)


@keras_export("keras.src.models.functional.Functional")
class Functional(Function, Model):
    """A model built by calling layers on ``cornu.Input`` tensors.

    Usually created as ``cornu.Model(inputs, outputs)``.

    Example:
    >>> inputs = cornu.Input(shape=(4,))
    >>> outputs = cornu.layers.Dense(2)(inputs)
    >>> model = cornu.Model(inputs, outputs)
    """

    _untracked_attrs = ("_inputs_struct", "_outputs_struct", "_inputs", "_outputs", "_nodes")
    # Keras counts a nested Functional model's creation as its node 0 in a parent's
    # `input_layers`/`output_layers` (its call k is written k + 1).
    _counts_creation_node = True

    # A Functional is a `Function` (its graph) that is also a `Model`: calls go through the
    # Layer machinery, not Function's.
    __call__ = Model.__call__

    def __new__(cls, *args, **kwargs):
        return Layer.__new__(cls)

    def __init__(self, inputs, outputs, name=None, **kwargs):
        trainable = kwargs.pop("trainable", True)
        dtype = kwargs.pop("dtype", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments for a Functional model: {sorted(kwargs)}")
        if isinstance(inputs, dict):
            for key, tensor in inputs.items():
                if not isinstance(tensor, KerasTensor):
                    raise ValueError(f"All model inputs must be KerasTensors. Received: inputs[{key!r}]={tensor!r}")
        flat_inputs = optree.tree_leaves(inputs, none_is_leaf=True)
        for tensor in flat_inputs:
            if not isinstance(tensor, KerasTensor):
                raise ValueError(
                    f"All model inputs must be KerasTensors created by `cornu.Input`. Received: {tensor!r}"
                )
        flat_outputs = optree.tree_leaves(outputs, none_is_leaf=True)
        Model.__init__(self, name=name, trainable=trainable, dtype=dtype)
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self._inputs = flat_inputs
        self._outputs = flat_outputs
        self._nodes, operations = map_graph(flat_inputs, flat_outputs)
        self._operations = operations
        self.built = True
        self._build_shapes = {"input_shape": optree.tree_map(lambda t: t.shape, inputs, is_leaf=_is_tensor_leaf)}

    @property
    def layers(self):
        """The model's layers in graph order (InputLayers included, as in Keras)."""
        return [op for op in self._operations if isinstance(op, Layer)]

    @property
    def _layers(self):
        return self.layers

    @property
    def inputs(self):
        return self._inputs_struct if isinstance(self._inputs_struct, (list, dict)) else self._inputs

    @property
    def outputs(self):
        return self._outputs_struct if isinstance(self._outputs_struct, (list, dict)) else self._outputs

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    # The user's model when this graph is the inside of one (a Sequential), for error messages.
    _owner_name = None

    @property
    def input_shape(self):
        """The inputs' shapes: one tuple for a single input, else a list (as in Keras)."""
        return _shapes_of(self._inputs)

    @property
    def output_shape(self):
        """The outputs' shapes: one tuple for a single output, else a list (as in Keras)."""
        return _shapes_of(self._outputs)

    @property
    def input_names(self):
        return [t._keras_history.operation.name for t in self._inputs]

    @property
    def output_names(self):
        """Names that ``compile`` keys losses and metrics by: dict keys, else the output layers' names."""
        if isinstance(self._outputs_struct, dict):
            return optree.tree_flatten(self._outputs_struct, is_leaf=_is_tensor_leaf)[1].entries()
        return [t._keras_history.operation.name for t in self._outputs]

    def _flatten_inputs(self, inputs):
        if isinstance(self._inputs_struct, dict):
            if not isinstance(inputs, dict):
                if len(self._inputs) == 1:
                    return [inputs]
                raise ValueError(
                    f"Model '{self.name}' expects a dict of inputs with keys {sorted(self._inputs_struct)}. "
                    f"Received: inputs of type {type(inputs).__name__}"
                )
            missing = [k for k in self._inputs_struct if k not in inputs]
            if missing:
                raise ValueError(
                    f"Model '{self.name}' is missing inputs {missing}; it expects keys "
                    f"{sorted(self._inputs_struct)}. Received: keys {sorted(inputs)}"
                )
            return [inputs[k] for k in self._inputs_struct]
        if isinstance(inputs, dict):
            names = [t._keras_history.operation.name for t in self._inputs]
            if all(n in inputs for n in names):
                return [inputs[n] for n in names]
            missing = [n for n in names if n not in inputs]
            raise ValueError(
                f"Model '{self._owner_name or self.name}' got a dict of inputs without the input(s) {missing}: "
                f"key the dict by the model's input names {names}. Received: keys {sorted(inputs)}"
            )
        flat = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(flat) != len(self._inputs):
            raise ValueError(
                f"Model '{self.name}' expects {len(self._inputs)} input(s), but it received {len(flat)} input "
                f"tensors. Received: inputs={_describe(inputs)}"
            )
        return flat

    def _standardize_input(self, value, spec):
        if value is None:
            return value
        if spec.dtype == "string":
            return _standardize_string_input(value, spec)
        if not backend.is_tensor(value):
            value = backend.convert_to_tensor(np.asarray(value) if not isinstance(value, backend.Variable) else value)
        shape = tuple(value.shape)
        if len(shape) == len(spec.shape) - 1 and spec.shape[-1] == 1:
            value = backend.numpy.expand_dims(value, -1)
            shape = tuple(value.shape)
        elif len(shape) == len(spec.shape) + 1 and shape[-1] == 1:
            value = backend.numpy.squeeze(value, -1)
            shape = tuple(value.shape)
        # The batch dimension is free, as in Keras (a saved batch_shape does not pin it).
        if len(shape) != len(spec.shape) or any(
            e is not None and a != e for a, e in zip(shape[1:], spec.shape[1:])
        ):
            if backend.in_symbolic_scope() and shape:
                shape = (None,) + shape[1:]  # a shape-inference stand-in: its batch size is not the data's
            raise ValueError(
                f'Input "{spec.name}" of model "{self._owner_name or self.name}" is incompatible with the model: '
                f"expected shape={spec.shape}, found shape={shape}"
            )
        if backend.standardize_dtype(value.dtype) != spec.dtype:
            value = backend.cast(value, spec.dtype)
        return value

    def call(self, inputs, training=None, mask=None):
        if mask is None and _RUN_GRAPH_PLAN is not None:
            # torch: the graph's call plan (backend/torch/call_plan.py), same numbers, less Python.
            outputs = _RUN_GRAPH_PLAN(self, inputs, training)
            if outputs is not backend.compiled_call.NOT_HANDLED:
                return outputs
        flat = self._flatten_inputs(inputs)
        values = {}
        for tensor, value in zip(self._inputs, flat):
            value = self._standardize_input(value, tensor)
            values[id(tensor)] = value
        masks = list(mask) if isinstance(mask, (list, tuple)) else [mask] * len(flat) if mask is not None else None
        if masks is not None:
            for value, m in zip(flat, masks):
                if m is not None:
                    backend.set_keras_mask(values[id(self._inputs[flat.index(value)])], m)

        run_nodes(self._nodes, values, training)
        if isinstance(self._outputs_struct, KerasTensor):
            return values[id(self._outputs_struct)]
        if isinstance(self._outputs_struct, (list, tuple)) and len(self._outputs_struct) == 1 and isinstance(
                self._outputs_struct[0], KerasTensor):
            # `Model(x, [y])` returns the one tensor, not a list of it, from a call on data (as in Keras).
            return values[id(self._outputs_struct[0])]
        return optree.tree_map(lambda x: values[id(x)] if isinstance(x, KerasTensor) else x, self._outputs_struct,
                               none_is_leaf=True, is_leaf=_is_tensor_leaf)

    _compilable_call = call

    def compute_output_spec(self, inputs, training=None, mask=None):
        spec = self._graph_output_spec(inputs)
        if spec is not None:
            return spec
        return backend.compute_output_spec(self.call, inputs, training=training)

    def _graph_output_spec(self, inputs):
        """The output spec without tracing when ``inputs`` are shaped like the graph's inputs
        (the graph's output tensors already are the answer), else None."""
        if not self._inputs_match_graph(inputs):
            return None
        return optree.tree_map(lambda t: KerasTensor(t.shape, dtype=t.dtype), self._outputs_struct,
                               none_is_leaf=True, is_leaf=_is_tensor_leaf)

    def _inputs_match_graph(self, inputs):
        try:
            flat = self._flatten_inputs(inputs)
        except (ValueError, TypeError, KeyError):
            return False
        if len(flat) != len(self._inputs):
            return False
        # Inputs are cast to the graph's input dtypes, so only the shapes (past the batch axis) matter.
        for value, tensor in zip(flat, self._inputs):
            shape = getattr(value, "shape", None)
            if shape is None or len(shape) != len(tensor.shape) or tuple(shape)[1:] != tuple(tensor.shape)[1:]:
                return False
        return True

    def build(self, input_shape=None):
        self.built = True

    def get_layer(self, name=None, index=None):
        return Model.get_layer(self, name=name, index=index)

    # ------------------------------------------------------------ config
    def _lock_state(self):
        pass  # a model built from a graph stays open after build, as in Keras

    def _obj_type(self):
        return "Functional"

    def get_config(self):
        if not functional_like_constructor(type(self)):
            # A subclass with its own constructor is rebuilt through it, from the base
            # config (or from its own `get_config`), as in Keras.
            return Model.get_config(self)
        from cornu.serialization.keras_objects import serialize_keras_object

        node_ids = {}
        layer_configs = []
        kept_nodes = self._nodes_set()
        for operation in self._operations:
            kept = [n for n in operation._inbound_nodes if n in kept_nodes]
            for i, node in enumerate(kept):
                node_ids[id(node)] = i
        for layer in self._operations:
            entry = serialize_keras_object(layer) if isinstance(layer, Layer) else layer.serialize()
            entry["name"] = layer.name
            inbound = []
            for node in layer._inbound_nodes:
                if node not in kept_nodes or node.is_input:
                    continue
                inbound.append(self._serialize_node(node, node_ids))
            entry["inbound_nodes"] = inbound
            layer_configs.append(entry)
        return {
            "name": self.name,
            "trainable": self.trainable,
            "layers": layer_configs,
            "input_layers": self._tensor_refs(self._inputs_struct, node_ids),
            "output_layers": self._tensor_refs(self._outputs_struct, node_ids),
        }

    def _nodes_set(self):
        return set(self._nodes)

    def _serialize_node(self, node, node_ids):
        def ref(x):
            if isinstance(x, KerasTensor):
                history = x._keras_history
                parent = history.operation._inbound_nodes[history.node_index]
                return {
                    "class_name": "__keras_tensor__",
                    "config": {
                        "shape": list(x.shape),
                        "dtype": x.dtype,
                        "keras_history": [history.operation.name, node_ids.get(id(parent), 0), history.tensor_index],
                    },
                }
            from cornu.serialization.keras_objects import serialize_keras_object

            return serialize_keras_object(x)

        args = [_tree_serialize(a, ref) for a in node.call_args]
        kwargs = {k: _tree_serialize(v, ref) for k, v in node.call_kwargs.items()}
        return {"args": args, "kwargs": kwargs}

    def _tensor_refs(self, struct, node_ids):
        def one(t):
            history = t._keras_history
            parent = history.operation._inbound_nodes[history.node_index]
            # As Keras: a nested Functional model's calls count from 1 here (its creation is node 0).
            first = 1 if getattr(history.operation, "_counts_creation_node", False) else 0
            return [history.operation.name, first + node_ids.get(id(parent), 0), history.tensor_index]

        if isinstance(struct, dict):
            return {k: one(v) for k, v in struct.items()}
        if isinstance(struct, (list, tuple)):
            return [one(t) for t in struct]
        return one(struct)


def _tree_serialize(value, ref):
    if isinstance(value, KerasTensor):
        return ref(value)
    if isinstance(value, (list, tuple)):
        return [_tree_serialize(v, ref) for v in value]
    if isinstance(value, dict):
        return {k: _tree_serialize(v, ref) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return ref(value)


def _describe(inputs):
    if isinstance(inputs, (list, tuple)):
        return [getattr(x, "shape", x) for x in inputs]
    return getattr(inputs, "shape", inputs)


def functional_like_constructor(cls):
    """Whether ``cls(inputs=..., outputs=..., name=...)`` builds it: Functional's own parameters,
    or ``*args, **kwargs`` passed on."""
    spec = inspect.getfullargspec(cls.__init__)
    if spec.args[1:] == inspect.getfullargspec(Functional.__init__).args[1:]:
        return True
    return spec.varargs is not None and spec.varkw is not None


def _shapes_of(tensors):
    shapes = [tuple(t.shape) for t in tensors]
    return shapes[0] if len(shapes) == 1 else shapes


def make_functional_subclass(cls):
    """Puts Functional in Model's place among the bases of ``cls`` and of its ancestors between
    it and Model (Keras does the same), so that a ``Model`` subclass that passes a graph to
    ``super().__init__`` gets Functional's graph call, config and layers."""
    if issubclass(cls, Functional):
        return

    def replace(klass):
        if klass is Model:
            return Functional
        if klass is not object and issubclass(klass, Model):
            klass.__bases__ = tuple(replace(base) for base in klass.__bases__)
        return klass

    replace(cls)


def _standardize_string_input(value, spec):
    """A string input stays a NumPy array (no backend holds strings), given the input's rank."""
    value = np.asarray(value)
    if value.ndim == len(spec.shape) - 1 and spec.shape[-1] == 1:
        value = value[..., None]
    elif value.ndim == len(spec.shape) + 1 and value.shape[-1] == 1:
        value = value[..., 0]
    if value.ndim != len(spec.shape):
        raise ValueError(f'Input "{spec.name}" expects strings of shape={spec.shape}, found shape={value.shape}')
    return value
