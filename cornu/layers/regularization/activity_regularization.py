"""``ActivityRegularization``: adds an L1/L2 penalty on its input to the losses."""

from cornu import regularizers
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.ActivityRegularization")
class ActivityRegularization(Layer):
    """Returns its input unchanged and adds ``l1 * sum(|x|) + l2 * sum(x**2)``
    (divided by the batch size) to ``layer.losses``.

    Example:
    >>> layer = cornu.layers.ActivityRegularization(l1=0.01)
    >>> y = layer(np.ones((2, 3)))
    >>> float(layer.losses[0])  # 0.01 * 6 / 2
    0.03
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        if kwargs.get("activity_regularizer") is not None:
            raise ValueError(
                "ActivityRegularization builds its own activity regularizer from `l1` and `l2`; do not pass "
                f"`activity_regularizer`. Received: activity_regularizer={kwargs['activity_regularizer']!r}"
            )
        kwargs.pop("activity_regularizer", None)
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        config.update({"l1": self.l1, "l2": self.l2})
        return config
