"""The ``@op`` decorator every public op uses: graph recording plus clear errors.

``operation.op`` makes a function work on symbolic tensors. On top of it, this
decorator turns a raw backend failure (a JAX ``TypeError`` about broadcasting, a
PyTorch ``RuntimeError`` about sizes, a NumPy ``AxisError``, ...) into a
``ValueError`` or ``TypeError`` that names the op, says what is wrong and lists
what it received. It costs nothing while calls succeed: the diagnosis runs only
once an exception is already on its way up.

Example::

    ops.add(ops.ones((2, 3)), ops.ones((4,)))
    # ValueError: add: inputs of shapes (2, 3) and (4,) cannot be broadcast together. ...
    # Received: x1.shape=(2, 3), x1.dtype=float32, x2.shape=(4,), x2.dtype=float32
"""

import functools

from cornu import backend
from cornu.ops import diagnose
from cornu.ops.operation import op as _graph_op

# Errors that belong to the caller's tracing (e.g. a JAX tracer used as a Python
# bool): they already explain themselves and must keep their type.
_UNTRANSLATED = tuple(getattr(backend.numpy, "UNTRANSLATED_ERRORS", ()))


def explain_errors(fn):
    """Wraps ``fn`` so that backend errors are re-raised as clear Keras-style errors."""

    @functools.wraps(fn)
    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except _UNTRANSLATED:
            raise
        except (ValueError, TypeError, RuntimeError, IndexError) as error:
            if diagnose.is_clear(error):
                raise
            raise diagnose.explain(fn, args, kwargs, error) from error

    return call


def op(fn):
    """Makes ``fn`` a cornu op (eager or graph-recording) that raises clear errors."""
    return _graph_op(explain_errors(fn))
