"""The two small layers ConvNeXt adds to its residual blocks: ``LayerScale`` and
``StochasticDepth``.

Keras defines them inside ``keras.src.applications.convnext`` without a public path, so its
``.keras`` files name them by that module (``"module": "keras.src.applications.convnext"``,
``"registered_name": "LayerScale"``). They are registered here under the same path, so files
holding them load in Keras and in cornu alike, in both directions.

Example:
>>> LayerScale(0.5, 3)(np.ones((1, 3)))  # [[0.5, 0.5, 0.5]]
"""

from cornu import initializers
from cornu import ops
from cornu import random
from cornu.layers import Layer
from cornu.serialization.registry import keras_export


@keras_export("keras.src.applications.convnext.StochasticDepth")
class StochasticDepth(Layer):
    """Drops the whole residual branch of a sample at random while training (Huang et al., 2016).

    With probability ``drop_path_rate`` a sample's branch output is zeroed; the kept ones are
    divided by the keep probability so the expected value is unchanged. At inference it is the
    identity.

    Args:
        drop_path_rate: the probability, in [0, 1], of dropping a sample's branch.

    Example:
    >>> layer = StochasticDepth(0.2)
    >>> layer(np.ones((4, 2, 2, 3)), training=False).shape  # unchanged
    (4, 2, 2, 3)
    """

    def __init__(self, drop_path_rate, **kwargs):
        super().__init__(**kwargs)
        self.drop_path_rate = drop_path_rate

    def call(self, x, training=None):
        if not training:
            return x
        keep_prob = 1 - self.drop_path_rate
        # One draw per sample, broadcast over every other axis.
        shape = (ops.shape(x)[0],) + (1,) * (len(ops.shape(x)) - 1)
        keep_mask = ops.floor(keep_prob + random.uniform(shape, 0, 1))
        return (x / keep_prob) * keep_mask

    def get_config(self):
        config = super().get_config()
        config.update({"drop_path_rate": self.drop_path_rate})
        return config


@keras_export("keras.src.applications.convnext.LayerScale")
class LayerScale(Layer):
    """Multiplies its input by a learned per-channel scale (Touvron et al., 2021).

    The scale has ``projection_dim`` entries, all starting at ``init_values``.

    Args:
        init_values: the initial value of every scale entry (small, e.g. ``1e-6``).
        projection_dim: the number of channels (the input's last axis).

    Example:
    >>> layer = LayerScale(1e-6, 96)
    >>> layer(np.ones((2, 7, 7, 96))).shape
    (2, 7, 7, 96)
    """

    def __init__(self, init_values, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, input_shape):
        self.gamma = self.add_weight(
            shape=(self.projection_dim,),
            initializer=initializers.Constant(self.init_values),
            trainable=True,
        )

    def call(self, x):
        return x * self.gamma

    def get_config(self):
        config = super().get_config()
        config.update({"init_values": self.init_values, "projection_dim": self.projection_dim})
        return config
