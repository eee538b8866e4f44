"""``Dropout``: randomly zeroes inputs during training."""

import numbers

from cornu import backend
from cornu import random
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Dropout")
class Dropout(Layer):
    """Sets a fraction ``rate`` of inputs to 0 during training and scales the
    rest by ``1 / (1 - rate)``; does nothing at inference.

    Example:
    >>> layer = cornu.layers.Dropout(0.5, seed=1)
    >>> y = layer(np.ones((2, 4)), training=True)
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(rate, numbers.Real) or not 0 <= rate <= 1:
            raise ValueError(f"Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate={rate}")
        self.rate = float(rate)
        self.noise_shape = tuple(noise_shape) if noise_shape is not None else None
        self.seed = seed
        if self.rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            if self.rate >= 1:
                return backend.numpy.zeros_like(inputs)
            return random.dropout(inputs, self.rate, noise_shape=self.noise_shape, seed=self.seed_generator)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "noise_shape": list(self.noise_shape) if self.noise_shape else None})
        return config
