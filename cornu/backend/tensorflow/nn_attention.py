"""TensorFlow ``dot_product_attention``: two batched matmuls around a float32 softmax.

TensorFlow has no fused attention kernel, so the logits are one batched matmul, computed (with
the softmax) in at least float32 as JAX's ``preferred_element_type`` does. ``flash_attention=True``
is refused, as Keras's TensorFlow backend refuses it; ``None`` and ``False`` mean the same.

Example:
>>> q = tf.ones((2, 5, 4, 8))              # (batch, steps, heads, head_dim)
>>> dot_product_attention(q, q, q, is_causal=True).shape
TensorShape([2, 5, 4, 8])
"""

import math

import tensorflow as tf

from cornu.backend.common.dtypes import result_type
from cornu.backend.tensorflow.core import convert_to_tensor
from cornu.backend.tensorflow.numpy.einsum_matmul import einsum_as_matmul


def _causal_keep(logits):
    """``(T, S)`` booleans: query ``t`` may attend to key ``s <= t``."""
    shape = tf.shape(logits)
    return tf.linalg.band_part(tf.ones((shape[-2], shape[-1]), tf.bool), -1, 0)


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False, flash_attention=None, attn_logits_soft_cap=None):
    if flash_attention:
        raise ValueError(
            "Flash attention is not supported on the TensorFlow backend. Pass flash_attention=None "
            f"or False (the result is the same). Received: flash_attention={flash_attention}"
        )
    query = convert_to_tensor(query)
    key = convert_to_tensor(key, query.dtype)
    value = convert_to_tensor(value, query.dtype)
    if query.shape.rank != 4 or key.shape.rank != 4 or value.shape.rank != 4:
        raise ValueError(
            "`dot_product_attention` expects 4D query, key and value of shape (batch, steps, heads, head_dim). "
            f"Received: query.shape={tuple(query.shape)}, key.shape={tuple(key.shape)}, value.shape={tuple(value.shape)}"
        )
    heads, kv_heads = query.shape[2], key.shape[2]
    if heads != kv_heads:
        if heads is None or kv_heads is None or heads % kv_heads:
            raise ValueError(
                "The number of query heads must be a multiple of the number of key/value heads. "
                f"Received: query.shape={tuple(query.shape)}, key.shape={tuple(key.shape)}"
            )
        # Grouped-query attention: each key/value head serves heads // kv_heads query heads.
        key = tf.repeat(key, heads // kv_heads, axis=2)
        value = tf.repeat(value, heads // kv_heads, axis=2)
    logits_dtype = tf.as_dtype(result_type(query.dtype, "float32"))
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    # As matmuls: TensorFlow's Einsum kernel is ~1.6x slower on the CPU (numpy/einsum_matmul.py).
    logits = einsum_as_matmul("btnh,bsnh->bnts", tf.cast(query, logits_dtype), tf.cast(key, logits_dtype))
    logits = logits * tf.cast(scale, logits_dtype)
    if attn_logits_soft_cap is not None:
        cap = tf.cast(attn_logits_soft_cap, logits_dtype)
        logits = cap * tf.tanh(logits / cap)
    if bias is not None:
        logits = logits + convert_to_tensor(bias, logits_dtype)
    keep = None if mask is None else convert_to_tensor(mask, "bool")
    if is_causal:
        causal = _causal_keep(logits)
        keep = causal if keep is None else tf.logical_and(keep, causal)
    if keep is not None:
        logits = tf.where(keep, logits, tf.constant(logits_dtype.min, logits_dtype))
    weights = tf.cast(tf.nn.softmax(logits, axis=-1), value.dtype)
    return einsum_as_matmul("bnts,bsnh->btnh", weights, value)
