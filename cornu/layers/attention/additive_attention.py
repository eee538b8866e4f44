"""``AdditiveAttention``: Bahdanau-style attention, scores from ``tanh(query + key)``."""

from cornu import ops
from cornu.layers.attention.attention import Attention
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.AdditiveAttention")
class AdditiveAttention(Attention):
    """Additive attention, a.k.a. Bahdanau-style attention.

    Called on ``[query, value]`` or ``[query, value, key]`` like
    :class:`Attention`; the scores are ``sum(scale * tanh(query + key), axis=-1)``
    with a learned per-feature ``scale`` (``use_scale=True``, the default).

    Example:
    >>> layer = cornu.layers.AdditiveAttention()
    >>> layer([np.ones((2, 3, 4)), np.ones((2, 5, 4))]).shape
    (2, 3, 4)
    """

    _scores_add_query_and_key = True

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        self.scale = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(input_shape[0][-1],), initializer="glorot_uniform",
                                         dtype=self.dtype)

    def _calculate_scores(self, query, key):
        pairs = ops.tanh(ops.add(ops.expand_dims(query, axis=-2), ops.expand_dims(key, axis=-3)))
        if self.use_scale:
            pairs = ops.multiply(self.scale, pairs)
        return ops.sum(pairs, axis=-1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config
