"""``keras.dtype_policies.get/serialize/deserialize``: a policy from a name, a config or a policy.

Names of the form ``"<mode>_from_<source>"`` ("int8_from_float32") give quantized
policies; every other name is a float policy ("float32", "mixed_bfloat16").
"""

from cornu.dtype_policies.dtype_policy import DTypePolicy, FloatDTypePolicy
from cornu.dtype_policies.dtype_policy import get as float_policy
from cornu.dtype_policies.dtype_policy_map import DTypePolicyMap
from cornu.dtype_policies.quantized_dtype_policy import (QUANTIZED_POLICY_CLASSES, is_quantized_name,
                                                         quantized_policy_from_name)
from cornu.serialization.object_namespace import ObjectNamespace
from cornu.serialization.registry import keras_export

ALL_OBJECTS_DICT = {"DTypePolicy": DTypePolicy, "FloatDTypePolicy": FloatDTypePolicy, "DTypePolicyMap": DTypePolicyMap,
                    **QUANTIZED_POLICY_CLASSES}

_NAMES = ObjectNamespace("dtype policy", "keras.dtype_policies", ALL_OBJECTS_DICT, argument="dtype_policy",
                         accepts=lambda obj: isinstance(obj, DTypePolicy))
serialize, deserialize = _NAMES.public_functions(example='{"class_name": "DTypePolicy", "config": {"name": '
                                                         '"float32"}}', with_get=False)


@keras_export("keras.dtype_policies.get")
def get(identifier):
    """A dtype policy from None (the global policy), a name, a config dict or a policy.

    Example:
    >>> cornu.dtype_policies.get("int8_from_float32")
    <QuantizedDTypePolicy "int8_from_float32">
    >>> cornu.dtype_policies.get("mixed_bfloat16")
    <DTypePolicy "mixed_bfloat16">
    """
    if is_quantized_name(identifier):
        return quantized_policy_from_name(identifier)
    if isinstance(identifier, dict) and identifier.get("class_name") in (*QUANTIZED_POLICY_CLASSES, "DTypePolicyMap"):
        return deserialize(identifier)
    return float_policy(identifier)
