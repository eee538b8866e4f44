"""``Operation``: what a node of a Functional graph calls (a layer, or an op function).

``cornu.ops.decorator.op`` records a ``FunctionOperation`` for each op called on
symbolic tensors; ``operation_class_for`` rebuilds one from a saved config.
"""

from cornu.backend.common import global_state
from cornu.backend.common.naming import auto_name, to_snake_case


class Operation:
    """Base of everything that can appear in a Functional graph: ops and layers."""

    def __init__(self, name=None):
        if name is None:
            name = auto_name(type(self).__name__)
        elif not isinstance(name, str) or "/" in name:
            raise ValueError(f"Argument `name` must be a string without '/'. Received: name={name!r}")
        self.name = name
        self._inbound_nodes = []
        self._outbound_nodes = []

    def _obj_type(self):
        return "Operation"


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

    if not class_name.isidentifier():  # a class name, never a path or an expression
        return None
    fn = getattr(ops_module, to_snake_case(class_name), None)
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
