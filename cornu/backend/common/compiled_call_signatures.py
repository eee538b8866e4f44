"""The bookkeeping shared by the compiled eager ``model(x)`` calls of the JAX and TensorFlow
backends (each backend's ``compiled_call.py`` says what is compiled and how): which calls may
be compiled, one entry per call signature after ``WARMUP_CALLS`` eager calls, and forgetting
every entry when the model's structure changes.

Example:
>>> class MyCompiledCall(SignatureCompiledCall):
...     def is_concrete_array(self, leaf): ...
...     def make_entry(self, training): ...   # an object with run(inputs) -> outputs or NOT_HANDLED
"""

import optree

from cornu.backend.common.global_state import structure_version
from cornu.backend.common.masking import get_keras_mask
from cornu.backend.common.scopes import get_stateless_scope, in_symbolic_scope

WARMUP_CALLS = 2
NOT_HANDLED = object()
_UNCOMPILABLE = object()


class SignatureCompiledCall:
    """Wraps ``call_eagerly(inputs, training)`` (the model's plain eager call); ``__call__``
    returns the compiled call's outputs, or ``NOT_HANDLED`` to make the model call eagerly."""

    def __init__(self, model, call_eagerly):
        self._model = model
        self._call_eagerly = call_eagerly
        self._seen = {}
        self._compiled = {}
        self._version = structure_version()

    # Backend hooks.
    def may_compile_here(self):
        """Whether a call made now may be compiled (outside traces and symbolic building)."""
        return get_stateless_scope() is None and not in_symbolic_scope()

    def is_concrete_array(self, leaf):
        raise NotImplementedError

    def make_entry(self, training):
        raise NotImplementedError

    def __call__(self, inputs, training):
        if not self.may_compile_here():
            return NOT_HANDLED
        leaves, treedef = optree.tree_flatten(inputs)
        if not leaves:
            return NOT_HANDLED
        for leaf in leaves:
            if not self.is_concrete_array(leaf) or get_keras_mask(leaf) is not None:
                return NOT_HANDLED
        key = (treedef, tuple((tuple(leaf.shape), leaf.dtype.name) for leaf in leaves), training)
        if self._version != structure_version():
            # Variables, graph, `trainable` or a dtype policy changed: compile again when calls repeat.
            self._seen.clear()
            self._compiled.clear()
            self._version = structure_version()
        entry = self._compiled.get(key)
        if entry is None:
            seen = self._seen.get(key, 0) + 1
            self._seen[key] = seen
            if seen <= WARMUP_CALLS:
                return NOT_HANDLED
            entry = self._compiled[key] = self.make_entry(training)
        if entry is _UNCOMPILABLE:
            return NOT_HANDLED
        outputs = entry.run(inputs)
        if outputs is NOT_HANDLED:
            self._compiled[key] = _UNCOMPILABLE
        return outputs

    def entries(self):
        """The signatures' entries made so far (tests look at them)."""
        return [entry for entry in self._compiled.values() if entry is not _UNCOMPILABLE]
