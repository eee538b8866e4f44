"""Eager ``model(x)`` calls are not compiled on this backend (see the JAX backend's
``compiled_call``): every call runs the layers eagerly."""

NOT_HANDLED = object()


def make_compiled_call(model, call_eagerly):
    return None
