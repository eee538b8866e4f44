"""Eager ``model(x)`` calls are not compiled on this backend (see the JAX backend's
``compiled_call``): every call runs the layers eagerly, op by op. (Training and evaluation
steps are compiled: ``step.py`` runs them in a ``tf.function``.)"""

NOT_HANDLED = object()


def make_compiled_call(model, call_eagerly):
    """No compiled eager call on TensorFlow: ``None`` makes the model call its layers eagerly."""
    return None
