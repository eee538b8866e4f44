"""Eager ``model(x)`` calls on JAX, compiled once they repeat.

An eager call dispatches every op from Python (about 10-30 us each), so a small
model costs hundreds of microseconds per call. cornu therefore compiles the
repeated top-level call of a Functional or Sequential model (Keras itself
runs every such call eagerly):

- Which calls: ``model(x)`` or ``model(x, training=True/False)`` on a built
  Functional or Sequential model (or a subclass that keeps their ``call``),
  from outside any other layer's call, with one input (an array or a
  list/dict of them) whose leaves are NumPy numeric arrays or JAX arrays
  without a Keras mask. Calls inside a train step, ``stateless_call`` or a
  symbolic build are left alone.
- When: per call signature (input structure, shapes, dtypes, ``training``),
  the first ``WARMUP_CALLS`` (2) calls run eagerly; the third traces the whole
  call into one ``jax.jit`` function of the variable values and the inputs,
  and later calls with that signature reuse it. A new batch size is a new
  signature (two more eager calls, then one more compilation). Creating
  variables or graph nodes, setting ``trainable`` or a dtype policy
  (``structure_version``) forgets every compiled signature.
- What stays the same: outputs are the eager call's (the same ops; XLA may
  round floats differently in the last bits), and variables the call
  updates (BatchNormalization moving statistics with ``training=True``,
  seed-generator state of Dropout) are written back after each call.
- What changes: Python code inside ``call`` (``print``, appending to a list,
  counters) runs while tracing only, not on every compiled call; use
  ``jax.debug.print`` or run eagerly to see it on every call.
- Falls back to eager, for good for that signature: a call that raises while
  tracing (Python control flow on tensor values, host callbacks), adds
  losses (``add_loss``, activity regularizers), or returns outputs carrying a
  Keras mask.
- The way out: ``model.compile(run_eagerly=True)`` (or
  ``model.run_eagerly = True``, or ``compile(jit_compile=False)``) keeps every
  call eager, as in Keras. Other backends never compile ``model(x)``.

Example:
>>> model = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(2)])
>>> for _ in range(3):
...     y = model(np.ones((4, 3), "float32"))  # calls 1-2 eager, call 3 compiled
>>> model.compile(run_eagerly=True)  # from now on every call is eager
"""

import jax
import numpy as np

from cornu.backend.common.global_state import structure_version
from cornu.backend.common.masking import get_keras_mask
from cornu.backend.common.scopes import StatelessScope, get_stateless_scope, in_symbolic_scope

WARMUP_CALLS = 2
NOT_HANDLED = object()
_UNCOMPILABLE = object()


def _is_concrete_array(x):
    if isinstance(x, np.ndarray):
        return x.dtype.kind in "biuf"
    return isinstance(x, jax.Array) and not isinstance(x, jax.core.Tracer)


class CompiledCall:
    """Wraps ``call_eagerly(inputs, training)`` (the model's plain eager call).

    Example:
    >>> compiled = CompiledCall(model, lambda x, training: Layer.__call__(model, x, training=training))
    >>> outputs = compiled(x, None)  # NOT_HANDLED: run eagerly instead
    """

    def __init__(self, model, call_eagerly):
        self._model = model
        self._call_eagerly = call_eagerly
        self._seen = {}
        self._compiled = {}
        self._version = structure_version()

    def __call__(self, inputs, training):
        if get_stateless_scope() is not None or in_symbolic_scope():
            return NOT_HANDLED
        leaves, treedef = jax.tree_util.tree_flatten(inputs)
        if not leaves:
            return NOT_HANDLED
        for leaf in leaves:
            if not _is_concrete_array(leaf) or get_keras_mask(leaf) is not None:
                return NOT_HANDLED
        key = (treedef, tuple((leaf.shape, leaf.dtype) for leaf in leaves), training)
        if self._version != structure_version():
            # Variables, graph, `trainable` or a dtype policy changed: trace again when calls repeat.
            self._seen.clear()
            self._compiled.clear()
            self._version = structure_version()
        entry = self._compiled.get(key)
        if entry is None:
            seen = self._seen.get(key, 0) + 1
            self._seen[key] = seen
            if seen <= WARMUP_CALLS:
                return NOT_HANDLED
            entry = self._compiled[key] = _Entry(self._model, self._call_eagerly, training)
        if entry is _UNCOMPILABLE:
            return NOT_HANDLED
        outputs = entry.run(inputs)
        if outputs is NOT_HANDLED:
            self._compiled[key] = _UNCOMPILABLE
        return outputs


class _Entry:
    """One compiled signature: the jitted function and the variables it reads and updates."""

    def __init__(self, model, call_eagerly, training):
        self._variables = list(model.variables)
        self._updated = None
        self._traced_ok = True
        variables = self._variables

        def pure_call(values, inputs):
            with StatelessScope(state_mapping=list(zip(variables, values)), collect_losses=True) as scope:
                outputs = call_eagerly(inputs, training)
            updates = [scope.get_current_value(v) for v in variables]
            # The scope maps every variable; only those assigned hold a new value.
            self._updated = [i for i, (new, old) in enumerate(zip(updates, values)) if new is not old]
            masked = any(get_keras_mask(o) is not None for o in jax.tree_util.tree_leaves(outputs))
            if scope.losses or masked:
                self._traced_ok = False
            return outputs, [updates[i] for i in self._updated]

        self._fn = jax.jit(pure_call)

    def run(self, inputs):
        variables = self._variables
        try:
            values = [v.value for v in variables]
            outputs, updates = self._fn(values, inputs)
        except Exception:
            # Not traceable (Python control flow on values, host callbacks, ...): stay eager.
            return NOT_HANDLED
        if not self._traced_ok:
            return NOT_HANDLED
        for index, value in zip(self._updated, updates):
            variables[index].assign(value)
        return outputs


def make_compiled_call(model, call_eagerly):
    return CompiledCall(model, call_eagerly)
