"""Quantized dtype policies: ``"int8_from_float32"`` is a float32 layer whose weights were quantized to int8.

The policy is what a saved config records about quantization (Keras writes
``{"class_name": "QuantizedDTypePolicy", "config": {"mode": "int8", "source_name": "float32"}}``),
so a layer built from it creates its int8 weights directly.
"""

from cornu.dtype_policies.dtype_policy import DTypePolicy, dtype_policy
from cornu.serialization.registry import keras_export

QUANTIZATION_MODES = ("int8", "float8", "int4", "gptq", "awq")
# The modes cornu implements; the others exist (as in Keras) and say they are missing.
IMPLEMENTED_MODES = ("int8",)


def missing_mode_error(mode):
    """The error for a quantization mode Keras has and cornu does not implement yet."""
    return NotImplementedError(
        f"{mode} quantization is not implemented in cornu yet; see the README's list of missing features. "
        f"cornu implements {', '.join(repr(m) for m in IMPLEMENTED_MODES)} quantization. Received: mode={mode!r}"
    )


def check_quantization_mode(mode):
    """Raises Keras's ValueError for an unknown mode, NotImplementedError for one cornu lacks."""
    if mode not in QUANTIZATION_MODES:
        raise ValueError(f"Invalid quantization mode. Expected one of {QUANTIZATION_MODES}. Received: mode={mode}")
    if mode not in IMPLEMENTED_MODES:
        raise missing_mode_error(mode)


@keras_export("keras.dtype_policies.QuantizedDTypePolicy")
class QuantizedDTypePolicy(DTypePolicy):
    """The policy of a quantized layer: ``mode`` ("int8") over the float policy ``source_name``.

    Computations and the remaining float variables follow ``source_name``.

    Example:
    >>> policy = cornu.dtype_policies.QuantizedDTypePolicy("int8", "float32")
    >>> policy.name, policy.quantization_mode, policy.compute_dtype
    ('int8_from_float32', 'int8', 'float32')
    """

    def __init__(self, mode, source_name=None):
        if source_name is None:
            source_name = dtype_policy().name
        source = DTypePolicy(source_name)
        check_quantization_mode(mode.split("/")[0] if isinstance(mode, str) else mode)
        if source.compute_dtype == "float16" and mode == "int8":
            raise ValueError(f"Quantization mode='{mode}' doesn't work well with compute_dtype='float16'.")
        self._compute_dtype, self._variable_dtype = source.compute_dtype, source.variable_dtype
        self._name = f"{mode}_from_{source_name}"
        self._source_name = source_name
        self._quantization_mode = mode

    @property
    def quantization_mode(self):
        return self._quantization_mode

    def get_config(self):
        return {"mode": self._quantization_mode, "source_name": self._source_name}

    def __eq__(self, other):
        return (type(other) is type(self) and other._name == self._name
                and other._quantization_mode == self._quantization_mode and other._source_name == self._source_name)

    def __hash__(self):
        return hash((type(self).__name__, self._name))

    def __repr__(self):
        return f'<{type(self).__name__} "{self._name}">'


@keras_export("keras.dtype_policies.QuantizedFloat8DTypePolicy")
class QuantizedFloat8DTypePolicy(QuantizedDTypePolicy):
    """The policy of a float8-trained layer (not in cornu yet)."""

    default_amax_history_length = 1024

    def __init__(self, mode, source_name=None, amax_history_length=1024):
        raise missing_mode_error("float8")


@keras_export("keras.dtype_policies.Int4DTypePolicy")
class Int4DTypePolicy(QuantizedDTypePolicy):
    """The policy of an int4-quantized layer, ``"int4/<block_size>"`` (not in cornu yet)."""

    def __init__(self, mode, source_name=None):
        raise missing_mode_error("int4")


@keras_export("keras.dtype_policies.GPTQDTypePolicy")
class GPTQDTypePolicy(QuantizedDTypePolicy):
    """The policy of a GPTQ-quantized layer, ``"gptq/<bits>/<group_size>"`` (not in cornu yet)."""

    def __init__(self, mode, source_name=None):
        raise missing_mode_error("gptq")


@keras_export("keras.dtype_policies.AWQDTypePolicy")
class AWQDTypePolicy(QuantizedDTypePolicy):
    """The policy of an AWQ-quantized layer, ``"awq/<bits>/<group_size>"`` (not in cornu yet)."""

    def __init__(self, mode, source_name=None):
        raise missing_mode_error("awq")


def quantized_policy_from_name(name):
    """The policy for a name such as ``"int8_from_float32"`` or ``"int8_from_mixed_bfloat16"``.

    Example:
    >>> quantized_policy_from_name("int8_from_float32")
    <QuantizedDTypePolicy "int8_from_float32">
    """
    parts = name.split("_from_")
    if len(parts) != 2:
        raise ValueError(
            "Cannot convert `policy` into a valid pair (`mode`, `source_name`) to instantiate "
            f"`QuantizedDTypePolicy`: use a name such as 'int8_from_float32'. Received: policy={name}"
        )
    mode, source_name = parts
    kind = mode.split("/")[0]
    classes = {"int8": QuantizedDTypePolicy, "float8": QuantizedFloat8DTypePolicy, "gptq": GPTQDTypePolicy,
               "awq": AWQDTypePolicy, "int4": Int4DTypePolicy if "/" in mode else QuantizedDTypePolicy}
    return classes[kind](mode, source_name)


def is_quantized_name(name):
    """Whether a policy name reads "<mode>_from_<source policy>" ("int8_from_float32")."""
    return isinstance(name, str) and name.startswith(QUANTIZATION_MODES) and "_from_" in name


QUANTIZED_POLICY_CLASSES = {cls.__name__: cls for cls in (
    QuantizedDTypePolicy, QuantizedFloat8DTypePolicy, Int4DTypePolicy, GPTQDTypePolicy, AWQDTypePolicy)}
