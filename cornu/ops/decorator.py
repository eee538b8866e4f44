"""The ``@op`` decorator every public op uses: one dispatch point between eager and
symbolic execution, plus clear errors.

On concrete inputs an op costs one scan of its arguments and calls the backend
function. When any argument is a ``KerasTensor``, the output spec comes from
abstract evaluation of that same function (``backend.compute_output_spec``) and a
graph ``Node`` is recorded so Functional models can replay it.

A raw backend failure (a JAX ``TypeError`` about broadcasting, a PyTorch
``RuntimeError`` about sizes, a NumPy ``AxisError``, ...) becomes a ``ValueError``
or ``TypeError`` that names the op, says what is wrong and lists what it
received. That costs nothing while calls succeed: the diagnosis runs only once
an exception is already on its way up. Control-flow ops, whose errors come from
the user's own functions, use ``op(explain_errors=False)``.

Example::

    ops.add(ops.ones((2, 3)), ops.ones((4,)))
    # ValueError: add: inputs of shapes (2, 3) and (4,) cannot be broadcast together. ...
    # Received: x1.shape=(2, 3), x1.dtype=float32, x2.shape=(4,), x2.dtype=float32
"""

import functools

from cornu import backend
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.backend.common.traceback_filter import filter_exception, is_traceback_filtering_enabled
from cornu.ops import diagnose
from cornu.ops.node import Node
from cornu.ops.operation import FunctionOperation

# Errors that belong to the caller's tracing (e.g. a JAX tracer used as a Python
# bool): they already explain themselves and must keep their type.
_UNTRANSLATED = tuple(getattr(backend.numpy, "UNTRANSLATED_ERRORS", ()))
# What a backend raises for bad arguments beyond ValueError/TypeError/... (TensorFlow's
# InvalidArgumentError, ...): explained like them.
_TRANSLATED = (ValueError, TypeError, RuntimeError, IndexError, *getattr(backend.numpy, "ARGUMENT_ERRORS", ()))


# Types met as op arguments that are neither KerasTensors nor containers (backend tensors,
# NumPy arrays, Python numbers...): the eager path checks them with one set lookup.
_LEAF_TYPES = {int, float, bool, str, type(None), backend.Variable,
               *getattr(backend.core, "LEAF_TYPES", ())}


def _contains_symbolic(value):
    kind = type(value)
    if kind in _LEAF_TYPES:
        return False
    if isinstance(value, KerasTensor):
        return True
    if isinstance(value, (list, tuple)):
        return any(_contains_symbolic(v) for v in value)
    if isinstance(value, dict):
        return any(_contains_symbolic(v) for v in value.values())
    if len(_LEAF_TYPES) < 256:  # bounded, whatever types a program passes
        _LEAF_TYPES.add(kind)
    return False


def any_symbolic_tensors(args=(), kwargs=None):
    for a in args:
        if _contains_symbolic(a):
            return True
    if kwargs:
        for v in kwargs.values():
            if _contains_symbolic(v):
                return True
    return False


def symbolic_call(fn, args, kwargs):
    outputs = backend.compute_output_spec(fn, *args, **kwargs)
    Node(FunctionOperation(op_functions.get(fn, fn)), args, kwargs, outputs)
    return outputs


# Maps a raw op body to its public (decorated) function, so replay dispatches again.
op_functions = {}


def graph_op(fn):
    """Makes ``fn`` eager on tensors and graph-recording on KerasTensors (no error translation)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:  # free unless an error escapes: then cornu's frames leave its traceback
            for a in args:
                if _contains_symbolic(a):
                    return symbolic_call(fn, args, kwargs)
            if kwargs:
                for v in kwargs.values():
                    if _contains_symbolic(v):
                        return symbolic_call(fn, args, kwargs)
            return fn(*args, **kwargs)
        except Exception as error:
            if not is_traceback_filtering_enabled():
                raise
            raise filter_exception(error) from error.__cause__

    op_functions[fn] = wrapper
    wrapper.raw = fn
    return wrapper


def _explained(fn):
    """Wraps ``fn`` so that backend errors are re-raised as clear Keras-style errors."""

    @functools.wraps(fn)
    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except _UNTRANSLATED:
            raise
        except _TRANSLATED as error:
            if diagnose.is_clear(error):
                raise
            raise diagnose.explain(fn, args, kwargs, error) from error

    return call


def op(fn=None, *, explain_errors=True):
    """Makes ``fn`` a cornu op (eager or graph-recording) that raises clear errors.

    Example:
    >>> @op
    ... def double(x):
    ...     return backend.numpy.add(x, x)
    """
    if fn is None:
        return functools.partial(op, explain_errors=explain_errors)
    return graph_op(_explained(fn) if explain_errors else fn)
