"""The graph of a Functional model: which nodes to run, in which order.

Walks back from the output tensors through their ``_keras_history`` to the
inputs, then orders operations by depth (inputs deepest) and, within a depth,
by the order the walk first met them, so layer order is stable and matches
what Keras produces (the weight file layout depends on it).
"""

from cornu.backend.common.keras_tensor import KerasTensor


def _node_of(tensor):
    history = tensor._keras_history
    if history is None:
        raise ValueError(
            "A Functional model's outputs must come from its inputs through layers or ops. "
            f"This tensor has no history: it was not created by `cornu.Input` or a layer call. Received: {tensor!r}"
        )
    return history.operation._inbound_nodes[history.node_index]


def map_graph(inputs, outputs):
    """Returns ``(nodes_in_run_order, operations_in_order)`` for the graph inputs -> outputs."""
    input_ids = {id(t) for t in inputs}
    finished, in_progress = set(), set()
    post_order = []
    operation_indices = {}

    def visit(tensor):
        node = _node_of(tensor)
        if id(node) in finished:
            return
        if id(node) in in_progress:
            raise ValueError(f"The graph has a cycle at operation '{node.operation.name}'.")
        operation_indices.setdefault(node.operation, len(operation_indices))
        in_progress.add(id(node))
        if id(tensor) not in input_ids:
            for parent in node.input_tensors:
                visit(parent)
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
            parent = _node_of(parent_tensor)
            depths[id(parent)] = max(depths.get(id(parent), 0), depth + 1)

    operation_depths = {}
    for node in post_order:
        op = node.operation
        operation_depths[op] = max(operation_depths.get(op, 0), depths[id(node)])

    _check_inputs_reached(inputs, outputs, post_order, input_ids)

    nodes = sorted(post_order, key=lambda n: (-depths[id(n)], post_order.index(n)))
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
                raise ValueError(
                    "Graph disconnected: cannot find the value of tensor "
                    f"{tensor!r} (produced by '{history.operation.name}') from the model's inputs. "
                    "Pass every input the outputs depend on in `inputs=`."
                )
        produced.update(id(t) for t in node.output_tensors)
    for tensor in outputs:
        if not isinstance(tensor, KerasTensor):
            raise ValueError(f"All model outputs must be KerasTensors. Received: {tensor!r}")
