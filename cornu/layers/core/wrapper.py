"""``Wrapper``: the base of layers that wrap another layer."""

from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Wrapper")
class Wrapper(Layer):
    """Holds a layer as ``self.layer``; subclasses change how it is called.

    The wrapped layer is built by ``build`` (if it is not already) and saved
    in the config under ``"layer"``.

    Example:
    >>> class Doubled(cornu.layers.Wrapper):
    ...     def call(self, x):
    ...         return 2 * self.layer(x)
    >>> y = Doubled(cornu.layers.Dense(3))(np.ones((2, 4)))
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                f"The layer given to {type(self).__name__} must be a cornu/Keras `Layer` instance. "
                f"Received: layer={layer!r} of type {type(layer).__name__}"
            )
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer.build(input_shape)
            self.layer.built = True

    def get_config(self):
        from cornu.serialization.keras_objects import serialize_keras_object

        config = super().get_config()
        config["layer"] = serialize_keras_object(self.layer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from cornu.serialization.keras_objects import deserialize_keras_object

        config = dict(config)
        layer = deserialize_keras_object(config.pop("layer"), custom_objects=custom_objects)
        return super().from_config({**config, "layer": layer})
