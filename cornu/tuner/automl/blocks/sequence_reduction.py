"""``SequenceReduction``: embedded sequences to one vector, by pooling, convolutions or attention."""

from cornu import layers


def _pooling(hp, name, x):
    return layers.GlobalAveragePooling1D()(x)


def _convolutions(hp, name, x):
    num_layers = hp.Int(f"{name}/conv_layers", 1, 2)
    filters = hp.Choice(f"{name}/conv_filters", [32, 64, 128], default=64)
    kernel_size = hp.Choice(f"{name}/conv_kernel_size", [3, 5])
    for _ in range(num_layers):
        x = layers.Conv1D(filters, kernel_size, padding="same", activation="relu")(x)
    return layers.GlobalMaxPooling1D()(x)


def _transformer(hp, name, x):
    num_heads = hp.Choice(f"{name}/attention_heads", [2, 4])
    feed_forward = hp.Choice(f"{name}/feed_forward_units", [32, 64, 128], default=64)
    dim = x.shape[-1]
    attended = layers.MultiHeadAttention(num_heads=num_heads, key_dim=max(dim // num_heads, 1))(x, x)
    x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, attended]))
    hidden = layers.Dense(feed_forward, activation="relu")(x)
    hidden = layers.Dense(dim)(hidden)
    x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, hidden]))
    return layers.GlobalAveragePooling1D()(x)


_REDUCTIONS = {"pooling": _pooling, "conv": _convolutions, "transformer": _transformer}


class SequenceReduction:
    """Reduces ``(batch, length, dim)`` to ``(batch, features)``; the way is the ``block_type`` choice.

    - ``"pooling"``: the average of the token vectors (a bag of embeddings);
    - ``"conv"``: 1 or 2 Conv1D layers, then max pooling over time;
    - ``"transformer"``: one self-attention + feed-forward block (post-norm), then average pooling.
      It has no position embedding (Keras has no built-in layer for one that every backend
      loads), so it sees word order only through the attention's content.

    Example:
    >>> features = SequenceReduction().build(hp, embedded_tokens)
    """

    def __init__(self, name="sequence_reduction", block_types=("pooling", "conv", "transformer")):
        unknown = set(block_types) - set(_REDUCTIONS)
        if unknown:
            raise ValueError(f"`block_types` must be a subset of {sorted(_REDUCTIONS)}. "
                             f"Received: block_types={block_types}")
        self.name = name
        self.block_types = block_types

    def build(self, hp, inputs):
        block_type = hp.Choice(f"{self.name}/block_type", list(self.block_types))
        return _REDUCTIONS[block_type](hp, self.name, inputs)
