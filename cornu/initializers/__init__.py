"""``cornu.initializers``: how new weights get their first values.

Example:
>>> init = cornu.initializers.get("glorot_uniform")
>>> kernel = init((64, 32))
"""


import numpy as np

from cornu import backend
from cornu import ops
from cornu.backend.common.naming import to_snake_case
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
from cornu.initializers.stft import STFT
from cornu.serialization.object_namespace import ObjectNamespace

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
stft = STFTInitializer = STFT

ALL_OBJECTS = (
    Initializer, Constant, Identity, Ones, Zeros, GlorotNormal, GlorotUniform, HeNormal, HeUniform,
    LecunNormal, LecunUniform, Orthogonal, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling,
    STFT,
)


ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in ALL_OBJECTS})
ALL_OBJECTS_DICT.update(
    {
        "IdentityInitializer": Identity,
        "OrthogonalInitializer": Orthogonal,
        "STFTInitializer": STFT,
        "normal": RandomNormal,
        "uniform": RandomUniform,
        "one": Ones,
        "zero": Zeros,
    }
)

def _tensor_initializer(value):
    """A tensor or array as an initializer that returns it (the weight must have its shape)."""
    if not (ops.is_tensor(value) or isinstance(value, (np.generic, np.ndarray))):
        return None

    def initialize_fn(shape, dtype=None):
        if backend.standardize_shape(shape) != backend.standardize_shape(value.shape):
            raise ValueError(
                "A tensor used as an initializer must have the shape of the weight. "
                f"Expected shape={tuple(value.shape)}. Received: shape={shape}"
            )
        return ops.cast(value, backend.standardize_dtype(dtype))

    return initialize_fn


_NAMES = ObjectNamespace(
    "initializer", "keras.initializers", ALL_OBJECTS_DICT, argument="initializer", get_hook=_tensor_initializer
)
serialize, deserialize, get = _NAMES.public_functions(example="'he_normal'")

from cornu.missing_features import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
