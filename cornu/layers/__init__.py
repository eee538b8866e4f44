"""``cornu.layers``: the layer catalogue."""

from cornu.layers.core.activation import Activation
from cornu.layers.core.dense import Dense
from cornu.layers.core.embedding import Embedding
from cornu.layers.core.identity import Identity
from cornu.layers.core.input_layer import Input, InputLayer
from cornu.layers.core.lambda_layer import Lambda
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.layers.merging import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from cornu.layers.normalization.batch_normalization import BatchNormalization
from cornu.layers.normalization.layer_normalization import LayerNormalization
from cornu.layers.regularization.dropout import Dropout
from cornu.layers.reshaping.flatten import Flatten
from cornu.layers.reshaping.reshape import Reshape


def serialize(layer):
    """Returns the config dict of ``layer`` (Keras format)."""
    from cornu.saving.serialization import serialize_keras_object

    return serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    """Rebuilds a layer from :func:`serialize`'s output."""
    from cornu.saving.serialization import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects=custom_objects)
