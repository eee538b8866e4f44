"""Which classes and functions a config may name.

``keras_export`` records every public cornu object under its Keras public
path (e.g. ``keras.layers.Dense``), so configs written by Keras resolve to
cornu objects and configs written by cornu load in Keras. User objects enter
through ``register_keras_serializable`` or ``custom_objects``. Nothing else can
be built from a config: there is no import-by-module-name path.
"""

import inspect

# "keras.layers.Dense" -> object
BUILTIN_OBJECTS = {}
# object -> its primary public path, e.g. Dense -> ("keras.layers", "Dense")
PUBLIC_PATHS = {}
# "package>Name" -> object
GLOBAL_CUSTOM_OBJECTS = {}
GLOBAL_CUSTOM_NAMES = {}


def keras_export(*paths):
    """Registers an object under one or more Keras public paths.

    Example:
    >>> @keras_export("keras.layers.Dense")
    ... class Dense(Layer): ...
    """

    def decorator(obj):
        for path in paths:
            BUILTIN_OBJECTS[path] = obj
        module, _, name = paths[0].rpartition(".")
        PUBLIC_PATHS.setdefault(obj, (module, name))
        return obj

    return decorator


def get_builtin_object(module, class_name):
    if module is None:
        return None
    return BUILTIN_OBJECTS.get(f"{module}.{class_name}")


def register_keras_serializable(package="Custom", name=None):
    """Registers a user class or function so saved configs can name it.

    The key is ``"package>Name"``.

    Example:
    >>> @cornu.saving.register_keras_serializable(package="my")
    ... class Scale(cornu.layers.Layer):
    ...     def get_config(self):
    ...         return super().get_config()
    """

    def decorator(arg):
        class_name = name if name is not None else arg.__name__
        key = f"{package}>{class_name}"
        if inspect.isclass(arg) and not hasattr(arg, "get_config"):
            raise ValueError(
                "Cannot register a class that does not have a get_config() method. "
                f"Received: {arg!r}"
            )
        GLOBAL_CUSTOM_OBJECTS[key] = arg
        GLOBAL_CUSTOM_NAMES[arg] = key
        return arg

    return decorator


def is_registered(obj):
    """Whether ``obj`` was registered with ``register_keras_serializable``."""
    try:
        return obj in GLOBAL_CUSTOM_NAMES
    except TypeError:  # unhashable
        return False


def get_registered_name(obj):
    """The name under which ``obj`` is registered (its ``__name__`` if not registered)."""
    if obj in GLOBAL_CUSTOM_NAMES:
        return GLOBAL_CUSTOM_NAMES[obj]
    return getattr(obj, "__name__", type(obj).__name__)


def get_registered_object(name, custom_objects=None, module_objects=None):
    """Looks ``name`` up in the custom-object scope, the global registry, then ``custom_objects``."""
    from cornu.serialization.custom_object_scope import current_custom_objects

    scoped = current_custom_objects()
    if name in scoped:
        return scoped[name]
    if name in GLOBAL_CUSTOM_OBJECTS:
        return GLOBAL_CUSTOM_OBJECTS[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def get_custom_objects():
    """The live dict of globally registered custom objects."""
    return GLOBAL_CUSTOM_OBJECTS
