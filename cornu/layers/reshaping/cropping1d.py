"""``Cropping1D``: trims the time axis."""

from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.layers.reshaping.size_arguments import int_tuple
from cornu.saving.registry import keras_export


@keras_export("keras.layers.Cropping1D")
class Cropping1D(Layer):
    """Removes ``cropping[0]`` steps from the start and ``cropping[1]`` from
    the end of the time axis of a ``(batch, steps, features)`` input.

    Example:
    >>> cornu.layers.Cropping1D(cropping=(1, 2))(np.ones((1, 5, 3))).shape
    (1, 2, 3)
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = int_tuple(cropping, 2, "cropping", "Cropping1D", allow_zero=True)
        self.input_spec = InputSpec(ndim=3)
        self.built = True

    def _check_length(self, shape):
        if shape[1] is not None and sum(self.cropping) >= shape[1]:
            raise ValueError(
                f"`cropping` parameter of Cropping1D layer '{self.name}' must be smaller than the input length. "
                f"Received: input_shape={tuple(shape)}, cropping={self.cropping}"
            )

    def call(self, inputs):
        self._check_length(inputs.shape)
        start, end = self.cropping
        return inputs[:, start:(-end if end else None), :]

    def compute_output_shape(self, input_shape):
        self._check_length(input_shape)
        length = input_shape[1] - sum(self.cropping) if input_shape[1] is not None else None
        return (input_shape[0], length, input_shape[2])

    def get_config(self):
        config = super().get_config()
        config["cropping"] = self.cropping
        return config
