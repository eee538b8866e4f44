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
from cornu.saving.registry import get_registered_object, keras_export

ALL_OBJECTS = (
    relu, leaky_relu, relu6, softmax, celu, elu, selu, softplus, softsign, squareplus,
    soft_shrink, sparse_plus, silu, gelu, glu, tanh, tanh_shrink, threshold, sigmoid,
    sparse_sigmoid, exponential, hard_sigmoid, hard_silu, hard_tanh, hard_shrink, linear,
    mish, log_softmax, log_sigmoid, sparsemax,
)
ALL_OBJECTS_DICT = {fn.__name__: fn for fn in ALL_OBJECTS}
ALL_OBJECTS_DICT["swish"] = silu
ALL_OBJECTS_DICT["hard_swish"] = hard_silu


def _builtin_name(fn):
    name = getattr(fn, "__name__", None)
    return name if ALL_OBJECTS_DICT.get(name) is fn else None


@keras_export("keras.activations.serialize")
def serialize(activation):
    """Returns the config of an activation: its bare name for a built-in one.

    Example:
    >>> cornu.activations.serialize(cornu.activations.swish)
    'silu'
    """
    name = _builtin_name(activation)
    if name is not None:
        return name
    from cornu.saving.serialization import serialize_keras_object

    config = serialize_keras_object(activation)
    if not isinstance(config, dict) or "config" not in config:
        raise ValueError(
            f"Unknown activation function '{activation}' cannot be serialized. Use a built-in "
            "activation name or register it with `cornu.saving.register_keras_serializable()`. "
            f"Received: config={config}"
        )
    return config


def _lookup_name(name, custom_objects):
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    found = get_registered_object(name)
    if found is not None:
        return found
    return ALL_OBJECTS_DICT.get(name)


@keras_export("keras.activations.deserialize")
def deserialize(config, custom_objects=None):
    """Returns the activation function that ``config`` (a name or a dict) describes.

    Example:
    >>> cornu.activations.deserialize("relu") is cornu.activations.relu
    True
    """
    if isinstance(config, str):
        fn = _lookup_name(config, custom_objects)
        if fn is None:
            raise ValueError(f"Unknown activation function: '{config}'. Received: config={config!r}")
        return fn
    if isinstance(config, dict) and config.get("class_name") == "function" and isinstance(config.get("config"), str):
        fn = _lookup_name(config["config"], custom_objects)
        if fn is not None:
            return fn
    from cornu.saving.serialization import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects=custom_objects)


@keras_export("keras.activations.get")
def get(identifier):
    """Returns an activation function from a name, a config dict, a callable, or None (linear).

    Example:
    >>> cornu.activations.get(None) is cornu.activations.linear
    True
    """
    if identifier is None:
        return linear
    if isinstance(identifier, dict):
        fn = deserialize(identifier)
    elif isinstance(identifier, str):
        fn = ALL_OBJECTS_DICT.get(identifier)
    else:
        fn = identifier
    if callable(fn):
        return fn
    raise ValueError(f"Could not interpret activation function identifier: {identifier}")
