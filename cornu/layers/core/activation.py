"""``Activation``: applies an activation function."""

from cornu import activations
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Activation")
class Activation(Layer):
    """Applies ``activation`` element-wise.

    Example:
    >>> cornu.layers.Activation("relu")(np.array([-1.0, 2.0]))  # [0., 2.]
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config
