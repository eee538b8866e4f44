"""The single dispatch point between eager and symbolic execution.

Every public op is a plain function decorated with :func:`op`. On concrete
inputs the decorator costs one scan of the arguments and calls the backend
function. When any argument is a ``KerasTensor``, it infers the output spec
by abstract evaluation of that same function (``backend.compute_output_spec``)
and records a graph ``Node`` so Functional models can replay it.
"""

import functools
import re

from cornu import backend
from cornu.backend.common import global_state
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.ops.node import Node


class Operation:
    """Base of everything that can appear in a Functional graph: ops and layers."""

    def __init__(self, name=None):
        if name is None:
            name = global_state.uniquify(_snake_case(type(self).__name__))
        elif not isinstance(name, str) or "/" in name:
            raise ValueError(f"Argument `name` must be a string without '/'. Received: name={name!r}")
        self.name = name
        self._inbound_nodes = []
        self._outbound_nodes = []


class FunctionOperation(Operation):
    """An op function called symbolically; calling it replays the function."""

    def __init__(self, fn, name=None):
        self.fn = fn
        super().__init__(name=name or global_state.uniquify(fn.__name__))

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def get_config(self):
        return {"name": self.name}

    def serialize(self):
        """The Functional-config entry for this op (Keras names ops ``keras.src.ops.<module>.<CamelName>``)."""
        module = getattr(self.fn, "__module__", "cornu.ops.numpy").rsplit(".", 1)[-1]
        class_name = "".join(part.capitalize() for part in self.fn.__name__.split("_"))
        return {"module": f"keras.src.ops.{module}", "class_name": class_name, "config": self.get_config(),
                "registered_name": None}


def operation_class_for(class_name):
    """The op-replaying class for a serialized op name such as ``"Add"`` (None if unknown)."""
    import cornu.ops as ops_module

    fn = getattr(ops_module, _snake_case(class_name), None)
    if fn is None or not callable(fn) or fn.__module__.split(".")[:2] != ["cornu", "ops"]:
        return None

    class SerializedOperation(FunctionOperation):
        def __init__(self, name=None):
            super().__init__(fn, name=name)

        @classmethod
        def from_config(cls, config):
            return cls(**config)

    SerializedOperation.__name__ = class_name
    return SerializedOperation


def _snake_case(name):
    """Keras's rule: ``Conv2D`` -> ``conv2d``, ``BatchNormalization`` -> ``batch_normalization``."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


# Types met as op arguments that are neither KerasTensors nor containers (backend tensors,
# NumPy arrays, Python numbers...): the eager path checks them with one set lookup.
_LEAF_TYPES = {int, float, bool, str, type(None)}


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


def op(fn):
    """Makes ``fn`` a cornu op: eager on tensors, graph-recording on KerasTensors."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        for a in args:
            if _contains_symbolic(a):
                return symbolic_call(fn, args, kwargs)
        if kwargs:
            for v in kwargs.values():
                if _contains_symbolic(v):
                    return symbolic_call(fn, args, kwargs)
        return fn(*args, **kwargs)

    op_functions[fn] = wrapper
    wrapper.raw = fn
    return wrapper
