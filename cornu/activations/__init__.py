"""``cornu.activations``: activation functions and their lookup by name.

Example:
>>> cornu.activations.get("relu") is cornu.activations.relu
True
"""

from cornu.activations.activations import (
    celu,
    elu,
    exponential,
    gelu,
    glu,
    hard_shrink,
    hard_sigmoid,
    hard_silu,
    hard_swish,
    hard_tanh,
    leaky_relu,
    linear,
    log_sigmoid,
    log_softmax,
    mish,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    soft_shrink,
    softmax,
    softplus,
    softsign,
    sparse_plus,
    sparse_sigmoid,
    sparsemax,
    squareplus,
    swish,
    tanh,
    tanh_shrink,
    threshold,
)
from cornu.serialization.object_namespace import ObjectNamespace

ALL_OBJECTS = (
    relu, leaky_relu, relu6, softmax, celu, elu, selu, softplus, softsign, squareplus,
    soft_shrink, sparse_plus, silu, gelu, glu, tanh, tanh_shrink, threshold, sigmoid,
    sparse_sigmoid, exponential, hard_sigmoid, hard_silu, hard_tanh, hard_shrink, linear,
    mish, log_softmax, log_sigmoid, sparsemax,
)
ALL_OBJECTS_DICT = {fn.__name__: fn for fn in ALL_OBJECTS}
ALL_OBJECTS_DICT["swish"] = silu
ALL_OBJECTS_DICT["hard_swish"] = hard_silu

def _builtin_name(activation):
    """A built-in activation serializes to its bare name, as in Keras."""
    name = getattr(activation, "__name__", None)
    return name if ALL_OBJECTS_DICT.get(name) is activation else None


def _check_function_config(activation):
    name = _builtin_name(activation)
    if name is not None:
        return name
    from cornu.serialization.keras_objects import serialize_keras_object

    config = serialize_keras_object(activation)
    if not isinstance(config, dict) or "config" not in config:
        raise ValueError(
            f"Unknown activation function '{activation}' cannot be serialized. Use a built-in "
            "activation name or register it with `keras.saving.register_keras_serializable()`. "
            f"Received: config={config}"
        )
    return config


_NAMES = ObjectNamespace(
    "activation function", "keras.activations", ALL_OBJECTS_DICT, argument="activation",
    instantiate=False, get_none=linear, serialize_hook=_check_function_config,
)
serialize, deserialize, get = _NAMES.public_functions(example="'relu'")
