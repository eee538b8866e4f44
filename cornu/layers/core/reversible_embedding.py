"""``ReversibleEmbedding``: an embedding that also maps hidden states back to logits over its
vocabulary (tied to the table, or with its own reverse matrix)."""

from cornu import ops
from cornu.backend import KerasTensor, set_keras_mask
from cornu.layers.core.embedding import Embedding
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.ReversibleEmbedding")
class ReversibleEmbedding(Embedding):
    """``layer(ids)`` looks ids up as ``Embedding`` does; ``layer(hidden, reverse=True)`` gives
    ``hidden @ embeddings.T`` (or ``hidden @ reverse_embeddings`` when ``tie_weights=False``),
    logits over the ``input_dim`` tokens, optionally soft-capped: ``cap * tanh(logits / cap)``.

    Args:
        tie_weights: reuse the embedding table for the reverse projection.
        reverse_dtype: dtype of the reverse matrix product (None: the inputs' dtype).
        logit_soft_cap: the cap, or None.

    Example:
    >>> layer = cornu.layers.ReversibleEmbedding(100, 16)
    >>> hidden = layer(np.array([[1, 2, 3]]))          # (1, 3, 16)
    >>> logits = layer(hidden, reverse=True)           # (1, 3, 100)
    """

    def __init__(self, input_dim, output_dim, tie_weights=True, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False, reverse_dtype=None,
                 logit_soft_cap=None, **kwargs):
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer, embeddings_constraint=embeddings_constraint,
                         mask_zero=mask_zero, **kwargs)
        self.tie_weights = tie_weights
        self.reverse_dtype = reverse_dtype
        self.logit_soft_cap = logit_soft_cap

    def build(self, input_shape=None):
        super().build(input_shape)
        if not getattr(self, "tie_weights", True) and not hasattr(self, "reverse_embeddings"):
            self.reverse_embeddings = self.add_weight(
                shape=(self.output_dim, self.input_dim), initializer=self.embeddings_initializer,
                name="reverse_embeddings", trainable=True,
            )

    def call(self, inputs, reverse=False):
        if not reverse:
            outputs = super().call(inputs)
            mask = super().compute_mask(inputs)
            if mask is not None:
                set_keras_mask(outputs, mask)
            return outputs
        kernel = ops.transpose(self.embeddings) if self.tie_weights else self.reverse_embeddings
        if self.reverse_dtype is not None:
            inputs = ops.cast(inputs, self.reverse_dtype)
            kernel = ops.cast(kernel, self.reverse_dtype)
        logits = ops.matmul(inputs, kernel)
        if self.logit_soft_cap is not None:
            logits = ops.multiply(ops.tanh(ops.divide(logits, self.logit_soft_cap)), self.logit_soft_cap)
        return logits

    def compute_mask(self, inputs, mask=None):
        return None  # the forward call attaches its own mask; the reverse call has none

    def compute_output_shape(self, input_shape, reverse=False):
        if reverse:
            return tuple(input_shape[:-1]) + (self.input_dim,)
        return tuple(input_shape) + (self.output_dim,)

    def compute_output_spec(self, inputs, reverse=False):
        return KerasTensor(self.compute_output_shape(tuple(inputs.shape), reverse=reverse), dtype=self.compute_dtype)

    def save_own_variables(self, store):
        super().save_own_variables(store)
        if self.built and not self.tie_weights:
            store["1"] = self.reverse_embeddings.numpy()

    def load_own_variables(self, store):
        if not self.built or self.tie_weights:
            return super().load_own_variables(store)
        if len(store) != 2:
            raise ValueError(
                f"Layer '{self.name}' expected 2 variables (embeddings, reverse_embeddings), but received "
                f"{len(store)} variables during loading."
            )
        super().load_own_variables({"0": store["0"]})
        self.reverse_embeddings.assign(store["1"])

    def get_config(self):
        config = super().get_config()
        config.update({"tie_weights": self.tie_weights, "reverse_dtype": self.reverse_dtype,
                       "logit_soft_cap": self.logit_soft_cap})
        return config
