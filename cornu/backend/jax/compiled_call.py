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

from cornu.backend.common.compiled_call_signatures import NOT_HANDLED, SignatureCompiledCall
from cornu.backend.common.masking import get_keras_mask
from cornu.backend.common.scopes import StatelessScope

# Whether ``model(x)`` is compiled even with ``jit_compile=False`` (TensorFlow's graphs are).
TRACES_WITHOUT_JIT = False


class CompiledCall(SignatureCompiledCall):
    """Wraps ``call_eagerly(inputs, training)`` (the model's plain eager call).

    Example:
    >>> compiled = CompiledCall(model, lambda x, training: Layer.__call__(model, x, training=training))
    >>> outputs = compiled(x, None)  # NOT_HANDLED: run eagerly instead
    """

    def is_concrete_array(self, leaf):
        if isinstance(leaf, np.ndarray):
            return leaf.dtype.kind in "biuf"
        return isinstance(leaf, jax.Array) and not isinstance(leaf, jax.core.Tracer)

    def make_entry(self, training):
        return _Entry(self._model, self._call_eagerly, training)


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
