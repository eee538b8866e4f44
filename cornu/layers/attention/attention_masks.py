"""Boolean attention masks (True = may attend) shared by the multi-head attention layers."""

from cornu import ops


def causal_mask(query, value):
    """A ``(1, T, S)`` mask where query position ``i`` sees key positions ``j <= i``.

    ``T`` and ``S`` are axis 1 of ``query`` and ``value``.

    Example:
    >>> causal_mask(np.ones((1, 3, 2)), np.ones((1, 3, 2)))[0]  # lower triangle of ones
    """
    rows = ops.reshape(ops.arange(ops.shape(query)[1], dtype="int32"), (1, -1, 1))
    cols = ops.reshape(ops.arange(ops.shape(value)[1], dtype="int32"), (1, 1, -1))
    return ops.greater_equal(rows, cols)


def sliding_window_mask(query, value, window):
    """A ``(1, T, S)`` band mask: query position ``i`` sees key positions with ``|i - j| < window``.

    Combined with :func:`causal_mask` it gives the causal sliding window of Mistral-style models.

    Example:
    >>> sliding_window_mask(np.ones((1, 4, 2)), np.ones((1, 4, 2)), 2)[0]  # a band of width 3
    """
    rows = ops.reshape(ops.arange(ops.shape(query)[1], dtype="int32"), (1, -1, 1))
    cols = ops.reshape(ops.arange(ops.shape(value)[1], dtype="int32"), (1, 1, -1))
    return ops.less(ops.abs(ops.subtract(rows, cols)), window)


def _and(a, b):
    return b if a is None else ops.logical_and(a, b)


def combine_attention_masks(query, value, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
                            use_causal_mask=False, sliding_window=None):
    """One boolean mask of shape ``(B, T, S)`` (or broadcastable to it) from every mask source, or None.

    The query mask ``(B, T)`` becomes ``(B, T, 1)``; the value and key masks ``(B, S)`` become
    ``(B, 1, S)``; the causal and sliding-window masks are ``(1, T, S)``. All are combined with a
    logical AND, so a position is attended to only when every source allows it.

    Example:
    >>> combine_attention_masks(q, v, value_mask=np.array([[1, 1, 0]])).shape
    (1, 1, 3)
    """
    combined = None
    if query_mask is not None:
        combined = ops.expand_dims(ops.cast(query_mask, "bool"), -1)
    if value_mask is not None:
        combined = _and(combined, ops.expand_dims(ops.cast(value_mask, "bool"), -2))
    if key_mask is not None:
        combined = _and(combined, ops.expand_dims(ops.cast(key_mask, "bool"), -2))
    if use_causal_mask:
        combined = _and(combined, causal_mask(query, value))
    if sliding_window is not None:
        combined = _and(combined, sliding_window_mask(query, value, sliding_window))
    if attention_mask is not None:
        combined = _and(ops.cast(attention_mask, "bool"), combined) if combined is not None else ops.cast(
            attention_mask, "bool")
    return combined


def expand_mask_to_scores(mask, scores_rank, num_attention_axes):
    """Inserts axes before the query attention axes until ``mask`` has ``scores_rank`` axes.

    A ``(B, T, S)`` mask so lines up with ``(B, heads, T, S)`` scores (heads and other
    batch-like axes get size 1).
    """
    axis = -2 * num_attention_axes - 1
    for _ in range(scores_rank - len(mask.shape)):
        mask = ops.expand_dims(mask, axis=axis)
    return mask
