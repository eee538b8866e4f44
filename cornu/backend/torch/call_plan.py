"""The call plan: a Functional graph replayed on torch with little Python around the kernels.

A Functional model's eager call (also Sequential's, which runs its inner Functional) walks its
nodes through ``run_nodes``: per node a tree map of the arguments, then the layer's full
``__call__`` (argument conversion, input-spec check, ``training`` and mask resolution, call
context...), then the op dispatch inside ``call``. On a small model that Python costs as much
as the arithmetic. The plan does that work once per graph and keeps, per node, only:

- for the common built-in layers (Dense, Conv1D/2D/3D, DepthwiseConv, pooling, Flatten, Embedding,
  LayerNormalization, BatchNormalization and Dropout outside training, GlobalAveragePooling1D,
  LSTM) and
  MultiHeadAttention without masks or dropout: a torch kernel (``call_plan_kernels.py``,
  ``call_plan_attention.py``), used once the layer's full call has accepted inputs of those
  shapes and dtypes (so errors and input checks are the plain call's);
- for every other node (custom layers, ops, nested models, other layers with several inputs): the
  node's normal call, with the arguments looked up from a flat list of slots; ``a + b``,
  ``a - b`` and ``a * b`` between two floating tensors of one dtype run as the one torch call
  cornu's op makes of them.

Without autograd, a kernel with an in-place form (BatchNormalization) writes into its input when
that input is a convolution's or Dense layer's fresh output that no other node reads.

What stays the same: the numbers (the same torch functions; a convolution adds its bias inside
the kernel, as ``torch.nn.Conv2d`` does, which may round the last bit differently), the
``training`` each layer sees, masks (a layer receiving a Keras mask, or producing one, runs
its full call), losses, variable updates.

The plan is used from ``Functional.call`` for calls with no explicit ``mask``, outside
``StatelessScope``, symbolic tracing, autocast scopes and ``torch.compile`` tracing, when the
inputs are tensors that already have the graph inputs' dtypes and shapes (anything else runs
the plain path, which converts or raises). It is rebuilt whenever the structure version changes
(variables or graph nodes created, ``trainable`` or a dtype policy set), and a layer's settings
(activation, bias...) are read on every call.

Example:
>>> outputs = run_graph_plan(functional, x, training=False)  # NOT_HANDLED: use the plain path
"""

import weakref

import optree
import torch

from cornu.backend.common.global_state import structure_version
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.backend.common.masking import get_keras_mask
from cornu.backend.common.scopes import get_stateless_scope, in_symbolic_scope
from cornu.backend.common.variables import AutocastScope
from cornu.backend.torch.call_plan_attention import attention_kernel_for
from cornu.backend.torch.call_plan_kernels import NOT_HANDLED, kernel_for, returns_fresh_tensor
from cornu.backend.torch.core import to_torch_dtype

# Tests and benchmarks switch the plan off with `ENABLED[0] = False` to compare with the plain path.
ENABLED = [True]
_PLANS = weakref.WeakKeyDictionary()  # graph -> (structure version, _GraphPlan or None)
_MAX_SEEN_SHAPES = 64


def run_graph_plan(graph, inputs, training):
    """Runs ``graph`` (a Functional) on ``inputs`` through its plan; ``NOT_HANDLED`` when the
    plain path must run instead (see the module docstring)."""
    if (not ENABLED[0] or get_stateless_scope() is not None or in_symbolic_scope()
            or AutocastScope._current is not None or torch.compiler.is_compiling()):
        return NOT_HANDLED
    version = structure_version()
    entry = _PLANS.get(graph)
    if entry is None or entry[0] != version:
        try:
            plan = _GraphPlan.build(graph)
        except Exception:  # a graph this plan does not understand: the plain path runs it
            plan = None
        entry = _PLANS[graph] = (version, plan)
    plan = entry[1]
    if plan is None:
        return NOT_HANDLED
    return plan.run(inputs, training)


def _is_keras_tensor(x):
    return isinstance(x, KerasTensor)


class _Slots:
    """Numbers the graph's tensors: values live in a list, indexed by slot."""

    def __init__(self):
        self._index = {}

    def __call__(self, tensor):
        return self._index.setdefault(id(tensor), len(self._index))

    def __len__(self):
        return len(self._index)


class _GraphPlan:
    def __init__(self, graph, inputs, steps, size, output):
        self._graph = weakref.ref(graph)
        self._inputs = inputs
        self._steps = steps
        self._size = size
        self._output = output

    @classmethod
    def build(cls, graph):
        """The plan of ``graph``, or None when it has none (string inputs, no graph)."""
        if not hasattr(graph, "_nodes") or not hasattr(graph, "_flatten_inputs"):
            return None
        slots = _Slots()
        inputs = []
        for tensor in graph._inputs:
            if tensor.dtype == "string":
                return None
            fixed = tuple((axis, size) for axis, size in enumerate(tensor.shape) if axis and size is not None)
            inputs.append((slots(tensor), to_torch_dtype(tensor.dtype), len(tensor.shape), fixed))
        nodes = [node for node in graph._nodes if not node.is_input]
        private = _private_slots(nodes, graph._outputs_struct, slots)
        steps = [_step(node, slots, private) for node in nodes]
        return cls(graph, inputs, steps, len(slots), _output_builder(graph._outputs_struct, slots))

    def run(self, inputs, training):
        graph = self._graph()
        try:
            flat = graph._flatten_inputs(inputs)
        except (ValueError, TypeError, KeyError):
            return NOT_HANDLED  # the plain path raises its own error
        if len(flat) != len(self._inputs):
            return NOT_HANDLED
        values = [None] * self._size
        for (slot, dtype, rank, fixed), value in zip(self._inputs, flat):
            if (not isinstance(value, torch.Tensor) or value.dtype != dtype or value.ndim != rank
                    or get_keras_mask(value) is not None):
                return NOT_HANDLED  # converted, reshaped or rejected by the plain path
            shape = value.shape
            for axis, size in fixed:
                if shape[axis] != size:
                    return NOT_HANDLED
            values[slot] = value
        for step in self._steps:
            step(values, training)
        return self._output(values)


def _private_slots(nodes, outputs_struct, slots):
    """Slots whose value a kernel may overwrite once grad is off: made by a layer whose call always
    returns a new tensor (a convolution, Dense), read by exactly one node, not a model output."""
    readers = {}
    for node in nodes:
        arguments = optree.tree_leaves((tuple(node.call_args), dict(node.call_kwargs)), is_leaf=_is_keras_tensor,
                                       none_is_leaf=True)
        for slot in {slots(a) for a in arguments if isinstance(a, KerasTensor)}:
            readers[slot] = readers.get(slot, 0) + 1
    outputs = {slots(t) for t in optree.tree_leaves(outputs_struct, is_leaf=_is_keras_tensor, none_is_leaf=True)
               if isinstance(t, KerasTensor)}
    fresh = {slots(node.output_tensors[0]) for node in nodes
             if len(node.output_tensors) == 1 and returns_fresh_tensor(node.operation)}
    return {slot for slot in fresh if readers.get(slot) == 1 and slot not in outputs}


def _output_builder(struct, slots):
    """``values -> outputs`` in the structure ``Functional.call`` returns."""
    if isinstance(struct, KerasTensor) or (
            isinstance(struct, (list, tuple)) and len(struct) == 1 and isinstance(struct[0], KerasTensor)):
        slot = slots(struct if isinstance(struct, KerasTensor) else struct[0])
        return lambda values: values[slot]
    leaves, treedef = optree.tree_flatten(struct, is_leaf=_is_keras_tensor, none_is_leaf=True)
    refs = [(slots(leaf), None) if isinstance(leaf, KerasTensor) else (None, leaf) for leaf in leaves]
    return lambda values: treedef.unflatten([values[s] if s is not None else c for s, c in refs])


def _arguments_builder(node, slots):
    """``values -> (args, kwargs)`` for the node's call (a fresh kwargs dict each time)."""
    call_args, call_kwargs = node.call_args, node.call_kwargs
    if len(call_args) == 1 and isinstance(call_args[0], KerasTensor) and not call_kwargs:
        slot = slots(call_args[0])
        return lambda values: ((values[slot],), {})
    leaves, treedef = optree.tree_flatten((tuple(call_args), dict(call_kwargs)), is_leaf=_is_keras_tensor,
                                          none_is_leaf=True)
    refs = [(slots(leaf), None) if isinstance(leaf, KerasTensor) else (None, leaf) for leaf in leaves]
    return lambda values: treedef.unflatten([values[s] if s is not None else c for s, c in refs])


_BINARY_OPS = {"add": torch.add, "subtract": torch.sub, "multiply": torch.mul}


def _binary_op(operation, node):
    """The torch function of a graph node ``a + b`` / ``a - b`` / ``a * b`` between two tensors
    (cornu's op on two floating tensors of one dtype is that one torch call), else None."""
    function = getattr(operation, "fn", None)
    if (type(operation).__name__ != "FunctionOperation" or len(node.output_tensors) != 1 or node.call_kwargs
            or len(node.call_args) != 2 or not all(isinstance(a, KerasTensor) for a in node.call_args)
            or not getattr(function, "__module__", "").startswith("cornu.ops.")):
        return None
    return _BINARY_OPS.get(getattr(function, "__name__", None))


def _step(node, slots, private=frozenset()):
    """One node as ``step(values, training)``: its kernel when it has one, else its full call.
    A kernel with an in-place form uses it on a private input (see ``_private_slots``) when no
    gradient is recorded."""
    operation = node.operation
    arguments = _arguments_builder(node, slots)
    takes_training = getattr(operation, "_call_has_training_arg", False) is True
    outputs = [slots(t) for t in node.output_tensors]
    single = len(outputs) == 1
    first = outputs[0] if outputs else None

    def full_call(values, training):
        args, kwargs = arguments(values)
        if takes_training and (training is not None or kwargs.get("training") is None):
            kwargs["training"] = training  # as `run_nodes`: the outer value wins over the node's
        return operation(*args, **kwargs)

    def store(values, result):
        if single and not isinstance(result, (list, tuple, dict)):
            values[first] = result
        else:
            for slot, value in zip(outputs, optree.tree_leaves(result, none_is_leaf=True)):
                values[slot] = value

    binary = _binary_op(operation, node)
    if binary is not None:
        left, right = slots(node.call_args[0]), slots(node.call_args[1])

        def binary_step(values, training):
            a, b = values[left], values[right]
            if (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.dtype == b.dtype
                    and a.is_floating_point()):
                values[first] = binary(a, b)
            else:
                store(values, full_call(values, training))

        return binary_step

    multi = _multi_input_step(operation, node, slots, full_call, first) if single else None
    if multi is not None:
        return multi

    kernel = None
    call_args = node.call_args
    if (single and len(call_args) == 1 and isinstance(call_args[0], KerasTensor)
            and set(node.call_kwargs) <= {"training"}):
        kernel = kernel_for(operation)
    if kernel is None:
        def generic_step(values, training):
            store(values, full_call(values, training))

        return generic_step

    source = slots(call_args[0])
    node_training = node.call_kwargs.get("training")
    seen = set()  # (shape, dtype) of inputs the layer's full call accepted
    in_place = getattr(kernel, "in_place", None) if source in private else None

    def kernel_step(values, training):
        x = values[source]
        result = NOT_HANDLED
        if isinstance(x, torch.Tensor):
            key = (x.shape, x.dtype)
            if key in seen and operation.activity_regularizer is None and get_keras_mask(x) is None:
                run = in_place if in_place is not None and not torch.is_grad_enabled() else kernel
                result = run(x, training if training is not None else node_training)
        if result is NOT_HANDLED:
            result = full_call(values, training)
            if isinstance(x, torch.Tensor) and isinstance(result, torch.Tensor) and get_keras_mask(result) is None:
                if len(seen) >= _MAX_SEEN_SHAPES:
                    seen.clear()
                seen.add((x.shape, x.dtype))
        values[first] = result

    return kernel_step


_ATTENTION_ARGUMENTS = ("query", "value", "key")


def _multi_input_step(operation, node, slots, full_call, output):
    """A node of a layer with several tensor inputs and a kernel (MultiHeadAttention), as
    ``step(values, training)``; None when the layer has no such kernel."""
    if not callable(getattr(operation, "_compute_attention", None)) or len(node.call_args) > 3:
        return None
    named = dict(zip(_ATTENTION_ARGUMENTS, node.call_args))
    keywords = {}
    for name, value in node.call_kwargs.items():
        if name in _ATTENTION_ARGUMENTS and name not in named:
            named[name] = value
        else:
            keywords[name] = value
    tensors = [named.get(name) for name in _ATTENTION_ARGUMENTS]
    if tensors[2] is None:
        tensors.pop()
    if not all(isinstance(t, KerasTensor) for t in tensors) or any(
            isinstance(v, KerasTensor) for v in keywords.values()):
        return None
    kernel = attention_kernel_for(operation, tuple(range(len(tensors))), keywords)
    if kernel is None:
        return None
    sources = [slots(t) for t in tensors]
    node_training = keywords.get("training")
    seen = set()  # the (shape, dtype) of each input, for inputs the layer's full call accepted

    def attention_step(values, training):
        inputs = [values[s] for s in sources]
        result = NOT_HANDLED
        if all(isinstance(x, torch.Tensor) for x in inputs):
            key = tuple((x.shape, x.dtype) for x in inputs)
            if (key in seen and operation.activity_regularizer is None
                    and all(get_keras_mask(x) is None for x in inputs)):
                result = kernel(inputs, training if training is not None else node_training)
            if result is NOT_HANDLED:
                result = full_call(values, training)
                if isinstance(result, torch.Tensor) and get_keras_mask(result) is None:
                    if len(seen) >= _MAX_SEEN_SHAPES:
                        seen.clear()
                    seen.add(key)
        else:
            result = full_call(values, training)
        values[output] = result

    return attention_step
