"""``cornu.constraints``: projections applied to weights after each optimizer step.

Example:
>>> layer_kwargs = {"kernel_constraint": cornu.constraints.get("max_norm")}
"""


from cornu.constraints.constraints import Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm
from cornu.serialization.object_namespace import ObjectNamespace

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

_NAMES = ObjectNamespace("constraint", "keras.constraints", ALL_OBJECTS_DICT, argument="constraint")
serialize, deserialize, get = _NAMES.public_functions(example="'max_norm'")
