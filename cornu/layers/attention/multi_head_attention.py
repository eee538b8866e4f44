"""``MultiHeadAttention``: scaled dot-product attention over several learned projections."""

import math

from cornu import constraints, initializers, ops, regularizers
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.layers.activations.softmax import Softmax
from cornu.layers.attention import attention_arguments as arguments
from cornu.layers.attention import attention_masks
from cornu.layers.attention.einsum_equations import attention_equations, projection_equation, projection_output_shape
from cornu.layers.attention.flash_attention import is_flash_attention_enabled
from cornu.layers.core.einsum_dense import EinsumDense
from cornu.layers.layer import Layer
from cornu.layers.regularization.dropout import Dropout
from cornu.serialization.registry import keras_export


def _normalize_output_shape(output_shape):
    if not output_shape:
        return output_shape
    sizes = (output_shape,) if isinstance(output_shape, int) else output_shape
    try:
        sizes = tuple(sizes)
    except TypeError:
        sizes = None
    if sizes is None or not all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in sizes):
        raise ValueError(
            "Invalid `output_shape` for MultiHeadAttention: give the output sizes after the batch and attention "
            f"axes as a positive int or a tuple/list of positive ints, e.g. output_shape=64. "
            f"Received: output_shape={output_shape!r}"
        )
    return sizes


def _normalize_attention_axes(attention_axes):
    if isinstance(attention_axes, int) and not isinstance(attention_axes, bool):
        return (attention_axes,)
    if attention_axes and not isinstance(attention_axes, (list, tuple)):
        raise ValueError(
            f"`attention_axes` must be an int, list, or tuple of input axes to attend over. "
            f"Received: attention_axes={attention_axes!r}"
        )
    return attention_axes


@keras_export("keras.layers.MultiHeadAttention")
class MultiHeadAttention(Layer):
    """Multi-head attention ("Attention is all you need", Vaswani et al., 2017).

    ``query``, ``key`` and ``value`` are projected to ``num_heads`` heads (of
    ``key_dim`` channels for query and key, ``value_dim`` for value); each query
    position takes a softmax-weighted mix of the values, scored by the scaled
    query-key dot product; the heads are projected back to the query's last
    size (or ``output_shape``). ``attention_axes`` picks the axes attended over
    (default: every axis between batch and features). Without dropout and
    returned scores, on 3-D inputs, the backend's fused kernel does the work
    (``ops.dot_product_attention``, torch's scaled_dot_product_attention).

    Example:
    >>> layer = cornu.layers.MultiHeadAttention(num_heads=2, key_dim=4)
    >>> out, scores = layer(np.ones((1, 5, 8)), np.ones((1, 3, 8)), return_attention_scores=True)
    >>> out.shape, scores.shape
    ((1, 5, 8), (1, 2, 5, 3))
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None, **kwargs):
        arguments.check_positive_int("MultiHeadAttention", "num_heads", num_heads)
        arguments.check_positive_int("MultiHeadAttention", "key_dim", key_dim)
        arguments.check_positive_int("MultiHeadAttention", "value_dim", value_dim, allow_none=True)
        arguments.check_positive_int("MultiHeadAttention", "sliding_window", sliding_window, allow_none=True)
        arguments.check_dropout_rate("MultiHeadAttention", dropout)
        # The activity regularizer goes to the projections only, as in Keras.
        super().__init__(**kwargs)
        self.supports_masking = True
        self._num_heads = num_heads
        self._key_dim = key_dim
        self._value_dim = value_dim if value_dim else key_dim
        self._dropout = dropout
        self._use_bias = use_bias
        self._use_gate = use_gate
        self._output_shape = _normalize_output_shape(output_shape)
        self._flash_attention = flash_attention or is_flash_attention_enabled()
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        self._attention_axes = _normalize_attention_axes(attention_axes)
        self._sliding_window = sliding_window
        self.seed = seed
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(self._key_dim))
        if self._flash_attention and self._dropout > 0.0:
            raise ValueError(
                "Dropout is not supported when flash attention is enabled. Set dropout=0.0 to use flash attention, "
                f"or flash_attention=False to keep dropout. Received: dropout={dropout}, "
                f"flash_attention={flash_attention}"
            )

    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)
    # No public `output_shape`: Functional and Sequential models read that name from their layers.
    query_dense = property(lambda self: self._query_dense)
    key_dense = property(lambda self: self._key_dense)
    value_dense = property(lambda self: self._value_dense)
    output_dense = property(lambda self: self._output_dense)

    # ------------------------------------------------------------------ build
    def _get_common_kwargs_for_sublayer(self):
        return dict(
            kernel_initializer=arguments.clone_initializer(self._kernel_initializer),
            bias_initializer=arguments.clone_initializer(self._bias_initializer),
            kernel_regularizer=self._kernel_regularizer,
            bias_regularizer=self._bias_regularizer,
            activity_regularizer=self._activity_regularizer,
            kernel_constraint=self._kernel_constraint,
            bias_constraint=self._bias_constraint,
            dtype=self.dtype_policy,
        )

    def _projection(self, input_rank, heads_and_channels, name, activation=None):
        equation, bias_axes, output_rank = projection_equation(input_rank - 1, bound_dims=1, output_dims=2)
        return EinsumDense(equation, output_shape=projection_output_shape(output_rank - 1, heads_and_channels),
                           bias_axes=bias_axes if self._use_bias else None, activation=activation, name=name,
                           **self._get_common_kwargs_for_sublayer())

    def _check_input_shapes(self, query_shape, value_shape, key_shape):
        if len(query_shape) < 3:
            raise ValueError(
                f"MultiHeadAttention layer '{self.name}' needs a `query` of rank 3 or more: (batch_size, "
                f"<positions>, features), e.g. (batch_size, sequence_length, features). "
                f"Received: query_shape={tuple(query_shape)}"
            )
        if len(value_shape) != len(query_shape) or len(key_shape) != len(query_shape):
            raise ValueError(
                f"MultiHeadAttention layer '{self.name}' needs `query`, `value` and `key` of the same rank. "
                f"Received: query_shape={tuple(query_shape)}, value_shape={tuple(value_shape)}, "
                f"key_shape={tuple(key_shape)}"
            )
        arguments.check_key_value_shapes(value_shape, key_shape)

    def build(self, query_shape, value_shape, key_shape=None):
        """Creates the projections for inputs of these shapes (``key_shape`` defaults to ``value_shape``).

        Example:
        >>> cornu.layers.MultiHeadAttention(2, 4).build((None, 5, 8), (None, 3, 8))
        """
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        self._check_input_shapes(query_shape, value_shape, key_shape)
        heads = [self._num_heads, self._key_dim]
        self._query_dense = self._projection(len(query_shape), heads, "query")
        self._query_dense.build(query_shape)
        self._key_dense = self._projection(len(key_shape), heads, "key")
        self._key_dense.build(key_shape)
        if self._use_gate:
            self._gate_dense = self._projection(len(query_shape), [self._num_heads, self._value_dim], "gate",
                                                activation="sigmoid")
            self._gate_dense.build(query_shape)
        self._value_dense = self._projection(len(value_shape), [self._num_heads, self._value_dim], "value")
        self._value_dense.build(value_shape)
        self._build_attention(len(query_shape) + 1)
        self._output_dense = self._make_output_dense(query_shape, self._get_common_kwargs_for_sublayer(),
                                                     "attention_output")
        heads_output = list(self._query_dense.compute_output_shape(query_shape))
        heads_output[-1] = self._value_dim
        self._output_dense.build(tuple(heads_output))

    def _maybe_build(self, args, kwargs):
        # Checks that both `query` and `value` were given before building (a clear error otherwise).
        if not self.built:
            self.build(*[s for s in arguments.call_shapes(self, args, kwargs) if s is not None])

    def _make_output_dense(self, query_shape, common_kwargs, name=None):
        """The projection from (heads, value_dim) to the output's last axes."""
        output_shape = self._output_shape if self._output_shape else [query_shape[-1]]
        equation, bias_axes, output_rank = projection_equation(len(query_shape) - 1, bound_dims=2,
                                                               output_dims=len(output_shape))
        return EinsumDense(equation, output_shape=projection_output_shape(output_rank - 1, output_shape),
                           bias_axes=bias_axes if self._use_bias else None, name=name, **common_kwargs)

    def _resolve_attention_axes(self, rank):
        """Positive attention axes of the projected tensors (of rank ``rank``), checked."""
        input_rank = rank - 1
        if self._attention_axes is None:
            return tuple(range(1, rank - 2))
        axes = tuple(a if a >= 0 else input_rank + a for a in self._attention_axes)
        if not axes or len(set(axes)) != len(axes) or any(not 1 <= a <= input_rank - 2 for a in axes):
            raise ValueError(
                f"MultiHeadAttention layer '{self.name}': `attention_axes` must name distinct axes of the query "
                f"other than the batch axis (0) and the feature axis (-1), i.e. in [1, {input_rank - 2}] or "
                f"[{-(input_rank - 1)}, -2] for inputs of rank {input_rank}. "
                f"Received: attention_axes={self._attention_axes}"
            )
        return axes

    def _build_attention(self, rank):
        """Equations, softmax and dropout of the attention on projected tensors of rank ``rank``."""
        self._attention_axes = self._resolve_attention_axes(rank)
        self._dot_product_equation, self._combine_equation, scores_rank = attention_equations(
            rank, self._attention_axes)
        norm_axes = tuple(range(scores_rank - len(self._attention_axes), scores_rank))
        self._softmax = Softmax(axis=norm_axes, dtype=self.dtype_policy)
        self._dropout_layer = Dropout(rate=self._dropout, dtype=self.dtype_policy, seed=self.seed)

    # ------------------------------------------------------------------- call
    def _masked_softmax(self, attention_scores, attention_mask=None):
        if attention_mask is not None:
            attention_mask = attention_masks.expand_mask_to_scores(
                attention_mask, len(attention_scores.shape), len(self._attention_axes))
        return self._softmax(attention_scores, mask=attention_mask)

    def _compute_attention(self, query, key, value, attention_mask=None, training=None, return_attention_scores=False,
                           use_causal_mask=False):
        """Attention on projected tensors; returns ``(output, scores)`` (``scores`` None on the fused path).

        Override it to change how attention is computed (the projections stay in ``call``).
        """
        if self._flash_attention and return_attention_scores:
            raise ValueError(
                "Returning attention scores is not supported when flash attention is enabled. Pass "
                "flash_attention=False to the layer to get them. Received: return_attention_scores=True"
            )
        if not (self._dropout > 0.0 or return_attention_scores or len(query.shape) != 4):
            if attention_mask is not None:
                attention_mask = ops.cast(attention_masks.expand_mask_to_scores(attention_mask, 4, 1), "bool")
            output = ops.dot_product_attention(query, key, value, mask=attention_mask,
                                               scale=self._inverse_sqrt_key_dim, is_causal=use_causal_mask,
                                               flash_attention=self._flash_attention)
            return output, None
        if use_causal_mask:
            causal = attention_masks.causal_mask(query, value)
            attention_mask = causal if attention_mask is None else ops.logical_and(
                ops.cast(attention_mask, "bool"), causal)
        query = ops.multiply(query, ops.cast(self._inverse_sqrt_key_dim, query.dtype))
        scores = ops.einsum(self._dot_product_equation, key, query)
        scores = self._masked_softmax(scores, attention_mask)
        dropped = self._dropout_layer(scores, training=training) if self._dropout > 0.0 else scores
        return ops.einsum(self._combine_equation, dropped, value), scores

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores=False, training=None, use_causal_mask=False):
        key_given = key is not None
        query_mask, value_mask, key_mask = arguments.inputs_keras_masks(
            query, value, key, key_given, query_mask, value_mask, key_mask)
        query, value = arguments.as_tensor(query), arguments.as_tensor(value)
        key = arguments.as_tensor(key) if key_given else value
        if attention_mask is not None:
            attention_mask = arguments.as_tensor(attention_mask)
            axes = self._attention_axes if self.built else self._resolve_attention_axes(len(query.shape) + 1)
            arguments.check_attention_mask(self, attention_mask, query.shape[0], [query.shape[a] for a in axes],
                                           [key.shape[a] for a in axes], len(query.shape) + len(axes))
        # A causal mask alone goes to the fused kernel as `is_causal`, without building a (T, S) mask.
        causal_only = (use_causal_mask and query_mask is None and value_mask is None and key_mask is None
                       and attention_mask is None and self._sliding_window is None
                       and type(self)._compute_attention is MultiHeadAttention._compute_attention)
        if not causal_only:
            attention_mask = attention_masks.combine_attention_masks(
                query, value, query_mask=query_mask, value_mask=value_mask, key_mask=key_mask,
                attention_mask=attention_mask, use_causal_mask=use_causal_mask, sliding_window=self._sliding_window)
        gate = self._gate_dense(query) if self._use_gate else None
        projected_query = self._query_dense(query)
        projected_key = self._key_dense(key)
        projected_value = self._value_dense(value)
        extra = {"use_causal_mask": True} if causal_only else {}
        output, scores = self._compute_attention(projected_query, projected_key, projected_value, attention_mask,
                                                 training, return_attention_scores, **extra)
        if gate is not None:
            output = ops.multiply(output, gate)
        output = self._output_dense(output)
        if return_attention_scores:
            return output, scores
        return output

    # ---------------------------------------------------------------- shapes
    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        arguments.check_key_value_shapes(value_shape, key_shape)
        if self._output_shape:
            return query_shape[:-1] + tuple(self._output_shape)
        return query_shape

    def _scores_shape(self, query_shape, key_shape):
        rank = len(query_shape) + 1
        axes = self._attention_axes if self.built else self._resolve_attention_axes(rank)
        projected = tuple(query_shape[:-1]) + (self._num_heads,)
        batch_like = tuple(projected[i] for i in range(rank - 1) if i not in axes)
        return batch_like + tuple(query_shape[a] for a in axes) + tuple(key_shape[a] for a in axes)

    def compute_output_spec(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
                            attention_mask=None, return_attention_scores=False, training=None,
                            use_causal_mask=False):
        key_shape = None if key is None else key.shape
        output = KerasTensor(self.compute_output_shape(query.shape, value.shape, key_shape), dtype=self.compute_dtype)
        if not return_attention_scores:
            return output
        scores_shape = self._scores_shape(tuple(query.shape), tuple(value.shape if key is None else key.shape))
        return output, KerasTensor(scores_shape, dtype=self.compute_dtype)

    # ---------------------------------------------------------------- config
    def get_config(self):
        config = super().get_config()
        config.update({
            "num_heads": self._num_heads,
            "key_dim": self._key_dim,
            "value_dim": self._value_dim,
            "dropout": self._dropout,
            "use_bias": self._use_bias,
            "use_gate": self._use_gate,
            "output_shape": self._output_shape,
            "attention_axes": self._attention_axes,
            "sliding_window": self._sliding_window,
            "kernel_initializer": initializers.serialize(self._kernel_initializer),
            "bias_initializer": initializers.serialize(self._bias_initializer),
            "kernel_regularizer": regularizers.serialize(self._kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self._bias_regularizer),
            "activity_regularizer": regularizers.serialize(self._activity_regularizer),
            "kernel_constraint": constraints.serialize(self._kernel_constraint),
            "bias_constraint": constraints.serialize(self._bias_constraint),
            "seed": self.seed,
        })
        return config
