"""``DTypePolicy``: ``"float32"``, ``"mixed_float16"`` (compute float16, variables
float32), ``"mixed_bfloat16"``, ..."""

from cornu.backend import config
from cornu.backend.common import global_state
from cornu.backend.common.dtypes import FLOAT, standardize_dtype
from cornu.serialization.registry import keras_export

# The default policy lives in the (thread-local) global state, so `clear_session()` resets it,
# as in Keras.
_POLICY_KEY = "dtype_policy"


@keras_export("keras.DTypePolicy", "keras.dtype_policies.DTypePolicy", "keras.mixed_precision.DTypePolicy",
              "keras.mixed_precision.Policy")
class DTypePolicy:
    """The compute and variable dtypes of a layer.

    Example:
    >>> policy = cornu.DTypePolicy("mixed_float16")
    >>> policy.compute_dtype, policy.variable_dtype
    ('float16', 'float32')
    """

    def __init__(self, name=None):
        if name is None:
            name = dtype_policy().name
        if not isinstance(name, str):
            raise TypeError(f"`name` must be a string such as 'float32' or 'mixed_float16'. Received: name={name!r}")
        self._name = name
        if name in ("mixed_float16", "mixed_bfloat16"):
            self._compute_dtype, self._variable_dtype = name.split("_")[1], "float32"
        else:
            try:
                dtype = standardize_dtype(name)
            except ValueError:
                raise ValueError(
                    "Cannot convert the policy name to a dtype policy: use a dtype name such as "
                    f"'float32' or 'mixed_float16' / 'mixed_bfloat16'. Received: name={name!r}"
                )
            self._compute_dtype = self._variable_dtype = dtype

    @property
    def name(self):
        return self._name

    @property
    def compute_dtype(self):
        return self._compute_dtype

    @property
    def variable_dtype(self):
        return self._variable_dtype

    @property
    def quantization_mode(self):
        """The quantization mode ("int8", ...), None for a float policy."""
        return None

    @property
    def is_mixed(self):
        return self._compute_dtype != self._variable_dtype

    def get_config(self):
        return {"name": self._name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        return isinstance(other, DTypePolicy) and other._name == self._name

    def __hash__(self):
        return hash(self._name)

    def __repr__(self):
        return f'<DTypePolicy "{self._name}">'


@keras_export("keras.dtype_policies.FloatDTypePolicy", "keras.FloatDTypePolicy")
class FloatDTypePolicy(DTypePolicy):
    """Alias of :class:`DTypePolicy` kept for Keras compatibility."""


@keras_export("keras.config.set_dtype_policy", "keras.mixed_precision.set_dtype_policy",
              "keras.mixed_precision.set_global_policy")
def set_dtype_policy(policy):
    """Sets the default dtype policy of new layers, e.g. ``"mixed_bfloat16"``."""
    global_state.set_global_attribute(_POLICY_KEY, None if policy is None else get(policy))


@keras_export("keras.config.dtype_policy", "keras.mixed_precision.dtype_policy",
              "keras.mixed_precision.global_policy")
def dtype_policy():
    """Returns the default dtype policy (floatx when none was set)."""
    return global_state.get_global_attribute(_POLICY_KEY) or DTypePolicy(config.floatx())


def get(identifier):
    """Returns a policy from a policy, a name, a serialized dict, or None (the global policy)."""
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, str):
        return DTypePolicy(identifier)
    if isinstance(identifier, dict):
        inner = identifier.get("config", identifier)
        name = inner.get("name") if isinstance(inner, dict) else None
        if isinstance(name, str):
            return DTypePolicy(name)
    try:
        return DTypePolicy(standardize_dtype(identifier))
    except (ValueError, TypeError):
        pass
    raise ValueError(
        "Cannot interpret the dtype policy: pass a dtype name ('float32'), 'mixed_float16', "
        f"'mixed_bfloat16' or a DTypePolicy. Received: dtype={identifier!r}"
    )


def is_float(dtype):
    return standardize_dtype(dtype) in FLOAT
