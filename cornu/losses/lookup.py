"""Name lookup shared by ``losses.get/deserialize`` and ``metrics.get/deserialize``.

Short names (``"mse"``, ``"CategoricalCrossentropy"``) and configs that name a
class without a module resolve through a table of built-in objects; full
Keras-format configs go to ``cornu.saving.serialization``.
"""

import inspect

from cornu.saving.registry import get_registered_object


def deserialize_from_table(config, table, custom_objects=None, kind="object"):
    """Builds the object ``config`` names, looking names up in ``table`` first.

    Example:
    >>> deserialize_from_table("mse", {"mse": mean_squared_error})
    <function mean_squared_error ...>
    """
    if config is None:
        return None
    if isinstance(config, str):
        obj = get_registered_object(config, custom_objects)
        if obj is None:
            obj = table.get(config)
        if obj is None:
            raise ValueError(f"Unknown {kind}: '{config}'. Pass one of {sorted(table)} or a registered custom {kind}.")
        return obj() if inspect.isclass(obj) else obj
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"Could not interpret the {kind} config: expected a name or a dict with a 'class_name' key. "
            f"Received: config={config!r}"
        )
    class_name = config["class_name"]
    inner = config.get("config")
    if class_name == "function":
        name = inner if config.get("module") in ("builtins", None) else config.get("registered_name", inner)
        if get_registered_object(name, custom_objects) is None and name in table:
            return table[name]
    elif get_registered_object(config.get("registered_name") or class_name, custom_objects) is None:
        obj = table.get(class_name)
        if obj is not None and config.get("module", "") is not None:
            if not inspect.isclass(obj):
                return obj
            return obj.from_config(inner) if inner is not None else obj()
    from cornu.saving.serialization import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects=custom_objects)


def get_from_table(identifier, table, kind="object"):
    """``losses.get`` / ``metrics.get``: a name, config, callable or None to an object.

    Classes are instantiated with their defaults; functions are returned as is.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize_from_table(identifier, table, kind=kind)
    elif isinstance(identifier, str):
        obj = table.get(identifier)
        if obj is None:
            obj = get_registered_object(identifier)
    else:
        obj = identifier
    if callable(obj):
        return obj() if inspect.isclass(obj) else obj
    raise ValueError(f"Could not interpret {kind} identifier: {identifier}")
