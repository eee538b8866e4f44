"""``Function``: a callable graph of operations (ops and layers) from input KerasTensors to
output KerasTensors, and the graph machinery it shares with Functional models.

``map_graph`` finds which nodes to run, in which order: it walks back from the
output tensors through their ``_keras_history`` to the inputs, then orders
operations by depth (inputs deepest) and, within a depth, by the order the walk
first met them, so layer order is stable and matches what Keras produces (the
weight file layout depends on it). ``run_nodes`` replays the nodes on values.
``Functional`` (``cornu/models/functional.py``) is a ``Function`` that is also a ``Model``.
"""

import optree

from cornu import backend
from cornu import tree
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.ops.decorator import any_symbolic_tensors
from cornu.ops.node import Node
from cornu.ops.operation import Operation
from cornu.serialization.registry import keras_export


# ---------------------------------------------------------------- the graph
def _node_of(tensor):
    history = tensor._keras_history
    if history is None:
        raise ValueError(
            "A Functional model's outputs must come from its inputs through layers or ops. "
            f"This tensor has no history: it was not created by `cornu.Input` or a layer call. Received: {tensor!r}"
        )
    return history.operation._inbound_nodes[history.node_index]


def map_graph(inputs, outputs):
    """Returns ``(nodes_in_run_order, operations_in_order)`` for the graph inputs -> outputs.

    An input may be a bare ``KerasTensor`` (no history): it then has no node of its own.
    """
    input_ids = {id(t) for t in inputs}
    finished, in_progress = set(), set()
    post_order = []
    operation_indices = {}

    def visit(tensor, child=None):
        if tensor._keras_history is None:
            if id(tensor) in input_ids:
                return
            if child is not None:
                raise ValueError(
                    f"Graph disconnected: cannot find the value of tensor {tensor!r} (an input of "
                    f"'{child.operation.name}'): it is not among the inputs and no layer or op produced it. "
                    "Pass every input the outputs depend on in `inputs=`."
                )
        node = _node_of(tensor)
        if id(node) in finished:
            return
        if id(node) in in_progress:
            raise ValueError(f"The graph has a cycle at operation '{node.operation.name}'.")
        operation_indices.setdefault(node.operation, len(operation_indices))
        in_progress.add(id(node))
        if id(tensor) not in input_ids:
            for parent in node.input_tensors:
                visit(parent, node)
        in_progress.discard(id(node))
        finished.add(id(node))
        post_order.append(node)

    for tensor in outputs:
        visit(tensor)

    depths = {}
    for node in reversed(post_order):
        depth = depths.setdefault(id(node), 0)
        if any(id(t) in input_ids for t in node.output_tensors):
            continue
        for parent_tensor in node.input_tensors:
            if id(parent_tensor) in input_ids and parent_tensor._keras_history is None:
                continue
            parent = _node_of(parent_tensor)
            depths[id(parent)] = max(depths.get(id(parent), 0), depth + 1)

    operation_depths = {}
    for node in post_order:
        op = node.operation
        operation_depths[op] = max(operation_depths.get(op, 0), depths[id(node)])

    _check_inputs_reached(inputs, outputs, post_order, input_ids)

    order = {id(node): i for i, node in enumerate(post_order)}
    nodes = sorted(post_order, key=lambda n: (-depths[id(n)], order[id(n)]))
    operations = sorted(operation_depths, key=lambda op: (-operation_depths[op], operation_indices[op]))
    return nodes, operations


def _check_inputs_reached(inputs, outputs, nodes, input_ids):
    produced = {id(t) for t in inputs}
    for node in nodes:
        if any(id(t) in input_ids for t in node.output_tensors):
            continue
        if node.is_input:
            raise ValueError(
                f"Graph disconnected: the outputs depend on the input '{node.operation.name}', which is "
                "not among the model's inputs. Pass every input the outputs depend on in `inputs=`."
            )
        for tensor in node.input_tensors:
            if id(tensor) not in produced:
                history = tensor._keras_history
                producer = history.operation.name if history is not None else "no operation"
                raise ValueError(
                    "Graph disconnected: cannot find the value of tensor "
                    f"{tensor!r} (produced by '{producer}') from the model's inputs. "
                    "Pass every input the outputs depend on in `inputs=`."
                )
        produced.update(id(t) for t in node.output_tensors)
    for tensor in outputs:
        if not isinstance(tensor, KerasTensor):
            raise ValueError(f"All model outputs must be KerasTensors. Received: {tensor!r}")


def run_nodes(nodes, values, training=None):
    """Runs ``nodes`` (in ``map_graph``'s order) on ``values``, a dict from ``id(KerasTensor)``
    to its value holding the inputs' values; adds each node's output values to it. Operations
    that take a ``training`` argument get the outer ``training`` when it is not None (it wins
    over a value fixed in the node, as in Keras); otherwise the node's own value stays."""

    def lookup(x):
        return values[id(x)] if isinstance(x, KerasTensor) else x

    for node in nodes:
        if node.is_input:
            continue
        call_args = node.call_args
        if len(call_args) == 1 and isinstance(call_args[0], KerasTensor) and not node.call_kwargs:
            args, kwargs = (values[id(call_args[0])],), {}
        else:
            args = optree.tree_map(lookup, call_args, none_is_leaf=True)
            kwargs = optree.tree_map(lookup, node.call_kwargs, none_is_leaf=True)
        operation = node.operation
        if getattr(operation, "_call_has_training_arg", False) is True and (
                training is not None or kwargs.get("training") is None):
            kwargs["training"] = training
        outputs = operation(*args, **kwargs)
        if len(node.output_tensors) == 1 and not isinstance(outputs, (list, tuple, dict)):
            values[id(node.output_tensors[0])] = outputs
        else:
            for tensor, value in zip(node.output_tensors, optree.tree_leaves(outputs, none_is_leaf=True)):
                values[id(tensor)] = value
    return values


def _is_tensor_leaf(x):
    return isinstance(x, KerasTensor)


# ------------------------------------------------------------- the Function
@keras_export("keras.Function")
class Function(Operation):
    """A reusable computation: the graph of ops and layers that links input KerasTensors to
    output KerasTensors, replayed on new values. Unlike a Functional model it tracks no state
    and has no Layer API (no weights, no ``fit``).

    Args:
        inputs: a ``KerasTensor`` or a nested structure (list, tuple, dict) of them.
        outputs: a ``KerasTensor`` or a nested structure of them, computed from ``inputs``.
        name: the function's name.

    Example:
    >>> a = cornu.KerasTensor(shape=(None, 3))
    >>> b = cornu.KerasTensor(shape=(None, 3))
    >>> fn = cornu.Function(inputs=[a, b], outputs=cornu.ops.sigmoid(a + b))
    >>> fn([np.zeros((2, 3)), np.zeros((2, 3))]).shape
    (2, 3)
    """

    def __init__(self, inputs, outputs, name=None):
        super().__init__(name=name)
        self._inputs_struct = tree.map_structure(lambda x: x, inputs)
        self._outputs_struct = tree.map_structure(lambda x: x, outputs)
        self._inputs = tree.flatten(inputs)
        self._outputs = tree.flatten(outputs)
        if not self._inputs:
            raise ValueError(f"`inputs` argument cannot be empty. Received: inputs={inputs}, outputs={outputs}")
        if not self._outputs:
            raise ValueError(f"`outputs` argument cannot be empty. Received: inputs={inputs}, outputs={outputs}")
        for kind, tensors in (("inputs", self._inputs), ("outputs", self._outputs)):
            for tensor in tensors:
                if not isinstance(tensor, KerasTensor):
                    raise ValueError(
                        f"All `{kind}` of a Function must be KerasTensors (or nested structures of them). "
                        f"Received: {kind} element {tensor!r}"
                    )
        self._nodes, self._operations = map_graph(self._inputs, self._outputs)

    @property
    def operations(self):
        """The graph's operations (layers and ops), inputs first."""
        return self._operations[:]

    @property
    def inputs(self):
        """The flat list of input KerasTensors."""
        return self._inputs

    @property
    def outputs(self):
        """The flat list of output KerasTensors."""
        return self._outputs

    def __call__(self, *args, **kwargs):
        if any_symbolic_tensors(args, kwargs):
            outputs = self.compute_output_spec(*args, **kwargs)
            Node(self, args, kwargs, outputs)
            return outputs
        return self.call(*args, **kwargs)

    def call(self, inputs):
        """Runs the graph on new ``inputs`` (structured like the Function's inputs)."""
        self._assert_input_compatibility(inputs)
        return self._run_through_graph(inputs)

    def _run_through_graph(self, inputs, training=None):
        values = {id(ref): value for ref, value in zip(self._inputs, tree.flatten(inputs))}
        run_nodes(self._nodes, values, training=training)
        flat = []
        for i, tensor in enumerate(self._outputs):
            if id(tensor) not in values:
                raise ValueError(f"Output {i} ({tensor!r}) is not connected to `inputs`.")
            flat.append(values[id(tensor)])
        return tree.pack_sequence_as(self._outputs_struct, flat)

    def compute_output_spec(self, inputs):
        """The outputs' shapes and dtypes (as KerasTensors) for ``inputs`` of these shapes."""
        self._assert_input_compatibility(inputs)
        if all(tuple(x.shape) == tuple(ref.shape) for x, ref in zip(tree.flatten(inputs), self._inputs)):
            return tree.map_structure(lambda t: KerasTensor(t.shape, dtype=t.dtype), self._outputs_struct)
        return backend.compute_output_spec(self.call, inputs)

    def compute_output_shape(self, input_shape):
        """The outputs' shapes for inputs of shape ``input_shape`` (structured like the inputs)."""
        specs = tree.map_shape_structure(lambda shape: KerasTensor(shape), input_shape)
        flat_specs = tree.flatten(specs)
        flat_specs = [KerasTensor(spec.shape, dtype=ref.dtype) for spec, ref in zip(flat_specs, self._inputs)]
        outputs = self.compute_output_spec(tree.pack_sequence_as(specs, flat_specs))
        return tree.map_structure(lambda t: t.shape, outputs)

    def _assert_input_compatibility(self, inputs):
        try:
            tree.assert_same_structure(inputs, self._inputs_struct)
        except (ValueError, TypeError):
            raise ValueError(
                "Function was called with an invalid input structure. "
                f"Expected input structure: {self._inputs_struct}. Received input structure: {inputs}"
            ) from None
        for x, ref in zip(tree.flatten(inputs), self._inputs):
            shape = tuple(getattr(x, "shape", ()))
            if len(shape) != len(ref.shape) or any(
                d is not None and r is not None and d != r for d, r in zip(shape, ref.shape)
            ):
                raise ValueError(
                    f"{type(self).__name__} was passed incompatible inputs. For input '{ref.name}', "
                    f"expected shape {ref.shape}, but received instead a tensor with shape {shape}."
                )
