"""``Embedding``: looks up a dense vector for each integer index."""

import warnings

from cornu import constraints, initializers, ops, regularizers
from cornu.layers.core.quantized_embedding import EmbeddingInt8
from cornu.layers.layer import Layer
from cornu.serialization.keras_objects import serialize_keras_object
from cornu.serialization.registry import keras_export


def _check_positive_int(value, name):
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(
            f"`{name}` must be a positive integer. Received: {name}={value!r} (of type {type(value).__name__})."
        )


@keras_export("keras.layers.Embedding")
class Embedding(EmbeddingInt8, Layer):
    """Maps non-negative integer indices to dense vectors of size ``output_dim``.

    Inputs of shape ``(batch, length)`` give outputs ``(batch, length, output_dim)``.
    With ``mask_zero=True`` the index 0 is padding: the output carries a mask that
    is ``False`` where the input is 0 (so ``input_dim`` must be vocabulary size + 1).

    Example:
    >>> layer = cornu.layers.Embedding(input_dim=1000, output_dim=64)
    >>> layer(np.array([[4, 20, 7]])).shape
    (1, 3, 64)
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, weights=None, lora_rank=None, lora_alpha=None,
                 quantization_config=None, **kwargs):
        _check_positive_int(input_dim, "input_dim")
        _check_positive_int(output_dim, "output_dim")
        if kwargs.pop("input_length", None) is not None:
            warnings.warn("Argument `input_length` is deprecated. Just remove it.", stacklevel=2)
        super().__init__(**kwargs)
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        # Indices must stay integers: the layer casts its own output instead.
        self.autocast = False
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
        self.quantization_config = quantization_config
        if weights is not None:
            self.build()
            if not (isinstance(weights, list) and len(weights) == 1):
                weights = [weights]
            self.set_weights(weights)

    def build(self, input_shape=None):
        if self.built:
            return
        if self.quantization_mode is not None:  # built from a quantized policy (a loaded file)
            self.quantized_build((self.input_dim, self.output_dim), self.quantization_mode, self.quantization_config)
        else:
            self._embeddings = self.add_weight(
                shape=(self.input_dim, self.output_dim), initializer=self.embeddings_initializer, name="embeddings",
                regularizer=self.embeddings_regularizer, constraint=self.embeddings_constraint, trainable=True,
            )
        self.built = True
        if self.lora_rank:
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    @property
    def embeddings(self):
        """The lookup table (with the LoRA update added when LoRA is enabled)."""
        if not self.built:
            raise AttributeError("You must build the layer before accessing `embeddings`.")
        if not self.lora_enabled:
            return self._embeddings
        delta = ops.matmul(self.lora_embeddings_a, self.lora_embeddings_b)
        return ops.cast(ops.add(self._embeddings, (self.lora_alpha / self.lora_rank) * delta), self.compute_dtype)

    @property
    def weights(self):
        if self.lora_enabled:
            # Keras keeps creation order: the frozen table first, then the two LoRA factors.
            return [self._embeddings, self.lora_embeddings_a, self.lora_embeddings_b]
        return super().weights

    def call(self, inputs):
        if self._is_quantized:
            return self._int8_call(inputs)
        if ops.dtype(inputs) not in ("int32", "int64"):
            inputs = ops.cast(inputs, "int32")
        outputs = ops.take(self.embeddings, inputs, axis=0)
        return ops.cast(outputs, self.compute_dtype)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.output_dim)

    def enable_lora(self, rank, lora_alpha=None, a_initializer="he_uniform", b_initializer="zeros"):
        """Freezes the table and learns a low-rank update ``(alpha / rank) * A @ B`` instead.

        Example:
        >>> layer = cornu.layers.Embedding(100, 16)
        >>> layer.build()
        >>> layer.enable_lora(4)
        """
        if self.embeddings_constraint:
            raise ValueError(
                "LoRA is incompatible with embedding constraints. To enable LoRA on this layer, remove the "
                f"`embeddings_constraint` argument. Received: embeddings_constraint={self.embeddings_constraint!r}"
            )
        if not self.built:
            raise ValueError("Cannot enable LoRA on a layer that isn't built yet. Call `layer.build()` first.")
        if self._is_quantized:
            raise NotImplementedError(
                f"LoRA on a quantized Embedding ('{self.name}', {self.dtype_policy.name}) is not implemented in cornu "
                "yet; see the README's list of missing features. Enable LoRA on the float layer instead."
            )
        if self.lora_enabled:
            raise ValueError("LoRA is already enabled. This can only be done once per layer.")
        with self._state_unlocked():  # the built layer's state is locked; the adapters are the exception
            self.lora_embeddings_a = self.add_weight(
                name="lora_embeddings_a", shape=(self.input_dim, rank), initializer=initializers.get(a_initializer),
                dtype="float32", regularizer=self.embeddings_regularizer,
            )
            self.lora_embeddings_b = self.add_weight(
                name="lora_embeddings_b", shape=(rank, self.output_dim),
                initializer=initializers.get(b_initializer), dtype="float32", regularizer=self.embeddings_regularizer,
            )
        self._embeddings.trainable = False
        self.lora_enabled = True
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    def save_own_variables(self, store):
        # Keras stores one table, with any LoRA update merged into it.
        if self._is_quantized:
            return super().save_own_variables(store)
        if not self.built:
            return
        if self.lora_enabled:
            store["0"] = ops.convert_to_numpy(ops.cast(self.embeddings, self._embeddings.dtype))
        else:
            store["0"] = self._embeddings.numpy()

    def load_own_variables(self, store):
        if self._is_quantized:
            return super().load_own_variables(store)
        if not self.built:
            return
        if len(store) != 1:
            raise ValueError(
                f"Layer '{self.name}' expected 1 variable (the embeddings table), but received {len(store)} "
                "variables during loading."
            )
        self._embeddings.assign(store["0"])
        if self.lora_enabled:
            self.lora_embeddings_a.assign(ops.zeros(self.lora_embeddings_a.shape))
            self.lora_embeddings_b.assign(ops.zeros(self.lora_embeddings_b.shape))

    def get_config(self):
        config = super().get_config()
        config.update({
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "quantization_config": serialize_keras_object(self.quantization_config),
        })
        if self.lora_rank:
            config["lora_rank"] = self.lora_rank
            config["lora_alpha"] = self.lora_alpha
        return config
