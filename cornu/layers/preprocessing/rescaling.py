"""``Rescaling``: ``inputs * scale + offset`` (e.g. pixels from [0, 255] to [0, 1])."""

from cornu import backend
from cornu.layers.preprocessing.data_layer import DataLayer
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Rescaling")
class Rescaling(DataLayer):
    """Multiplies the inputs by ``scale`` and adds ``offset``, in the layer's compute dtype.

    ``scale`` and ``offset`` may be numbers or per-channel lists (channels on the last axis, or
    on the first non-batch axis of 3-D images under ``channels_first``).

    Example:
    >>> cornu.layers.Rescaling(1.0 / 255)(np.array([[0.0, 255.0]]))  # [[0.0, 1.0]]
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        ns, dtype = self.backend, self.compute_dtype
        scale = ns.convert_to_tensor(self.scale, dtype=dtype)
        offset = ns.convert_to_tensor(self.offset, dtype=dtype)
        if len(scale.shape) > 0 and backend.image_data_format() == "channels_first":
            scale = ns.numpy.reshape(scale, tuple(scale.shape) + (1,) * (3 - len(scale.shape)))
        return ns.numpy.add(ns.numpy.multiply(ns.cast(inputs, dtype), scale), offset)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        from cornu.serialization.keras_objects import serialize_keras_object

        config = super().get_config()
        config.update({"scale": serialize_keras_object(self.scale), "offset": serialize_keras_object(self.offset)})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from cornu.serialization.keras_objects import deserialize_keras_object

        config = dict(config)
        for key in ("scale", "offset"):
            config[key] = deserialize_keras_object(config[key], custom_objects=custom_objects)
        return super().from_config(config)
