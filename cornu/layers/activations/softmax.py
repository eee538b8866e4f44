"""``Softmax``: softmax as a layer, with masked positions given probability 0."""

from cornu import activations, backend, ops
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export


def _large_negative_number(dtype):
    # Small enough to vanish under exp(), large enough to stay finite in float16.
    return -3e4 if backend.standardize_dtype(dtype) == "float16" else -1e9


@keras_export("keras.layers.Softmax")
class Softmax(Layer):
    """Softmax over ``axis`` (an int or a list of ints).

    A ``mask`` (``True`` where a value counts, broadcastable to the input)
    keeps masked positions out of the normalization and sets their output to 0.

    Example:
    >>> layer = cornu.layers.Softmax()
    >>> layer(np.array([[1.0, 2.0, 1.0]]), mask=np.array([[True, True, False]]))  # [[0.269, 0.731, 0.]]
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self.built = True

    def _check_mask(self, inputs, mask):
        if len(mask.shape) > len(inputs.shape):
            raise ValueError(
                f"The `mask` of Softmax layer '{self.name}' must be broadcastable to the inputs and must not have "
                f"more dimensions. Received: inputs.shape={tuple(inputs.shape)}, mask.shape={tuple(mask.shape)}"
            )
        for m, i in zip(reversed(mask.shape), reversed(inputs.shape)):
            if m is not None and i is not None and m != 1 and m != i:
                raise ValueError(
                    f"The `mask` of Softmax layer '{self.name}' must be broadcastable to the inputs: each mask "
                    "dimension must be 1 or match the input's. "
                    f"Received: inputs.shape={tuple(inputs.shape)}, mask.shape={tuple(mask.shape)}"
                )

    def call(self, inputs, mask=None):
        if mask is not None:
            mask = ops.convert_to_tensor(mask)
            self._check_mask(inputs, mask)
            if backend.standardize_dtype(mask.dtype) != "bool":
                mask = ops.greater(mask, ops.cast(0.5, mask.dtype))
            inputs = ops.where(mask, inputs, ops.cast(_large_negative_number(inputs.dtype), inputs.dtype))
        if isinstance(self.axis, (tuple, list)) and len(self.axis) > 1:
            axis = tuple(self.axis)
            outputs = ops.exp(inputs - ops.logsumexp(inputs, axis=axis, keepdims=True))
        else:
            axis = self.axis[0] if isinstance(self.axis, (tuple, list)) else self.axis
            outputs = activations.softmax(inputs, axis=axis)
        if mask is not None:
            outputs = ops.where(mask, outputs, ops.zeros_like(outputs))
        return outputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
