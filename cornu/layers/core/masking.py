"""``Masking``: masks the time steps whose features all equal ``mask_value``."""

from cornu import ops
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Masking")
class Masking(Layer):
    """Marks a step (all axes but the last) as masked when every feature of it
    equals ``mask_value``: masked steps are zeroed in the output, and the
    mask (``True`` = keep) is passed to the layers that follow.

    Example:
    >>> x = np.array([[[0.0, 0.0], [1.0, 2.0]]])
    >>> y = cornu.layers.Masking(mask_value=0.0)(x)
    >>> cornu.backend.get_keras_mask(y)  # [[False, True]]
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(mask_value, dict) and mask_value.get("config", None):
            from cornu.serialization.keras_objects import deserialize_keras_object

            mask_value = deserialize_keras_object(mask_value)
        self.mask_value = mask_value
        self.supports_masking = True
        self.built = True

    def _keep(self, inputs, keepdims):
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=keepdims)

    def compute_mask(self, inputs, previous_mask=None):
        return self._keep(inputs, keepdims=False)

    def call(self, inputs):
        return ops.where(self._keep(inputs, keepdims=True), inputs, ops.zeros_like(inputs))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        from cornu.serialization.keras_objects import serialize_keras_object

        config = super().get_config()
        config["mask_value"] = serialize_keras_object(self.mask_value)
        return config
