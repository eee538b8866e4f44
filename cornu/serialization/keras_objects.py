"""Objects to configs and back, in the Keras 3 format.

Every object becomes ``{"module", "class_name", "config", "registered_name"}``
(plus ``build_config``/``compile_config`` where they apply). Loading fails
closed: a config can only name classes and functions in cornu's registry,
objects registered by the user, or ``custom_objects``; it can never import a
module or turn safe mode off. Lambda bytecode needs ``safe_mode=False`` passed
to the loading call itself.
"""

import inspect
import threading
import types

import numpy as np

from cornu import backend
from cornu.serialization import registry
from cornu.serialization.registry import keras_export
from cornu.serialization.custom_object_scope import CustomObjectScope
from cornu.serialization.config_limits import check_config_numbers, excerpt, parse_json_config

_LOCAL = threading.local()

# Modules searched for a built-in function named in a config.
_FUNCTION_MODULES = ("keras.activations", "keras.losses", "keras.metrics", "keras.initializers",
                     "keras.regularizers", "keras.constraints", "keras.optimizers", "keras.ops")

# Public APIs that read or write files or change global state: never a deserialization target,
# whatever the safe mode (as in Keras). Checked by identity, so every alias of them is covered.
NON_MODELING_APIS = frozenset({
    "keras.backend.clear_session", "keras.config.enable_unsafe_deserialization",
    "keras.models.load_model", "keras.models.model_from_json", "keras.models.save_model",
    "keras.preprocessing.image_dataset_from_directory", "keras.preprocessing.image.load_img",
    "keras.preprocessing.image.save_img", "keras.preprocessing.text_dataset_from_directory",
    "keras.saving.deserialize_keras_object", "keras.saving.load_model", "keras.saving.load_weights",
    "keras.saving.register_keras_serializable", "keras.saving.save_model", "keras.saving.save_weights",
    "keras.saving.serialize_keras_object", "keras.utils.audio_dataset_from_directory",
    "keras.utils.clear_session", "keras.utils.deserialize_keras_object", "keras.utils.get_file",
    "keras.utils.image_dataset_from_directory", "keras.utils.load_img",
    "keras.utils.register_keras_serializable", "keras.utils.save_img", "keras.utils.serialize_keras_object",
    "keras.utils.text_dataset_from_directory",
})


# Public namespaces of objects that act on files, global settings or the training loop. An object
# reachable only under these never comes out of a config (Model and Sequential also live elsewhere).
NON_MODELING_NAMESPACES = (
    "keras.backend.", "keras.callbacks.", "keras.config.", "keras.datasets.", "keras.distribution.",
    "keras.export.", "keras.mixed_precision.", "keras.models.", "keras.preprocessing.", "keras.saving.",
    "keras.utils.", "keras.visualization.",
)
# A config nested deeper than this is refused before anything is built (real ones stay under ~40).
MAX_CONFIG_DEPTH = 200


def _refuse_non_modeling(obj, name):
    paths = [path for path, candidate in registry.BUILTIN_OBJECTS.items() if candidate is obj]
    banned = [path for path in paths if path in NON_MODELING_APIS]
    if not banned and paths and all(path.startswith(NON_MODELING_NAMESPACES) for path in paths):
        banned = paths
    if banned:
        raise ValueError(
            f"Cannot deserialize `{banned[0]}` (named '{name}' in the config) because it is not a modeling "
            "function or class. Non-modeling APIs are disallowed during deserialization for security: a config "
            "may only name operations, layers, metrics, losses, and registered custom objects."
        )
    return obj


# Ops that loop or branch over functions: a config never gets to run one while a model is loaded
# (an op node, or a function value handed to a layer), since its iteration count is data.
LOOPING_OPS = frozenset({"while_loop", "fori_loop", "scan", "map", "associative_scan", "vectorized_map",
                         "switch", "cond", "custom_gradient"})


def _is_looping_op_name(name):
    from cornu.backend.common.naming import to_snake_case

    return isinstance(name, str) and (name in LOOPING_OPS or to_snake_case(name) in LOOPING_OPS)


def refuse_looping_op(obj, name):
    """Raises if ``obj`` is one of cornu's looping/branching ops (``LOOPING_OPS``); returns it otherwise.

    Example:
    >>> refuse_looping_op(cornu.ops.add, "add") is cornu.ops.add
    True
    """
    fn = getattr(obj, "raw", obj)
    module = str(getattr(fn, "__module__", None) or "")
    if getattr(obj, "__name__", None) in LOOPING_OPS and module.startswith("cornu."):
        _raise_looping(name)
    return obj


def _raise_looping(name):
    raise ValueError(
        f"Refusing to deserialize the looping op {excerpt(name, 80)} from a config: ops that loop or branch "
        f"over functions ({', '.join(sorted(LOOPING_OPS))}) run a number of iterations the file decides, so "
        "a loaded config may not call them. Build such a model in code and load only its weights."
    )


def _config_depth_exceeds(config, limit):
    """Whether ``config`` nests lists/dicts deeper than ``limit`` (iterative: no recursion to exhaust)."""
    stack = [(config, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, (list, tuple)):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _check_identifier(config, key, allow_none=True):
    value = config.get(key)
    if value is None and allow_none:
        return value
    if not isinstance(value, str):
        raise TypeError(
            f"Invalid config: `{key}` must be a string{' or None' if allow_none else ''}. The config is corrupted "
            f"or was not written by Keras. Received: {key}={excerpt(value)}"
        )
    return value


class SafeModeScope:
    """Sets whether the loading code in the ``with`` block may run unsafe content (Lambda bytecode)."""

    def __init__(self, safe_mode=True):
        self.safe_mode = safe_mode

    def __enter__(self):
        self._previous = getattr(_LOCAL, "safe_mode", None)
        _LOCAL.safe_mode = self.safe_mode
        return self

    def __exit__(self, *exc):
        _LOCAL.safe_mode = self._previous


def in_safe_mode():
    """Whether the current load runs in safe mode (the default: True)."""
    mode = getattr(_LOCAL, "safe_mode", None)
    if mode is None:
        return not _unsafe_everywhere()
    return bool(mode)


_UNSAFE_KEY = "unsafe_deserialization"


@keras_export("keras.config.enable_unsafe_deserialization")
def enable_unsafe_deserialization():
    """Turns safe mode off for every later load in this thread, as if each passed
    ``safe_mode=False`` (Lambda layers' Python bytecode is then run): only for files you trust.
    ``cornu.backend.clear_session()`` turns it back on.

    Example:
    >>> cornu.config.enable_unsafe_deserialization()
    >>> model = cornu.saving.load_model("trusted_lambda_model.keras")
    """
    from cornu.backend.common import global_state

    global_state.set_global_attribute(_UNSAFE_KEY, True)


def _unsafe_everywhere():
    from cornu.backend.common import global_state

    return bool(global_state.get_global_attribute(_UNSAFE_KEY))


def _class_module_and_name(obj):
    cls = obj if inspect.isclass(obj) else type(obj)
    if cls in registry.PUBLIC_PATHS:
        module, name = registry.PUBLIC_PATHS[cls]
        return module, name, None if not module.startswith("keras.src") else name
    registered = registry.GLOBAL_CUSTOM_NAMES.get(cls)
    if registered is not None:
        return None, cls.__name__, registered
    return cls.__module__, cls.__name__, cls.__name__


def serialize_keras_object(obj):
    """Returns the JSON-able config of ``obj`` (layers, losses, optimizers, plain values...).

    Example:
    >>> serialize_keras_object(cornu.layers.Dense(2))["class_name"]
    'Dense'
    """
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (np.integer, np.floating, np.bool_)):
        return obj.item()
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, slice):
        return {"class_name": "__slice__", "config": {"start": serialize_keras_object(obj.start),
                                                      "stop": serialize_keras_object(obj.stop),
                                                      "step": serialize_keras_object(obj.step)}}
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": obj.tolist(), "dtype": backend.standardize_dtype(obj.dtype)}}
    if backend.is_tensor(obj):
        value = backend.convert_to_numpy(obj)
        return {"class_name": "__tensor__", "config": {"value": value.tolist(), "dtype": backend.standardize_dtype(value.dtype)}}
    if isinstance(obj, types.FunctionType) and obj.__name__ == "<lambda>":
        from cornu.serialization.lambda_bytecode import serialize_function

        return {"class_name": "__lambda__", "config": {"value": serialize_function(obj)}}
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)) or (callable(obj) and not hasattr(obj, "get_config") and not inspect.isclass(obj)):
        registered = registry.GLOBAL_CUSTOM_NAMES.get(obj)
        name = registered if registered is not None else getattr(obj, "__name__", type(obj).__name__)
        return {"module": "builtins", "class_name": "function", "config": name, "registered_name": "function"}
    if inspect.isclass(obj):
        module, name, registered = _class_module_and_name(obj)
        return {"module": module, "class_name": name, "config": None, "registered_name": registered}
    if not hasattr(obj, "get_config"):
        raise TypeError(
            f"Cannot serialize {obj!r}: it is not a plain value and has no `get_config()` method. Give its class "
            "a `get_config()` and register it with `@cornu.saving.register_keras_serializable()`."
        )
    module, name, registered = _class_module_and_name(obj)
    config = obj.get_config()
    out = {"module": module, "class_name": name, "config": serialize_keras_object(config), "registered_name": registered}
    if hasattr(obj, "get_build_config"):
        build_config = obj.get_build_config()
        if build_config is not None:
            out["build_config"] = serialize_keras_object(build_config)
    if hasattr(obj, "get_compile_config") and getattr(obj, "compiled", False):
        compile_config = obj.get_compile_config()
        if compile_config:
            out["compile_config"] = compile_config
    return out


def _lookup_function(name, custom_objects):
    if not isinstance(name, str):
        raise TypeError(
            "Invalid config: a `function` config must name the function with a string. The config is corrupted "
            f"or was not written by Keras. Received: config={excerpt(name)}"
        )
    found = registry.get_registered_object(name, custom_objects)
    if found is not None:
        return refuse_looping_op(found, name)
    for module in _FUNCTION_MODULES:
        candidate = registry.BUILTIN_OBJECTS.get(f"{module}.{name}")
        if candidate is not None and not inspect.isclass(candidate):
            return refuse_looping_op(_refuse_non_modeling(candidate, name), name)
    return None


def check_class_is_allowed(config, custom_objects=None):
    """Raises the refusal that deserializing ``config`` would raise for the class or function it
    names (unknown, non-modeling, looping op), without creating anything.

    Example:
    >>> check_class_is_allowed({"module": "keras.layers", "class_name": "Dense", "config": {}})
    """
    if isinstance(config, dict) and "class_name" in config and config["class_name"] not in (
            "function", "__lambda__", "__keras_tensor__", "__numpy__", "__tensor__", "__bytes__", "__slice__",
            "__ellipsis__"):
        with CustomObjectScope(custom_objects or {}):
            found = _resolve_class(config, custom_objects)
        if not inspect.isclass(found):
            refuse_looping_op(found, config["class_name"])


def _resolve_class(config, custom_objects):
    class_name = _check_identifier(config, "class_name", allow_none=False)
    registered_name = _check_identifier(config, "registered_name")
    module = _check_identifier(config, "module")
    for key in (registered_name, class_name):
        if key:
            found = registry.get_registered_object(key, custom_objects)
            if found is not None:
                return found
    found = registry.get_builtin_object(module, class_name)
    if found is not None:
        return _refuse_non_modeling(found, f"{module}.{class_name}")
    if isinstance(module, str) and module.startswith("keras.src.ops."):
        from cornu.ops.operation import operation_class_for

        if _is_looping_op_name(class_name):
            _raise_looping(class_name)
        found = operation_class_for(class_name)
        if found is not None:
            return found
    if module is None or module in ("keras", "cornu") or (isinstance(module, str) and module.startswith(("keras", "cornu"))):
        # A built-in named under another public module (e.g. a Keras-internal path): search by name.
        for path, candidate in registry.BUILTIN_OBJECTS.items():
            if path.rsplit(".", 1)[-1] == class_name and inspect.isclass(candidate):
                return _refuse_non_modeling(candidate, f"{module}.{class_name}")
    raise TypeError(
        f"Could not locate class {excerpt(class_name, 100)}. Make sure custom classes and functions are decorated with "
        "`@cornu.saving.register_keras_serializable()` or passed in `custom_objects`. cornu never imports "
        f"modules named in a config. Object config: {excerpt(config, 1000)}"
    )


def config_from_json(text):
    """Parses a model config from JSON; nesting deep enough to exhaust the stack, or integers of
    more than 20 digits, are a clear ``ValueError``.

    Example:
    >>> config_from_json('{"class_name": "Dense", "config": {"units": 2}}')["class_name"]
    'Dense'
    """
    return parse_json_config(text, what="the model config")


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """Rebuilds an object from its config (the inverse of :func:`serialize_keras_object`).

    Example:
    >>> layer = deserialize_keras_object({"module": "keras.layers", "class_name": "Dense",
    ...                                   "config": {"units": 2}, "registered_name": None})
    """
    if "module_objects" in kwargs or "printable_module_name" in kwargs:
        kwargs.pop("module_objects", None)
        kwargs.pop("printable_module_name", None)
    if getattr(_LOCAL, "depth", 0):
        return _deserialize(config, custom_objects, safe_mode)
    # The outermost call checks the nesting once, and turns a stack overflow into a clear error.
    if _config_depth_exceeds(config, MAX_CONFIG_DEPTH):
        raise ValueError(
            f"Refusing to deserialize a config nested more than {MAX_CONFIG_DEPTH} levels deep: no Keras model "
            "needs that many, so the config is corrupted or crafted to exhaust the stack."
        )
    check_config_numbers(config)
    _LOCAL.depth = 1
    try:
        return _deserialize(config, custom_objects, safe_mode)
    except RecursionError as e:
        raise ValueError(
            "Deserializing the config exhausted Python's recursion limit: it is nested too deeply. "
            "The config is corrupted or crafted."
        ) from e
    finally:
        _LOCAL.depth = 0


def _deserialize(config, custom_objects, safe_mode):
    if safe_mode and (getattr(_LOCAL, "safe_mode", None) is False or _unsafe_everywhere()):
        safe_mode = False  # an outer loading call's safe_mode=False, or enable_unsafe_deserialization()
    if config is None or isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, str):
        return config
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(c, custom_objects, safe_mode) for c in config]
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: {excerpt(config)}")
    if "class_name" not in config or "config" not in config:
        return {k: deserialize_keras_object(v, custom_objects, safe_mode) for k, v in config.items()}
    class_name = config["class_name"]
    inner = config["config"]
    if class_name == "__keras_tensor__":
        from cornu.backend.common.keras_tensor import KerasTensor

        return KerasTensor(inner["shape"], dtype=inner["dtype"])
    if class_name in ("__numpy__", "__tensor__"):
        value = np.array(inner["value"], dtype=backend.standardize_dtype(inner["dtype"]) if inner["dtype"] != "bfloat16" else None)
        return value if class_name == "__numpy__" else backend.convert_to_tensor(value, dtype=inner["dtype"])
    if class_name == "__bytes__":
        return inner["value"].encode("utf-8")
    if class_name == "__slice__":
        return slice(*(deserialize_keras_object(inner[k], custom_objects, safe_mode) for k in ("start", "stop", "step")))
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__lambda__":
        if safe_mode:
            raise ValueError(
                "Requested the deserialization of a Python lambda, which runs arbitrary bytecode and is disallowed "
                "by default. If you trust the source of this file, pass `safe_mode=False` to the loading function "
                "(or call `cornu.config.enable_unsafe_deserialization()`)."
            )
        from cornu.serialization.lambda_bytecode import deserialize_function

        return deserialize_function(inner["value"])
    if class_name == "function":
        fn = _lookup_function(inner, custom_objects)
        if fn is None:
            raise TypeError(
                f"Could not locate function {excerpt(inner)}. Register it with "
                "`@cornu.saving.register_keras_serializable()` or pass it in `custom_objects`."
            )
        return fn
    cls = _resolve_class(config, custom_objects)
    if not inspect.isclass(cls):
        return refuse_looping_op(cls, class_name)
    with CustomObjectScope(custom_objects or {}), SafeModeScope(safe_mode):
        from_config = cls.from_config
        params = inspect.signature(from_config).parameters
        if "custom_objects" in params:
            obj = from_config(inner, custom_objects=custom_objects)
        else:
            obj = from_config(inner)
        build_config = config.get("build_config")
        if build_config and hasattr(obj, "build_from_config") and not getattr(obj, "built", False):
            obj.build_from_config(build_config)
        compile_config = config.get("compile_config")
        if compile_config and hasattr(obj, "compile_from_config"):
            obj.compile_from_config(compile_config)
    return obj
