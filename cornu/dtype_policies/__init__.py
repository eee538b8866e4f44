"""Dtype policies: the dtype a layer computes in and the dtype of its variables."""

from cornu.dtype_policies.dtype_policy import DTypePolicy, FloatDTypePolicy, dtype_policy, set_dtype_policy
from cornu.dtype_policies.dtype_policy_map import DTypePolicyMap
from cornu.dtype_policies.policy_lookup import deserialize, get, serialize
from cornu.dtype_policies.quantized_dtype_policy import (AWQDTypePolicy, GPTQDTypePolicy, Int4DTypePolicy,
                                                         QuantizedDTypePolicy, QuantizedFloat8DTypePolicy)

__all__ = ["AWQDTypePolicy", "DTypePolicy", "DTypePolicyMap", "FloatDTypePolicy", "GPTQDTypePolicy", "Int4DTypePolicy",
           "QuantizedDTypePolicy", "QuantizedFloat8DTypePolicy", "deserialize", "dtype_policy", "get", "serialize",
           "set_dtype_policy"]
