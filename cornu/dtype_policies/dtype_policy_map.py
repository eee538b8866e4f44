"""``DTypePolicyMap``: per-layer-path dtype policies (not in cornu yet)."""

from cornu.dtype_policies.dtype_policy import DTypePolicy
from cornu.serialization.registry import keras_export


@keras_export("keras.dtype_policies.DTypePolicyMap")
class DTypePolicyMap(DTypePolicy):
    """A dict-like map from layer paths to dtype policies (not in cornu yet).

    Example:
    >>> cornu.dtype_policies.DTypePolicyMap()  # raises NotImplementedError
    """

    def __init__(self, default_policy=None, policy_map=None):
        raise NotImplementedError(
            "DTypePolicyMap (per-layer-path dtype policies) is not implemented in cornu yet; see the README's list "
            "of missing features. Give each layer its policy with its `dtype` argument instead."
        )
