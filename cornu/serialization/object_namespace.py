"""One public namespace's ``serialize``, ``deserialize`` and ``get``, written once.

``keras.losses``, ``keras.metrics``, ``keras.activations``, ``keras.initializers``,
``keras.regularizers``, ``keras.constraints``, ``keras.optimizers``,
``keras.optimizers.schedules`` and ``keras.layers`` each offer the same trio over
their own table of built-in objects. An ``ObjectNamespace`` holds that table and
makes the three public functions, with Keras's parameter names.

Names resolve in Keras's order: ``custom_objects`` (and active custom object
scopes), then objects registered with ``register_keras_serializable``, then the
namespace's table. A config that names a built-in without a module (or with
the namespace's own module) is built from the table; anything else goes to
``deserialize_keras_object``, which fails closed.
"""

import inspect

from cornu.serialization.registry import get_registered_object, keras_export

_PLAIN_CONFIG_KEYS = frozenset({"class_name", "config", "module", "registered_name"})


class ObjectNamespace:
    """The table of one namespace's built-in objects and how its identifiers resolve.

    Args:
        kind: what the objects are called in errors ("loss", "activation function").
        module: the namespace's public module ("keras.losses").
        table: built-in objects by every accepted name.
        argument: the name of ``serialize``'s parameter in Keras ("loss").
        instantiate: whether a name that resolves to a class gives an instance.
        key: maps a name to its table key (e.g. ``str.lower``).
        accepts: which resolved objects ``get`` returns (default: callables).
        get_none: what ``get(None)`` returns.
        serialize_hook: ``obj -> config or None``, tried before the generic form.
        get_hook: ``identifier -> object or None``, for identifiers that are
            neither names nor configs (e.g. a tensor as an initializer).

    Example:
    >>> names = ObjectNamespace("constraint", "keras.constraints", {"non_neg": NonNeg}, argument="constraint")
    >>> serialize, deserialize, get = names.public_functions(example="non_neg")
    >>> get("non_neg")
    <NonNeg ...>
    """

    def __init__(self, kind, module, table, *, argument, instantiate=True, key=None, accepts=callable,
                 get_none=None, serialize_hook=None, get_hook=None):
        self.kind = kind
        self.module = module
        self.table = table
        self.argument = argument
        self.instantiate = instantiate
        self.key = key or (lambda name: name)
        self.accepts = accepts
        self.get_none = get_none
        self.serialize_hook = serialize_hook
        self.get_hook = get_hook

    def builtin(self, name):
        """The table's object for ``name``, or None."""
        return self.table.get(self.key(name)) if isinstance(name, str) else None

    def _shadowed(self, name, custom_objects):
        """Whether a custom or registered object of that name takes precedence over the table."""
        if custom_objects and name in custom_objects:
            return True
        return get_registered_object(name, custom_objects) is not None

    def lookup(self, name, custom_objects=None):
        """The object ``name`` resolves to (custom, registered, then built-in), or None."""
        if custom_objects and name in custom_objects:
            return custom_objects[name]
        found = get_registered_object(name, custom_objects)
        return found if found is not None else self.builtin(name)

    def _finish(self, obj):
        return obj() if self.instantiate and inspect.isclass(obj) else obj

    def _builtin_from_dict(self, config, custom_objects):
        """The built-in a plain config names, or None when the generic path must decide."""
        class_name, inner = config.get("class_name"), config.get("config")
        if class_name == "function":
            if not isinstance(inner, str):
                return None
            module = config.get("module")
            name = inner if module in ("builtins", None) else config.get("registered_name") or inner
            return None if self._shadowed(name, custom_objects) else self.builtin(name)
        if not set(config) <= _PLAIN_CONFIG_KEYS or not isinstance(class_name, str):
            return None
        if config.get("module") not in (None, self.module) or config.get("registered_name") not in (None, class_name):
            return None
        if self._shadowed(class_name, custom_objects):
            return None
        found = self.builtin(class_name)
        if found is None or not inspect.isclass(found):
            return found
        if "custom_objects" in inspect.signature(found.from_config).parameters:
            return found.from_config(inner or {}, custom_objects=custom_objects)
        return found.from_config(inner or {})

    def serialize(self, obj):
        """``obj``'s config in the Keras format."""
        if self.serialize_hook is not None:
            config = self.serialize_hook(obj)
            if config is not None:
                return config
        from cornu.serialization.keras_objects import serialize_keras_object

        return serialize_keras_object(obj)

    def deserialize(self, config, custom_objects=None):
        """The object ``config`` (a name or a config dict) describes."""
        if config is None:
            return None
        if isinstance(config, str):
            found = self.lookup(config, custom_objects)
            if found is None:
                known = f"a built-in name such as {sorted(self.table)[:5]} or " if self.table else ""
                raise ValueError(
                    f"Unknown {self.kind}: '{config[:200]}'. Pass {known}the name of an object registered with "
                    f"`keras.saving.register_keras_serializable()`. Received: config={config[:200]!r}"
                )
            return self._finish(found)
        if isinstance(config, dict):
            found = self._builtin_from_dict(config, custom_objects)
            if found is not None:
                return found
        from cornu.serialization.keras_objects import deserialize_keras_object

        return deserialize_keras_object(config, custom_objects=custom_objects)

    def get(self, identifier):
        """The object a name, a config dict, a class or a callable stands for."""
        if identifier is None:
            return self.get_none
        if isinstance(identifier, dict):
            obj = self.deserialize(identifier)
        elif isinstance(identifier, str):
            obj = self.lookup(identifier)
        else:
            obj = self.get_hook(identifier) if self.get_hook is not None else None
            if obj is None:
                obj = identifier
        obj = self._finish(obj) if obj is not None else None
        if obj is not None and self.accepts(obj):
            return obj
        raise ValueError(f"Could not interpret {self.kind} identifier: {identifier}")

    def public_functions(self, example, with_get=True):
        """``(serialize, deserialize[, get])`` as Keras exports them under ``self.module``.

        ``example`` is the source of an identifier ``deserialize`` accepts, used in the docstrings.
        """
        module = self.module
        made = [
            _public(self.serialize, module, "serialize", [self.argument],
                    f"The Keras-format config of a {self.kind}; ``deserialize`` rebuilds it.\n\n"
                    f"    Example:\n    >>> config = {module}.serialize({module}.deserialize({example}))\n"
                    f"    >>> {module}.deserialize(config)\n"),
            _public(self.deserialize, module, "deserialize",
                    ["name" if module == "keras.losses" else "config", ("custom_objects", None)],
                    f"The {self.kind} a config dict or a registered or built-in name describes.\n\n"
                    f"    Example:\n    >>> {module}.deserialize({example})\n"),
        ]
        if with_get:
            made.append(_public(self.get, module, "get", ["identifier"],
                                f"The {self.kind} a name, a config dict, a class or a callable stands for.\n\n"
                                f"    Example:\n    >>> {module}.get({example})\n"))
        return tuple(made)


def _public(method, module, name, parameters, doc):
    """``method`` as a module-level function with Keras's name, parameters and export path."""
    signature = inspect.Signature([
        inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD) if isinstance(p, str)
        else inspect.Parameter(p[0], inspect.Parameter.POSITIONAL_OR_KEYWORD, default=p[1])
        for p in parameters
    ])

    def function(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        return method(*bound.args)

    function.__name__ = function.__qualname__ = name
    function.__module__ = "cornu." + module.split(".", 1)[1]
    function.__doc__ = doc
    function.__signature__ = signature
    return keras_export(f"{module}.{name}")(function)
