"""``cornu.layers``: the layer catalogue."""

from cornu.layers.core.activation import Activation
from cornu.layers.core.dense import Dense
from cornu.layers.core.identity import Identity
from cornu.layers.core.input_layer import Input, InputLayer
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.layers.regularization.dropout import Dropout
from cornu.layers.reshaping.flatten import Flatten
from cornu.layers.reshaping.reshape import Reshape
from cornu.layers.extra import *  # noqa: F401,F403  (layers added by other modules)
