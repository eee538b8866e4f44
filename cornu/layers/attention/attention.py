"""``Attention``: dot-product (Luong-style) attention between a query and a value sequence."""

from cornu import backend, ops, random
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export
from cornu.tree import is_shape

_SCORE_MODES = ("dot", "concat")


@keras_export("keras.layers.Attention")
class Attention(Layer):
    """Dot-product attention, a.k.a. Luong-style attention.

    Called on ``[query, value]`` or ``[query, value, key]`` (``key`` defaults to
    ``value``), with shapes ``(batch, Tq, dim)`` and ``(batch, Tv, dim)``. Scores
    are ``query @ key^T`` (``score_mode="dot"``) or
    ``sum(tanh(query + key))`` (``"concat"``), optionally scaled by a learned
    scalar (``use_scale``); the output mixes the values with the softmax of the
    scores. ``mask=[query_mask, value_mask]``: masked values get no weight,
    masked query positions output 0.

    Example:
    >>> layer = cornu.layers.Attention()
    >>> layer([np.ones((2, 3, 4)), np.ones((2, 5, 4))]).shape
    (2, 3, 4)
    """

    _scores_add_query_and_key = False

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in _SCORE_MODES:
            raise ValueError(
                f"Invalid value for argument score_mode. Expected one of {{'dot', 'concat'}}. "
                f"Received: score_mode={score_mode!r}"
            )
        if not isinstance(dropout, (int, float)) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError(
                f"Invalid value for argument `dropout` of {type(self).__name__}: expected a float between 0 and 1 "
                f"(the fraction of attention weights dropped during training). Received: dropout={dropout!r}"
            )
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        if self.dropout > 0:
            self.seed_generator = random.SeedGenerator(seed=seed)

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(), initializer="ones", dtype=self.dtype)
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(name="concat_score_weight", shape=(), initializer="ones",
                                                       dtype=self.dtype)

    def _calculate_scores(self, query, key):
        """Scores of shape ``(batch, Tq, Tv)`` from ``query`` ``(batch, Tq, dim)`` and ``key`` ``(batch, Tv, dim)``."""
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.swapaxes(key, -2, -1))
            return scores if self.scale is None else ops.multiply(scores, self.scale)
        # "concat": every (query, key) pair summed through tanh; (batch, Tq, 1, dim) + (batch, 1, Tv, dim).
        pairs = ops.add(ops.expand_dims(query, axis=-2), ops.expand_dims(key, axis=-3))
        if self.scale is not None:
            pairs = ops.multiply(self.scale, pairs)
        return ops.multiply(self.concat_score_weight, ops.sum(ops.tanh(pairs), axis=-1))

    def _apply_scores(self, scores, value, scores_mask=None, training=False):
        """Softmax of ``scores`` (masked positions pushed far down) applied to ``value``; returns (output, weights)."""
        if scores_mask is not None:
            padding = ops.logical_not(scores_mask)
            if len(padding.shape) == 2:
                padding = ops.expand_dims(padding, axis=-2)
            # 65504 is float16's largest value.
            large = 65504.0 if backend.standardize_dtype(scores.dtype) == "float16" else 1.0e9
            scores = ops.where(padding, ops.subtract(scores, large), scores)
        weights = ops.softmax(scores, axis=-1)
        if training and self.dropout > 0:
            weights = random.dropout(weights, self.dropout, seed=self.seed_generator)
        return ops.matmul(weights, value), weights

    def _calculate_score_mask(self, scores, value_mask, use_causal_mask):
        if not use_causal_mask:
            return value_mask
        shape = ops.shape(scores)
        rows = ops.reshape(ops.arange(shape[-2], dtype="int32"), (1, -1, 1))
        cols = ops.reshape(ops.arange(shape[-1], dtype="int32"), (1, 1, -1))
        causal = ops.greater_equal(rows, cols)
        if value_mask is None:
            return causal
        return ops.logical_and(ops.expand_dims(value_mask, axis=-2), causal)

    def call(self, inputs, mask=None, training=False, return_attention_scores=False, use_causal_mask=False):
        self._validate_inputs(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask = mask[0] if mask else None
        value_mask = mask[1] if mask else None
        if value_mask is not None:
            value_mask = ops.cast(value_mask, "bool")
        scores = self._calculate_scores(query=query, key=key)
        scores_mask = self._calculate_score_mask(scores, value_mask, use_causal_mask)
        output, weights = self._apply_scores(scores, value, scores_mask=scores_mask, training=training)
        if query_mask is not None:
            output = ops.where(ops.expand_dims(ops.cast(query_mask, "bool"), axis=-1), output,
                               ops.zeros_like(output))
        if return_attention_scores:
            return output, weights
        return output

    def compute_mask(self, inputs, mask=None):
        self._validate_inputs(inputs, mask)
        if mask is None or mask[0] is None:
            return None
        return ops.convert_to_tensor(mask[0])

    def compute_output_shape(self, input_shape):
        # With only [query, value] shapes, the key's size is unknown here: check the structure only.
        self._validate_inputs(input_shape, check_sizes=False)
        return (*input_shape[0][:-1], input_shape[1][-1])

    def compute_output_spec(self, inputs, mask=None, return_attention_scores=False, training=None,
                            use_causal_mask=False):
        self._validate_inputs(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        output = KerasTensor(self.compute_output_shape([query.shape, value.shape, key.shape]),
                             dtype=self.compute_dtype)
        if not return_attention_scores:
            return output
        return output, KerasTensor((*query.shape[:-1], key.shape[-2]), dtype=self.compute_dtype)

    def _validate_inputs(self, inputs, mask=None, check_sizes=True):
        name = type(self).__name__
        if not isinstance(inputs, (list, tuple)) or is_shape(inputs):
            raise ValueError(
                f"{name} layer must be called on a list of inputs, namely [query, value] or [query, value, key]. "
                f"Received: inputs={inputs}."
            )
        if len(inputs) < 2 or len(inputs) > 3:
            raise ValueError(
                f"{name} layer accepts inputs list of length 2 or 3, namely [query, value] or [query, value, key]. "
                f"Received length: {len(inputs)}."
            )
        if mask is not None:
            if not isinstance(mask, (list, tuple)):
                raise ValueError(
                    f"{name} layer mask must be a list, namely [query_mask, value_mask]. Received: mask={mask}."
                )
            if len(mask) < 2 or len(mask) > 3:
                raise ValueError(
                    f"{name} layer accepts mask list of length 2 or 3. Received: inputs={inputs}, mask={mask}."
                )
        if not check_sizes:
            return
        shapes = [tuple(x) if is_shape(x) else tuple(x.shape) for x in inputs]
        value_shape = shapes[1]
        key_shape = shapes[2] if len(shapes) > 2 else value_shape
        self._check_shapes(shapes[0], value_shape, key_shape)

    def _check_shapes(self, query_shape, value_shape, key_shape):
        name = type(self).__name__
        if key_shape[-2:-1] != value_shape[-2:-1] and None not in (key_shape[-2], value_shape[-2]):
            raise ValueError(
                f"{name} layer needs `key` and `value` with the same number of positions (axis -2). "
                f"Received: value_shape={value_shape}, key_shape={key_shape}"
            )
        query_dim, key_dim = query_shape[-1], key_shape[-1]
        # "dot" multiplies query and key feature by feature; "concat" and additive scores add them (broadcasting).
        adds = self.score_mode == "concat" or self._scores_add_query_and_key
        compatible = query_dim == key_dim or (adds and 1 in (query_dim, key_dim))
        if None not in (query_dim, key_dim) and not compatible:
            raise ValueError(
                f"{name} layer needs `query` and `key` with the same last dimension (they are combined feature "
                f"by feature); project one of them first, e.g. with a Dense layer. "
                f"Received: query_shape={query_shape}, key_shape={key_shape}"
            )

    def get_config(self):
        config = super().get_config()
        config.update({"use_scale": self.use_scale, "score_mode": self.score_mode, "dropout": self.dropout,
                       "seed": self.seed})
        return config
