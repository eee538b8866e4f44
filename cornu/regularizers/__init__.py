"""``cornu.regularizers``: penalties on weights that are added to the training loss.

Example:
>>> layer_kwargs = {"kernel_regularizer": cornu.regularizers.get("l2")}
"""

import inspect

from cornu.regularizers.regularizers import L1, L1L2, L2, OrthogonalRegularizer, Regularizer, validate_float_arg
from cornu.saving.builtin_lookup import builtin_from_config
from cornu.saving.registry import get_registered_object, keras_export

l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

ALL_OBJECTS = (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update(
    {
        "regularizer": Regularizer,
        "l1": L1,
        "l2": L2,
        "l1l2": L1L2,
        "l1_l2": L1L2,
        "orthogonal_regularizer": OrthogonalRegularizer,
    }
)


@keras_export("keras.regularizers.serialize")
def serialize(regularizer):
    """The Keras-format config dict of ``regularizer``.

    Example:
    >>> cornu.regularizers.serialize(cornu.regularizers.L2(0.1))["config"]
    {'l2': 0.1}
    """
    from cornu.saving.serialization import serialize_keras_object

    return serialize_keras_object(regularizer)


def _builtin_from_config(config, custom_objects):
    return builtin_from_config(config, custom_objects, ALL_OBJECTS_DICT, "keras.regularizers")


@keras_export("keras.regularizers.deserialize")
def deserialize(config, custom_objects=None):
    """Builds a regularizer from its config dict (or a name such as ``"l1"``).

    Example:
    >>> reg = cornu.regularizers.deserialize({"class_name": "L1", "config": {"l1": 0.1}})
    """
    built = _builtin_from_config(config, custom_objects)
    if built is not None:
        return built
    if isinstance(config, str):
        found = (custom_objects or {}).get(config) or get_registered_object(config)
        if found is None:
            raise ValueError(f"Unknown regularizer: '{config}'. Received: config={config!r}")
        return found() if inspect.isclass(found) else found
    from cornu.saving.serialization import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects=custom_objects)


@keras_export("keras.regularizers.get")
def get(identifier):
    """Returns a regularizer from a name, a config dict, a class or a callable.

    Example:
    >>> cornu.regularizers.get("l1_l2")
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier)
    else:
        obj = identifier
    if callable(obj):
        return obj() if inspect.isclass(obj) else obj
    raise ValueError(f"Could not interpret regularizer identifier: {identifier}")
