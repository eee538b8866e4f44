"""``cornu.initializers``: how new weights get their first values.

Example:
>>> init = cornu.initializers.get("glorot_uniform")
>>> kernel = init((64, 32))
"""

import inspect

import numpy as np

from cornu import backend
from cornu import ops
from cornu.initializers.constant_initializers import Constant, Identity, Ones, Zeros
from cornu.initializers.initializer import Initializer
from cornu.initializers.random_initializers import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
    RandomInitializer,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    compute_fans,
)
from cornu.saving.builtin_lookup import builtin_from_config
from cornu.saving.registry import get_registered_object, keras_export

# snake_case aliases, as Keras exports them (they are the classes themselves).
constant = Constant
identity = IdentityInitializer = Identity
ones = Ones
zeros = Zeros
glorot_normal = GlorotNormal
glorot_uniform = GlorotUniform
he_normal = HeNormal
he_uniform = HeUniform
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
orthogonal = OrthogonalInitializer = Orthogonal
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling

ALL_OBJECTS = (
    Initializer, Constant, Identity, Ones, Zeros, GlorotNormal, GlorotUniform, HeNormal, HeUniform,
    LecunNormal, LecunUniform, Orthogonal, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling,
)


def _snake_case(name):
    return "".join("_" + c.lower() if c.isupper() and i else c.lower() for i, c in enumerate(name))


ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({_snake_case(cls.__name__): cls for cls in ALL_OBJECTS})
ALL_OBJECTS_DICT.update(
    {
        "IdentityInitializer": Identity,
        "OrthogonalInitializer": Orthogonal,
        "normal": RandomNormal,
        "uniform": RandomUniform,
        "one": Ones,
        "zero": Zeros,
    }
)


@keras_export("keras.initializers.serialize")
def serialize(initializer):
    """The Keras-format config dict of ``initializer``.

    Example:
    >>> cornu.initializers.serialize(cornu.initializers.Zeros())["class_name"]
    'Zeros'
    """
    from cornu.saving.serialization import serialize_keras_object

    return serialize_keras_object(initializer)


def _builtin_from_config(config, custom_objects):
    return builtin_from_config(config, custom_objects, ALL_OBJECTS_DICT, "keras.initializers")


@keras_export("keras.initializers.deserialize")
def deserialize(config, custom_objects=None):
    """Builds an initializer from its config (a dict, or a name such as ``"he_normal"``).

    Example:
    >>> cornu.initializers.deserialize({"class_name": "Constant", "config": {"value": 2.0}})
    """
    built = _builtin_from_config(config, custom_objects)
    if built is not None:
        return built
    if isinstance(config, str):
        if custom_objects and config in custom_objects:
            found = custom_objects[config]
        else:
            found = get_registered_object(config)
        if found is None:
            raise ValueError(f"Unknown initializer: '{config}'. Received: config={config!r}")
        return found() if inspect.isclass(found) else found
    from cornu.saving.serialization import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects=custom_objects)


@keras_export("keras.initializers.get")
def get(identifier):
    """Returns an initializer from a name, a config dict, a class, a callable or a tensor.

    A tensor or array becomes an initializer returning that value (the shape
    asked for must match it).

    Example:
    >>> cornu.initializers.get("zeros")((2,))  # [0., 0.]
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        try:
            obj = deserialize(identifier)
        except ValueError:
            obj = None
    elif ops.is_tensor(identifier) or isinstance(identifier, (np.generic, np.ndarray)):
        value = identifier

        def initialize_fn(shape, dtype=None):
            if backend.standardize_shape(shape) != backend.standardize_shape(value.shape):
                raise ValueError(
                    "A tensor used as an initializer must have the shape of the weight. "
                    f"Expected shape={tuple(value.shape)}. Received: shape={shape}"
                )
            return ops.cast(value, backend.standardize_dtype(dtype))

        obj = initialize_fn
    else:
        obj = identifier
    if callable(obj):
        return obj() if inspect.isclass(obj) else obj
    raise ValueError(f"Could not interpret initializer identifier: {identifier}")
