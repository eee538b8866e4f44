"""Thread-local scopes: the stateless scope (the one state mechanism), the
symbolic scope (shape inference) and name scopes (variable paths)."""

import threading

_LOCAL = threading.local()


def _stack(name):
    stack = getattr(_LOCAL, name, None)
    if stack is None:
        stack = []
        setattr(_LOCAL, name, stack)
    return stack


class StatelessScope:
    """Maps variables to values; inside it, reads see the mapped value and
    ``assign`` records the new value instead of mutating the variable.

    This single mechanism gives the pure JAX train step, stateless metric and
    optimizer updates, and symbolic building (variables created inside it are
    initialized only when the outermost scope exits).

    Example:
    >>> v = cornu.Variable(1.0)
    >>> with StatelessScope(state_mapping=[(v, 2.0)]) as scope:
    ...     v.assign(v + 1.0)
    >>> float(scope.get_current_value(v)), float(v.value)
    (3.0, 1.0)
    """

    def __init__(self, state_mapping=None, collect_losses=False, initialize_variables=True):
        from cornu.backend import convert_to_tensor

        self.collect_losses = collect_losses
        self.initialize_variables = initialize_variables
        self.losses = []
        self._values = {}
        self._deferred = []
        for variable, value in state_mapping or ():
            value = convert_to_tensor(value, dtype=variable.dtype)
            if tuple(value.shape) != tuple(variable.shape):
                raise ValueError(
                    "Invalid state mapping: the value's shape must match the variable's. "
                    f"Received: variable={variable.path} with shape {variable.shape}, value shape={tuple(value.shape)}"
                )
            self._values[id(variable)] = value

    def __enter__(self):
        _stack("stateless").append(self)
        return self

    def __exit__(self, *exc):
        _stack("stateless").pop()
        if self.initialize_variables and not in_stateless_scope():
            for variable in self._deferred:
                variable._deferred_initialize()
        elif self._deferred and in_stateless_scope():
            get_stateless_scope()._deferred.extend(self._deferred)
        # (initialize_variables=False outside any other scope: the variables stay uninitialized, as in Keras)
        self._deferred = []

    def add_update(self, variable, value):
        self._values[id(variable)] = value

    def get_current_value(self, variable):
        return self._values.get(id(variable))

    def add_loss(self, loss):
        self.losses.append(loss)

    def defer_initialization(self, variable):
        self._deferred.append(variable)


def in_stateless_scope():
    return bool(getattr(_LOCAL, "stateless", None))


def get_stateless_scope():
    stack = getattr(_LOCAL, "stateless", None)
    return stack[-1] if stack else None


class SymbolicScope:
    """Marks code that runs only to infer shapes and dtypes (no real data)."""

    def __enter__(self):
        _stack("symbolic").append(self)
        return self

    def __exit__(self, *exc):
        _stack("symbolic").pop()


def in_symbolic_scope():
    return bool(getattr(_LOCAL, "symbolic", None))


class name_scope:
    """Prefixes the paths of variables created inside it with ``name/``.

    Example:
    >>> with cornu.name_scope("block"):
    ...     v = cornu.Variable(0.0, name="w")
    >>> v.path
    'block/w'
    """

    def __init__(self, name, **kwargs):
        if not isinstance(name, str) or "/" in name:
            raise ValueError(f"A name scope must be a string without '/'. Received: name={name!r}")
        unknown = set(kwargs) - {"caller", "deduplicate", "override_parent"}
        if unknown:
            raise TypeError(f"name_scope() got unexpected keyword arguments. Received: {sorted(unknown)}")
        self.name = name
        self.caller = kwargs.get("caller")

    def __enter__(self):
        stack = _stack("names")
        # A layer called inside its own scope (e.g. build then call) does not nest twice.
        self._pushed = not (stack and self.caller is not None and stack[-1].caller is self.caller)
        if self._pushed:
            stack.append(self)
        return self

    def __exit__(self, *exc):
        if self._pushed:
            _stack("names").pop()


def current_path():
    return "/".join(s.name for s in getattr(_LOCAL, "names", ()) or ())
