"""LSTM text classifier: Embedding(vocabulary, 128), LSTM(128), Dense(2) logits; sequences
of 100 tokens, batch 64, Adam (issue 7, row 3).

Example:
    >>> import cornu as keras
    >>> from bench.workloads import lstm
    >>> model = lstm.build(keras, lstm.TINY)
"""

from bench.workloads import common

TITLE = "LSTM(128) text classifier"
# The keras.layers names the model needs (the smoke test skips a workload whose layers the
# library does not have yet).
LAYERS = ("Embedding", "LSTM", "Dense")
BENCH = {"batch_size": 64, "length": 100, "vocabulary": 10000, "embedding": 128, "units": 128,
         "classes": 2}
TINY = {"batch_size": 2, "length": 5, "vocabulary": 20, "embedding": 4, "units": 3, "classes": 2}
STEPS_PER_EPOCH = 10
EPOCHS = 3


def build(keras, cfg):
    """The model, not compiled."""
    tokens = keras.Input(shape=(cfg["length"],), dtype="int32")
    h = keras.layers.Embedding(cfg["vocabulary"], cfg["embedding"])(tokens)
    h = keras.layers.LSTM(cfg["units"])(h)
    logits = keras.layers.Dense(cfg["classes"])(h)
    return keras.Model(tokens, logits)


def data(cfg, num_samples, rng):
    """Synthetic ``(x, y)``: int32 token ids and int32 labels."""
    x = common.token_inputs(rng, num_samples, cfg["length"], cfg["vocabulary"])
    return x, common.class_labels(rng, num_samples, cfg["classes"])
