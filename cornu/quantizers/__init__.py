"""``keras.quantizers``: int8 weight quantization, the quantizers and the quantization configs.

Example:
>>> model.quantize("int8")  # Dense, EinsumDense and Embedding weights become int8 + scales
>>> q, scale = cornu.quantizers.abs_max_quantize(np.array([[0.5, -1.0]]), axis=-1)
"""

from cornu.backend.common.naming import to_snake_case
from cornu.quantizers.quantization_config import (AWQConfig, Float8QuantizationConfig, GPTQConfig,
                                                  Int4QuantizationConfig, Int8QuantizationConfig,
                                                  QuantizationConfig)
from cornu.quantizers.quantizers import (AbsMaxQuantizer, Quantizer, abs_max_quantize,
                                         abs_max_quantize_grouped_with_zero_point, compute_float8_amax_history,
                                         compute_float8_scale, fake_quant_with_min_max_vars, pack_int4,
                                         quantize_and_dequantize, unpack_int4)
from cornu.serialization.object_namespace import ObjectNamespace
from cornu.serialization.registry import keras_export

_CLASSES = (Quantizer, AbsMaxQuantizer, QuantizationConfig, Int8QuantizationConfig, Int4QuantizationConfig,
            Float8QuantizationConfig, AWQConfig)
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in _CLASSES})

_NAMES = ObjectNamespace("quantizer", "keras.quantizers", ALL_OBJECTS_DICT, argument="initializer")
serialize, deserialize = _NAMES.public_functions(example='"abs_max_quantizer"', with_get=False)


@keras_export("keras.quantizers.get")
def get(identifier, **kwargs):
    """A quantizer (or quantization config) from a name, a config dict or an instance.

    ``kwargs`` are passed to the class a name stands for.

    Example:
    >>> cornu.quantizers.get("abs_max_quantizer", value_range=(-8, 7)).value_range
    (-8, 7)
    """
    if kwargs and isinstance(identifier, str):
        found = _NAMES.lookup(identifier)
        if isinstance(found, type):
            return found(**kwargs)
    return _NAMES.get(identifier)


__all__ = ["AWQConfig", "AbsMaxQuantizer", "Float8QuantizationConfig", "GPTQConfig", "Int4QuantizationConfig",
           "Int8QuantizationConfig", "QuantizationConfig", "Quantizer", "abs_max_quantize",
           "abs_max_quantize_grouped_with_zero_point", "compute_float8_amax_history", "compute_float8_scale",
           "deserialize", "fake_quant_with_min_max_vars", "get", "pack_int4", "quantize_and_dequantize",
           "serialize", "unpack_int4"]
