"""``cornu.serialization``: objects to Keras-format configs and back.

The low-level half of saving, used by almost every package: the registry of
names a config may use (``keras_export``, ``register_keras_serializable``),
``serialize_keras_object``/``deserialize_keras_object``, custom object scopes,
the name tables behind each namespace's ``get``/``serialize``/``deserialize``,
and the kinds of saveable objects. File formats live in ``cornu.saving``.

Example:
>>> config = cornu.serialization.serialize_keras_object(cornu.layers.Dense(2))
>>> config["class_name"]
'Dense'
"""

from cornu.serialization.custom_object_scope import CustomObjectScope, custom_object_scope
from cornu.serialization.keras_objects import deserialize_keras_object, serialize_keras_object
from cornu.serialization.registry import (
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    keras_export,
    register_keras_serializable,
)
