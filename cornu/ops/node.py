"""Nodes record one call of an operation (a layer or an op) on symbolic tensors;
together they form the graph that Functional models run."""

import collections

import optree

from cornu.backend.common.global_state import bump_structure_version
from cornu.backend.common.keras_tensor import KerasTensor

KerasHistory = collections.namedtuple("KerasHistory", ["operation", "node_index", "tensor_index"])


def flatten_tensors(structure):
    return [x for x in optree.tree_leaves(structure, none_is_leaf=True) if isinstance(x, KerasTensor)]


class Node:
    """One call of ``operation`` with ``call_args``/``call_kwargs`` giving ``outputs``."""

    def __init__(self, operation, call_args=(), call_kwargs=None, outputs=None):
        bump_structure_version()
        self.operation = operation
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        self.outputs = outputs
        self.input_tensors = flatten_tensors((self.call_args, self.call_kwargs))
        self.output_tensors = flatten_tensors(outputs)
        node_index = len(operation._inbound_nodes)
        operation._inbound_nodes.append(self)
        for tensor in self.input_tensors:
            history = tensor._keras_history
            if history is not None:
                history.operation._outbound_nodes.append(self)
        for i, tensor in enumerate(self.output_tensors):
            tensor._keras_history = KerasHistory(operation, node_index, i)

    @property
    def parent_nodes(self):
        parents = []
        for tensor in self.input_tensors:
            history = tensor._keras_history
            if history is not None:
                parent = history.operation._inbound_nodes[history.node_index]
                if parent not in parents:
                    parents.append(parent)
        return parents

    @property
    def is_input(self):
        return not self.input_tensors
