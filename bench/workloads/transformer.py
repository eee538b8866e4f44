"""A 2-block Transformer encoder classifier, d_model=128, 4 heads of 32, feed-forward 256,
post-norm blocks as in Keras's text-classification example; sequences of 128 tokens,
batch 32, Adam (issue 7, row 4).

Example:
    >>> import cornu as keras
    >>> from bench.workloads import transformer
    >>> model = transformer.build(keras, transformer.TINY)
"""

from bench.workloads import common

TITLE = "2-block Transformer d=128"
# The keras.layers names the model needs (the smoke test skips a workload whose layers the
# library does not have yet).
LAYERS = ("Embedding", "MultiHeadAttention", "LayerNormalization", "Dense",
          "GlobalAveragePooling1D")
BENCH = {"batch_size": 32, "length": 128, "vocabulary": 10000, "d_model": 128, "heads": 4,
         "feed_forward": 256, "blocks": 2, "classes": 2}
TINY = {"batch_size": 2, "length": 6, "vocabulary": 20, "d_model": 8, "heads": 2,
        "feed_forward": 8, "blocks": 1, "classes": 2}
STEPS_PER_EPOCH = 10
EPOCHS = 3
LAYER_NORM_EPSILON = 1e-6


def _position_embedding_class(keras):
    """A layer adding a learned position embedding to its input (built per module so the
    class subclasses that module's ``Layer``)."""

    class AddPositionEmbedding(keras.layers.Layer):
        def build(self, input_shape):
            self.positions = self.add_weight(
                shape=(input_shape[-2], input_shape[-1]),
                initializer=keras.initializers.RandomUniform(-0.05, 0.05),
                name="positions",
            )

        def call(self, x):
            return x + self.positions

    return AddPositionEmbedding


def _block(keras, h, cfg):
    key_dim = cfg["d_model"] // cfg["heads"]
    attended = keras.layers.MultiHeadAttention(num_heads=cfg["heads"], key_dim=key_dim)(h, h)
    h = keras.layers.LayerNormalization(epsilon=LAYER_NORM_EPSILON)(h + attended)
    ff = keras.layers.Dense(cfg["feed_forward"], activation="relu")(h)
    ff = keras.layers.Dense(cfg["d_model"])(ff)
    return keras.layers.LayerNormalization(epsilon=LAYER_NORM_EPSILON)(h + ff)


def build(keras, cfg):
    """The model, not compiled."""
    tokens = keras.Input(shape=(cfg["length"],), dtype="int32")
    h = keras.layers.Embedding(cfg["vocabulary"], cfg["d_model"])(tokens)
    h = _position_embedding_class(keras)()(h)
    for _ in range(cfg["blocks"]):
        h = _block(keras, h, cfg)
    h = keras.layers.GlobalAveragePooling1D()(h)
    logits = keras.layers.Dense(cfg["classes"])(h)
    return keras.Model(tokens, logits)


def data(cfg, num_samples, rng):
    """Synthetic ``(x, y)``: int32 token ids and int32 labels."""
    x = common.token_inputs(rng, num_samples, cfg["length"], cfg["vocabulary"])
    return x, common.class_labels(rng, num_samples, cfg["classes"])
