"""Quantization configs: which quantizers ``layer.quantize(...)`` uses for weights and activations.

``Int8QuantizationConfig`` is cornu's; the int4, float8, GPTQ and AWQ configs exist with
Keras's signatures and raise ``NotImplementedError`` (those modes are not in cornu yet).
"""

from cornu.dtype_policies.quantized_dtype_policy import QUANTIZATION_MODES, missing_mode_error
from cornu.serialization.keras_objects import deserialize_keras_object, serialize_keras_object
from cornu.serialization.registry import keras_export


@keras_export("keras.quantizers.QuantizationConfig")
class QuantizationConfig:
    """Base class of quantization configs: a weight quantizer and an activation quantizer.

    Subclasses name their ``mode``.

    Example:
    >>> config = cornu.quantizers.Int8QuantizationConfig()
    >>> config.mode
    'int8'
    """

    def __init__(self, weight_quantizer=None, activation_quantizer=None):
        self.weight_quantizer = weight_quantizer
        self.activation_quantizer = activation_quantizer

    @property
    def mode(self):
        raise NotImplementedError(
            "Subclasses must implement this property. Do not instantiate QuantizationConfig directly."
        )

    def get_config(self):
        return {"weight_quantizer": serialize_keras_object(self.weight_quantizer),
                "activation_quantizer": serialize_keras_object(self.activation_quantizer)}

    @classmethod
    def from_config(cls, config):
        return cls(weight_quantizer=deserialize_keras_object(config.get("weight_quantizer")),
                   activation_quantizer=deserialize_keras_object(config.get("activation_quantizer")))

    @staticmethod
    def weight_quantizer_or_default(config, default):
        """``config``'s weight quantizer, or ``default`` when it has none."""
        if config is not None and config.weight_quantizer is not None:
            return config.weight_quantizer
        return default

    @staticmethod
    def activation_quantizer_or_default(config, default):
        """``config``'s activation quantizer (None means weight-only), or ``default`` without a config."""
        return config.activation_quantizer if config is not None else default


@keras_export("keras.quantizers.Int8QuantizationConfig")
class Int8QuantizationConfig(QuantizationConfig):
    """Int8 quantization: int8 weights with per-output-channel scales, inputs quantized on the fly.

    ``activation_quantizer="default"`` quantizes inputs with ``AbsMaxQuantizer()`` along their
    last axis; ``None`` keeps inputs in float (weight-only quantization).

    Example:
    >>> config = cornu.quantizers.Int8QuantizationConfig(activation_quantizer=None)
    >>> model.quantize(config=config)
    """

    def __init__(self, weight_quantizer=None, activation_quantizer="default"):
        from cornu.quantizers.quantizers import AbsMaxQuantizer

        if isinstance(activation_quantizer, str) and activation_quantizer == "default":
            activation_quantizer = AbsMaxQuantizer()
        super().__init__(weight_quantizer, activation_quantizer)
        if self.weight_quantizer is not None and self.weight_quantizer.output_dtype != "int8":
            raise ValueError(
                "Int8QuantizationConfig requires a weight_quantizer with output_dtype='int8'. "
                f"Received: output_dtype={self.weight_quantizer.output_dtype}"
            )

    @property
    def mode(self):
        return "int8"


@keras_export("keras.quantizers.Int4QuantizationConfig")
class Int4QuantizationConfig(QuantizationConfig):
    """Int4 quantization (not in cornu yet)."""

    def __init__(self, weight_quantizer=None, activation_quantizer="default", block_size=128):
        raise missing_mode_error("int4")


@keras_export("keras.quantizers.Float8QuantizationConfig")
class Float8QuantizationConfig(QuantizationConfig):
    """Float8 training (not in cornu yet)."""

    def __init__(self):
        raise missing_mode_error("float8")


@keras_export("keras.quantizers.GPTQConfig")
class GPTQConfig(QuantizationConfig):
    """GPTQ post-training quantization (not in cornu yet)."""

    def __init__(self, dataset, tokenizer, *, weight_bits: int = 4, num_samples: int = 128, per_channel: bool = True,
                 sequence_length: int = 512, hessian_damping: float = 0.01, group_size: int = 128,
                 symmetric: bool = False, activation_order: bool = False, quantization_layer_structure: dict = None):
        raise missing_mode_error("gptq")


@keras_export("keras.quantizers.AWQConfig")
class AWQConfig(QuantizationConfig):
    """AWQ post-training quantization (not in cornu yet)."""

    def __init__(self, dataset, tokenizer, *, weight_bits: int = 4, num_samples: int = 128, sequence_length: int = 512,
                 group_size: int = 128, num_grid_points: int = 20, quantization_layer_structure: dict = None):
        raise missing_mode_error("awq")


def validate_and_resolve_config(mode, config):
    """The config ``quantize(mode, config)`` works with: the default one for ``mode``, or ``config`` checked.

    Example:
    >>> validate_and_resolve_config("int8", None).mode
    'int8'
    """
    if isinstance(config, str):
        mode, config = config, None
    if mode is not None and mode not in QUANTIZATION_MODES:
        raise ValueError(f"Invalid quantization mode. Expected one of {QUANTIZATION_MODES}. Received: mode={mode}")
    if config is None:
        if mode is None:
            raise ValueError("You must provide either `mode` or `config` to `quantize`.")
        if mode != "int8":
            raise missing_mode_error(mode)
        return Int8QuantizationConfig()
    if not isinstance(config, QuantizationConfig):
        raise ValueError(
            "Argument `config` must be an instance of `QuantizationConfig`. "
            f"Received: config={config} (of type {type(config)})"
        )
    if mode is not None and config.mode != mode:
        raise ValueError(f"Contradictory arguments: mode='{mode}' but config.mode='{config.mode}'")
    if config.mode != "int8":
        raise missing_mode_error(config.mode)
    return config
