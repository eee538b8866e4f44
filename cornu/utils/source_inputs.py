"""``get_source_inputs``: the ``Input`` tensors a symbolic tensor was computed from."""

from cornu.backend.common.keras_tensor import KerasTensor


def get_source_inputs(tensor):
    """The input tensors (made by ``cornu.Input``) that ``tensor`` depends on, each once, in the
    order the graph reaches them.

    Example:
    >>> a, b = cornu.Input((3,)), cornu.Input((3,))
    >>> out = cornu.layers.Add()([a, cornu.layers.Dense(3)(b)])
    >>> get_source_inputs(out) == [a, b]
    True
    """
    if not isinstance(tensor, KerasTensor):
        raise ValueError(
            "`get_source_inputs` expects a symbolic tensor (made by `cornu.Input` or a layer called "
            f"on one). Received: tensor={tensor!r} of type {type(tensor).__name__}"
        )
    sources, seen_nodes, pending = [], set(), [tensor]
    while pending:
        current = pending.pop()
        history = current._keras_history
        if history is None:
            if not any(current is s for s in sources):
                sources.append(current)
            continue
        node = history.operation._inbound_nodes[history.node_index]
        if node.is_input:
            if not any(current is s for s in sources):
                sources.append(current)
            continue
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        pending.extend(reversed(node.input_tensors))  # first inputs are visited first
    return sources
