"""Dtype policies: the dtype a layer computes in and the dtype of its variables."""

from cornu.dtype_policies.dtype_policy import DTypePolicy, FloatDTypePolicy, dtype_policy, get, set_dtype_policy

__all__ = ["DTypePolicy", "FloatDTypePolicy", "dtype_policy", "get", "set_dtype_policy"]
