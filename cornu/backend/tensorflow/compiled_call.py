"""Eager ``model(x)`` calls on TensorFlow, traced into a ``tf.function`` once they repeat.

An eager call runs every op from Python: a small model costs about a millisecond per call,
and a recurrent layer runs its time loop step by step in Python (Keras on TensorFlow runs
every ``model(x)`` that way). cornu traces the repeated top-level call of a Functional or
Sequential model, by the rules of the JAX backend's ``compiled_call``:

- Which calls: ``model(x)`` / ``model(x, training=...)`` on a built Functional or Sequential
  model, outside any ``tf.function`` and any other layer's call, with one input whose leaves
  are NumPy numeric arrays or eager TF tensors without a Keras mask.
- When: per signature (input structure, shapes, dtypes, ``training``) the first two calls run
  eagerly, the third traces a ``tf.function`` (XLA only with ``jit_compile=True``), later
  calls reuse it. New variables, graph nodes, ``trainable`` flags or dtype policies forget
  every traced signature.
- What stays the same: the outputs are the eager call's ops; variables the call updates
  (batch-norm statistics, seed states) are assigned inside the function; gradients flow
  through it to the variables under an eager ``tf.GradientTape``.
- Falls back to eager for that signature: a call that fails to trace, adds losses, or returns
  outputs carrying a Keras mask. ``run_eagerly=True`` keeps every call eager.

Example:
>>> model = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(2)])
>>> for _ in range(3):
...     y = model(np.ones((4, 3), "float32"))  # calls 1-2 eager, call 3 traced
"""

import numpy as np
import optree
import tensorflow as tf

from cornu.backend.common.compiled_call_signatures import NOT_HANDLED, SignatureCompiledCall
from cornu.backend.common.masking import get_keras_mask
from cornu.backend.common.scopes import StatelessScope

# ``model.jit_compile=False`` means "no XLA" on TensorFlow, not "no graph": the training step
# is a ``tf.function`` either way, and so is a traced ``model(x)``.
TRACES_WITHOUT_JIT = True


class CompiledCall(SignatureCompiledCall):
    """Wraps ``call_eagerly(inputs, training)`` (the model's plain eager call).

    Example:
    >>> compiled = CompiledCall(model, lambda x, training: Layer.__call__(model, x, training=training))
    >>> outputs = compiled(x, None)  # NOT_HANDLED: run eagerly instead
    """

    # AutoGraph (a ``model(x)`` inside a user's ``tf.function``) must not rewrite this Python
    # bookkeeping: it is plain Python, and inside a graph it only says NOT_HANDLED.
    @tf.autograph.experimental.do_not_convert
    def __call__(self, inputs, training):
        return super().__call__(inputs, training)

    def may_compile_here(self):
        # Inside a ``tf.function`` the call is already part of a graph.
        return super().may_compile_here() and tf.executing_eagerly()

    def is_concrete_array(self, leaf):
        if isinstance(leaf, np.ndarray):
            return leaf.dtype.kind in "biuf"
        return isinstance(leaf, tf.Tensor) and hasattr(leaf, "numpy") and leaf.dtype != tf.string

    def make_entry(self, training):
        return _Entry(self._model, self._call_eagerly, training)


class _Entry:
    """One traced signature: the ``tf.function`` and whether its trace may be used."""

    def __init__(self, model, call_eagerly, training):
        variables = list(model.variables)
        self._concrete = None
        self._traced_ok = True

        def traced_call(inputs):
            scope = StatelessScope(state_mapping=[(v, v._value) for v in variables], collect_losses=True)
            reads = {id(v): scope.get_current_value(v) for v in variables}
            with scope:
                outputs = call_eagerly(inputs, training)
            masked = any(get_keras_mask(o) is not None for o in optree.tree_leaves(outputs))
            if scope.losses or masked:
                self._traced_ok = False
            for variable in variables:
                new = scope.get_current_value(variable)
                if new is not reads[id(variable)]:
                    variable._value.assign(tf.cast(new, variable._value.dtype))
            return outputs

        self._fn = tf.function(traced_call, jit_compile=bool(model.jit_compile), autograph=False)

    def run(self, inputs):
        try:
            if self._concrete is None:
                # Trace without running: a call that cannot use its trace must not update
                # variables before the eager call runs it again.
                self._concrete = self._fn.get_concrete_function(inputs)
            if not self._traced_ok:
                return NOT_HANDLED
            # The signature is this entry's key, so the concrete function fits (and skips the
            # tf.function's argument matching, a third of a small model's call).
            return self._concrete(inputs)
        except Exception:
            # Not traceable (Python control flow on values, ...): stay eager.
            return NOT_HANDLED


@tf.autograph.experimental.do_not_convert
def make_compiled_call(model, call_eagerly):
    return CompiledCall(model, call_eagerly)
