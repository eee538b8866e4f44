"""Eager ``model(x)`` calls are not compiled on this backend (see the JAX backend's
``compiled_call``): every call runs the layers eagerly."""

NOT_HANDLED = object()

# Whether ``model(x)`` is compiled even with ``jit_compile=False`` (TensorFlow's graphs are).
TRACES_WITHOUT_JIT = False


def make_compiled_call(model, call_eagerly):
    return None
