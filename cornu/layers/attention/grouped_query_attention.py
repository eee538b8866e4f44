"""``GroupQueryAttention``: attention where groups of query heads share one key/value head."""

import math

from cornu import constraints, initializers, ops, regularizers
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.layers.activations.softmax import Softmax
from cornu.layers.attention import attention_arguments as arguments
from cornu.layers.attention import attention_masks
from cornu.layers.attention.flash_attention import is_flash_attention_enabled
from cornu.layers.core.einsum_dense import EinsumDense
from cornu.layers.layer import Layer
from cornu.layers.regularization.dropout import Dropout
from cornu.serialization.registry import keras_export

# Einsum letters: b batch, q query positions, k key positions, m model features,
# u query heads, v key/value heads, h channels per head.
_QUERY_EQUATION = "bqm,muh->bquh"
_KEY_VALUE_EQUATION = "bkm,mvh->bkvh"
_OUTPUT_EQUATION = "bquh,uhm->bqm"


@keras_export("keras.layers.GroupQueryAttention")
class GroupedQueryAttention(Layer):
    """Grouped-query attention (Ainslie et al., 2023).

    ``num_query_heads`` query heads share ``num_key_value_heads`` key/value
    heads (each key/value head serves ``num_query_heads // num_key_value_heads``
    query heads): 1 key/value head is multi-query attention, as many as query
    heads is multi-head attention. Inputs are ``(batch, positions, features)``;
    the output has the query's shape.

    Example:
    >>> layer = cornu.layers.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)
    >>> layer(np.ones((2, 5, 8)), np.ones((2, 3, 8))).shape
    (2, 5, 8)
    """

    def __init__(self, head_dim, num_query_heads, num_key_value_heads, dropout=0.0, use_bias=True,
                 sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None, **kwargs):
        name = "GroupQueryAttention"
        for argument, value in (("head_dim", head_dim), ("num_query_heads", num_query_heads),
                                ("num_key_value_heads", num_key_value_heads)):
            arguments.check_positive_int(name, argument, value)
        arguments.check_positive_int(name, "sliding_window", sliding_window, allow_none=True)
        arguments.check_dropout_rate(name, dropout)
        if num_query_heads % num_key_value_heads != 0:
            raise ValueError(
                "`num_query_heads` must be divisible by `num_key_value_heads`: each key/value head serves the same "
                f"number of query heads. Received: num_query_heads={num_query_heads}, "
                f"num_key_value_heads={num_key_value_heads}"
            )
        # As in Keras, the activity regularizer applies to the layer's output and to each projection.
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.supports_masking = True
        self.head_dim = head_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        self.num_repeats = num_query_heads // num_key_value_heads
        self.dropout = dropout
        self.use_bias = use_bias
        self.use_gate = use_gate
        self.sliding_window = sliding_window
        self._flash_attention = flash_attention or is_flash_attention_enabled()
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(head_dim))
        self._return_attention_scores = False
        if self._flash_attention and self.dropout > 0.0:
            raise ValueError(
                "Dropout is not supported when flash attention is enabled. Set dropout=0.0 to use flash attention, "
                f"or flash_attention=False to keep dropout. Received: dropout={dropout}, "
                f"flash_attention={flash_attention}"
            )

    # ------------------------------------------------------------------ build
    def _get_common_kwargs_for_sublayer(self):
        return dict(
            kernel_initializer=arguments.clone_initializer(self.kernel_initializer),
            bias_initializer=arguments.clone_initializer(self.bias_initializer),
            kernel_regularizer=self.kernel_regularizer,
            bias_regularizer=self.bias_regularizer,
            activity_regularizer=self.activity_regularizer,
            kernel_constraint=self.kernel_constraint,
            bias_constraint=self.bias_constraint,
            dtype=self.dtype_policy,
        )

    def _dense(self, equation, output_shape, bias_axes, name, activation=None):
        return EinsumDense(equation, output_shape=output_shape, bias_axes=bias_axes if self.use_bias else None,
                           activation=activation, name=name, **self._get_common_kwargs_for_sublayer())

    def _check_input_shapes(self, query_shape, value_shape, key_shape):
        for argument, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) != 3:
                raise ValueError(
                    f"GroupQueryAttention layer '{self.name}' needs 3-D inputs (batch_size, sequence_length, "
                    f"features). Received: {argument}_shape={tuple(shape)}"
                )
        arguments.check_key_value_shapes(value_shape, key_shape)

    def build(self, query_shape, value_shape, key_shape=None):
        """Creates the projections for inputs of these shapes (``key_shape`` defaults to ``value_shape``).

        Example:
        >>> cornu.layers.GroupQueryAttention(4, 4, 2).build((None, 5, 8), (None, 3, 8))
        """
        key_shape = value_shape if key_shape is None else key_shape
        self._check_input_shapes(query_shape, value_shape, key_shape)
        self.feature_dim = query_shape[-1]
        query_heads = (None, self.num_query_heads, self.head_dim)
        key_value_heads = (None, self.num_key_value_heads, self.head_dim)
        self._query_dense = self._dense(_QUERY_EQUATION, query_heads, "uh", "query")
        self._query_dense.build(query_shape)
        self._key_dense = self._dense(_KEY_VALUE_EQUATION, key_value_heads, "vh", "key")
        self._key_dense.build(key_shape)
        if self.use_gate:
            self._gate_dense = self._dense(_QUERY_EQUATION, query_heads, "uh", "gate", activation="sigmoid")
            self._gate_dense.build(query_shape)
        self._value_dense = self._dense(_KEY_VALUE_EQUATION, key_value_heads, "vh", "value")
        self._value_dense.build(value_shape)
        self._softmax = Softmax(axis=-1, dtype=self.dtype_policy)
        self._dropout_layer = Dropout(rate=self.dropout, dtype=self.dtype_policy, seed=self.seed)
        self._dot_product_equation = "bquh,bkuh->buqk"
        self._combine_equation = "buqk,bkuh->bquh"
        self._output_dense = self._dense(_OUTPUT_EQUATION, (None, self.feature_dim), "m", "attention_output")
        self._output_dense.build((None, None, self.num_query_heads, self.head_dim))

    def _maybe_build(self, args, kwargs):
        # Checks that both `query` and `value` were given before building (a clear error otherwise).
        if not self.built:
            self.build(*[s for s in arguments.call_shapes(self, args, kwargs) if s is not None])

    # ------------------------------------------------------------------- call
    def _masked_softmax(self, scores, attention_mask=None):
        if attention_mask is not None:
            attention_mask = attention_masks.expand_mask_to_scores(attention_mask, len(scores.shape), 1)
        return self._softmax(scores, mask=attention_mask)

    def _compute_attention(self, query, key, value, attention_mask=None, training=None, use_causal_mask=False):
        """Attention on projected tensors (key/value heads already repeated); returns ``(output, scores)``."""
        if self._flash_attention and self._return_attention_scores:
            raise ValueError(
                "Returning attention scores is not supported when flash attention is enabled. Pass "
                "flash_attention=False to the layer to get them. Received: return_attention_scores=True"
            )
        if not (self.dropout > 0.0 or self._return_attention_scores or len(query.shape) != 4):
            if attention_mask is not None:
                attention_mask = ops.cast(attention_masks.expand_mask_to_scores(attention_mask, 4, 1), "bool")
            output = ops.dot_product_attention(query, key, value, mask=attention_mask,
                                               scale=self._inverse_sqrt_head_dim, is_causal=use_causal_mask,
                                               flash_attention=self._flash_attention)
            return output, None
        if use_causal_mask:
            causal = attention_masks.causal_mask(query, value)
            attention_mask = causal if attention_mask is None else ops.logical_and(
                ops.cast(attention_mask, "bool"), causal)
        query = ops.multiply(query, ops.cast(self._inverse_sqrt_head_dim, query.dtype))
        scores = self._masked_softmax(ops.einsum(self._dot_product_equation, query, key), attention_mask)
        dropped = self._dropout_layer(scores, training=training) if self.dropout > 0.0 else scores
        return ops.einsum(self._combine_equation, dropped, value), scores

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores=False, training=None, use_causal_mask=False):
        self._return_attention_scores = return_attention_scores
        key_given = key is not None
        query_mask, value_mask, key_mask = arguments.inputs_keras_masks(
            query, value, key, key_given, query_mask, value_mask, key_mask)
        query, value = arguments.as_tensor(query), arguments.as_tensor(value)
        key = arguments.as_tensor(key) if key_given else value
        if attention_mask is not None:
            attention_mask = arguments.as_tensor(attention_mask)
            arguments.check_attention_mask(self, attention_mask, query.shape[0], [query.shape[1]], [key.shape[1]], 4)
        causal_only = (use_causal_mask and query_mask is None and value_mask is None and key_mask is None
                       and attention_mask is None and self.sliding_window is None
                       and type(self)._compute_attention is GroupedQueryAttention._compute_attention)
        if not causal_only:
            attention_mask = attention_masks.combine_attention_masks(
                query, value, query_mask=query_mask, value_mask=value_mask, key_mask=key_mask,
                attention_mask=attention_mask, use_causal_mask=use_causal_mask, sliding_window=self.sliding_window)
        gate = self._gate_dense(query) if self.use_gate else None
        projected_query = self._query_dense(query)
        # (batch, key positions, key/value heads, head_dim) -> one copy per query head of the group.
        projected_key = ops.repeat(self._key_dense(key), self.num_repeats, axis=2)
        projected_value = ops.repeat(self._value_dense(value), self.num_repeats, axis=2)
        extra = {"use_causal_mask": True} if causal_only else {}
        output, scores = self._compute_attention(projected_query, projected_key, projected_value,
                                                 attention_mask=attention_mask, training=training, **extra)
        if gate is not None:
            output = ops.multiply(output, gate)
        output = self._output_dense(output)
        if return_attention_scores:
            return output, scores
        return output

    # ---------------------------------------------------------------- shapes
    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        if query_shape[-1] != value_shape[-1]:
            raise ValueError(
                "The last dimension of `query_shape` and `value_shape` must be equal, but are "
                f"{query_shape[-1]}, {value_shape[-1]}. Received: query_shape={tuple(query_shape)}, "
                f"value_shape={tuple(value_shape)}"
            )
        arguments.check_key_value_shapes(value_shape, key_shape)
        return tuple(query_shape)

    def compute_output_spec(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
                            attention_mask=None, return_attention_scores=False, training=None,
                            use_causal_mask=False):
        output = KerasTensor(self.compute_output_shape(query.shape, value.shape, None if key is None else key.shape),
                             dtype=self.compute_dtype)
        if not return_attention_scores:
            return output
        key_length = (value if key is None else key).shape[1]
        scores_shape = (query.shape[0], self.num_query_heads, query.shape[1], key_length)
        return output, KerasTensor(scores_shape, dtype=self.compute_dtype)

    # ---------------------------------------------------------------- config
    def get_config(self):
        config = super().get_config()
        config.update({
            "head_dim": self.head_dim,
            "num_query_heads": self.num_query_heads,
            "num_key_value_heads": self.num_key_value_heads,
            "use_bias": self.use_bias,
            "use_gate": self.use_gate,
            "sliding_window": self.sliding_window,
            "dropout": self.dropout,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "seed": self.seed,
        })
        return config
