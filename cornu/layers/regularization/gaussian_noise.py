"""``GaussianNoise``: adds zero-centred Gaussian noise during training."""

import numbers

from cornu import ops, random
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.GaussianNoise")
class GaussianNoise(Layer):
    """Adds noise from ``N(0, stddev**2)`` when ``training=True``; the identity at inference.

    Example:
    >>> layer = cornu.layers.GaussianNoise(0.1, seed=1)
    >>> y = layer(np.ones((2, 4)), training=True)
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(stddev, bool) or not isinstance(stddev, numbers.Real) or not 0 <= stddev <= 1:
            raise ValueError(
                "Invalid value received for argument `stddev` of GaussianNoise. Expected a float value between "
                f"0 and 1. Received: stddev={stddev!r}"
            )
        self.stddev = stddev
        self.seed = seed
        if stddev > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if training and self.stddev > 0:
            noise = random.normal(ops.shape(inputs), mean=0.0, stddev=self.stddev, dtype=self.compute_dtype,
                                  seed=self.seed_generator)
            return inputs + noise
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config
