"""``AlphaDropout``: dropout that keeps the mean and variance of SELU activations."""

import numbers

from cornu import ops, random
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export

# The SELU constants: dropped units take SELU's negative saturation value.
_SELU_ALPHA = 1.6732632423543772
_SELU_SCALE = 1.0507009873554805


@keras_export("keras.layers.AlphaDropout")
class AlphaDropout(Layer):
    """During training, sets a fraction ``rate`` of inputs to SELU's negative
    saturation value, then applies the affine correction that restores the
    inputs' mean and variance. The identity at inference.

    Example:
    >>> layer = cornu.layers.AlphaDropout(0.2, seed=1)
    >>> y = layer(np.random.normal(size=(2, 4)), training=True)
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0 <= rate <= 1:
            raise ValueError(
                "Invalid value received for argument `rate` of AlphaDropout. Expected a float value between "
                f"0 and 1. Received: rate={rate!r}"
            )
        self.rate = rate
        self.seed = seed
        self.noise_shape = noise_shape
        if rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def _concrete_noise_shape(self, inputs):
        shape = tuple(ops.shape(inputs))
        if self.noise_shape is None:
            return shape
        return tuple(shape[i] if d is None else d for i, d in enumerate(self.noise_shape))

    def call(self, inputs, training=False):
        if not (training and self.rate > 0):
            return inputs
        if self.rate >= 1:
            # Keras's formula divides by zero here; every unit is dropped.
            return ops.zeros_like(inputs)
        alpha_p = -_SELU_ALPHA * _SELU_SCALE
        uniform = random.uniform(self._concrete_noise_shape(inputs), dtype=self.compute_dtype, seed=self.seed_generator)
        kept = ops.cast(ops.greater_equal(uniform, self.rate), inputs.dtype)
        a = ((1 - self.rate) * (1 + self.rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * self.rate
        x = inputs * kept + alpha_p * (1 - kept)
        return a * x + b

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape})
        return config
