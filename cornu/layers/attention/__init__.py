"""Attention layers: multi-head, grouped-query, dot-product and additive attention."""

from cornu.layers.attention.additive_attention import AdditiveAttention
from cornu.layers.attention.attention import Attention
from cornu.layers.attention.flash_attention import (disable_flash_attention, enable_flash_attention,
                                                    is_flash_attention_enabled)
from cornu.layers.attention.grouped_query_attention import GroupedQueryAttention
from cornu.layers.attention.multi_head_attention import MultiHeadAttention

GroupQueryAttention = GroupedQueryAttention
