"""``cornu.constraints``: projections applied to weights after each optimizer step.

Example:
>>> layer_kwargs = {"kernel_constraint": cornu.constraints.get("max_norm")}
"""

import inspect

from cornu.constraints.constraints import Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm
from cornu.saving.builtin_lookup import builtin_from_config
from cornu.saving.registry import get_registered_object, keras_export

max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
unit_norm = UnitNorm

ALL_OBJECTS = (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update(
    {
        "constraint": Constraint,
        "max_norm": MaxNorm,
        "min_max_norm": MinMaxNorm,
        "non_neg": NonNeg,
        "unit_norm": UnitNorm,
    }
)


@keras_export("keras.constraints.serialize")
def serialize(constraint):
    """The Keras-format config dict of ``constraint``.

    Example:
    >>> cornu.constraints.serialize(cornu.constraints.NonNeg())["class_name"]
    'NonNeg'
    """
    from cornu.saving.serialization import serialize_keras_object

    return serialize_keras_object(constraint)


def _builtin_from_config(config, custom_objects):
    return builtin_from_config(config, custom_objects, ALL_OBJECTS_DICT, "keras.constraints")


@keras_export("keras.constraints.deserialize")
def deserialize(config, custom_objects=None):
    """Builds a constraint from its config dict (or a name such as ``"non_neg"``).

    Example:
    >>> c = cornu.constraints.deserialize({"class_name": "MaxNorm", "config": {"max_value": 3}})
    """
    built = _builtin_from_config(config, custom_objects)
    if built is not None:
        return built
    if isinstance(config, str):
        found = (custom_objects or {}).get(config) or get_registered_object(config)
        if found is None:
            raise ValueError(f"Unknown constraint: '{config}'. Received: config={config!r}")
        return found() if inspect.isclass(found) else found
    from cornu.saving.serialization import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects=custom_objects)


@keras_export("keras.constraints.get")
def get(identifier):
    """Returns a constraint from a name, a config dict, a class or a callable.

    Example:
    >>> cornu.constraints.get("unit_norm")
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
    raise ValueError(f"Could not interpret constraint identifier: {identifier}")
