"""Argument checks and input handling shared by ``MultiHeadAttention`` and ``GroupQueryAttention``."""

import numbers

from cornu import backend, ops


def check_positive_int(layer_name, argument, value, allow_none=False):
    """Raises a Keras-style ValueError unless ``value`` is a positive int (or None when allowed)."""
    if value is None and allow_none:
        return
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        expected = "a positive integer or `None`" if allow_none else "a positive integer"
        raise ValueError(
            f"Received an invalid value for argument `{argument}` of {layer_name}, expected {expected}. "
            f"Received: {argument}={value!r}"
        )


def check_dropout_rate(layer_name, dropout):
    if not isinstance(dropout, numbers.Real) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
        raise ValueError(
            f"Invalid value for argument `dropout` of {layer_name}: expected a float between 0 and 1 (the fraction "
            f"of attention weights dropped during training). Received: dropout={dropout!r}"
        )


def call_shapes(layer, args, kwargs):
    """``(query_shape, value_shape, key_shape or None)`` from the arguments of a call."""
    names = ("query", "value", "key")
    bound = dict(zip(names, args))
    bound.update({name: kwargs[name] for name in names if name in kwargs})
    missing = [name for name in ("query", "value") if bound.get(name) is None]
    if missing:
        raise ValueError(
            f"{type(layer).__name__} layer '{layer.name}' needs both a `query` and a `value` tensor (and optionally "
            f"a `key`): call it as `layer(query, value)` or `layer(query, value, key)`. Missing: {missing}"
        )
    return tuple(tuple(bound[n].shape) if bound.get(n) is not None else None for n in names)


def inputs_keras_masks(query, value, key, key_given, query_mask, value_mask, key_mask):
    """The masks to use: the explicit arguments, else the Keras masks the tensors carry."""
    if query_mask is None:
        query_mask = backend.get_keras_mask(query)
    if value_mask is None:
        value_mask = backend.get_keras_mask(value)
    if key_mask is None and key_given:
        key_mask = backend.get_keras_mask(key)
    return query_mask, value_mask, key_mask


def as_tensor(x):
    return x if backend.is_tensor(x) else ops.convert_to_tensor(x)


def check_key_value_shapes(value_shape, key_shape):
    if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
        raise ValueError(
            "All dimensions of `value` and `key`, except the last one, must be equal: `key` and `value` describe "
            f"the same positions. Received: value_shape={tuple(value_shape)} and key_shape={tuple(key_shape)}"
        )


def check_attention_mask(layer, attention_mask, batch_size, query_positions, key_positions, scores_rank):
    """Checks that ``attention_mask`` lines up with the attention scores.

    Its last axes must be the query then the key positions (size 1 broadcasts); before them it may
    have the batch axis, and up to the scores' other axes (heads included), as Keras allows.
    """
    shape = tuple(attention_mask.shape)
    positions = tuple(query_positions) + tuple(key_positions)
    expected = (batch_size,) + positions

    def fits(actual, wanted):
        return all(a is None or w is None or a in (1, w) for a, w in zip(actual, wanted))

    ok = len(positions) <= len(shape) <= scores_rank and fits(shape[len(shape) - len(positions):], positions)
    if ok and len(shape) > len(positions):
        ok = fits(shape[:1], (batch_size,))
    if not ok:
        raise ValueError(
            f"The `attention_mask` of {type(layer).__name__} layer '{layer.name}' must broadcast to "
            f"(batch_size, <query positions>, <key positions>) = {expected}, with True where a query "
            f"position may attend to a key position. Received: attention_mask.shape={shape}"
        )


def clone_initializer(initializer):
    """A fresh copy, so that sub-layers do not share one (stateless) initializer and its values."""
    return type(initializer).from_config(initializer.get_config())


