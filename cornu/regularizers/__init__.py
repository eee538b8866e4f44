"""``cornu.regularizers``: penalties on weights that are added to the training loss.

Example:
>>> layer_kwargs = {"kernel_regularizer": cornu.regularizers.get("l2")}
"""


from cornu.regularizers.regularizers import L1, L1L2, L2, OrthogonalRegularizer, Regularizer, validate_float_arg
from cornu.serialization.object_namespace import ObjectNamespace

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

_NAMES = ObjectNamespace("regularizer", "keras.regularizers", ALL_OBJECTS_DICT, argument="regularizer")
serialize, deserialize, get = _NAMES.public_functions(example="'l2'")
