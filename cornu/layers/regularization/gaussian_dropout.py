"""``GaussianDropout``: multiplies by Gaussian noise centred on 1 during training."""

import math
import numbers

from cornu import ops, random
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.GaussianDropout")
class GaussianDropout(Layer):
    """Multiplies inputs by noise from ``N(1, rate / (1 - rate))`` when
    ``training=True``; the identity at inference.

    Example:
    >>> layer = cornu.layers.GaussianDropout(0.2, seed=1)
    >>> y = layer(np.ones((2, 4)), training=True)
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0 <= rate <= 1:
            raise ValueError(
                "Invalid value received for argument `rate` of GaussianDropout. Expected a float value between "
                f"0 and 1. Received: rate={rate!r}"
            )
        self.rate = rate
        self.seed = seed
        if rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            if self.rate >= 1:
                raise ValueError(
                    f"GaussianDropout layer '{self.name}' cannot train with rate=1: the noise variance "
                    "rate / (1 - rate) is infinite. Use a rate below 1. Received: rate=1"
                )
            stddev = math.sqrt(self.rate / (1.0 - self.rate))
            noise = random.normal(ops.shape(inputs), mean=1.0, stddev=stddev, dtype=self.compute_dtype,
                                  seed=self.seed_generator)
            return inputs * noise
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config
