"""``Dense``: ``activation(inputs @ kernel + bias)``."""

from cornu import activations, constraints, initializers, ops, regularizers
from cornu.layers.core.quantized_dense import DenseInt8
from cornu.layers.input_spec import InputSpec
from cornu.ops.affine import matmul_add
from cornu.layers.layer import Layer
from cornu.serialization.keras_objects import serialize_keras_object
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Dense")
class Dense(DenseInt8, Layer):
    """A densely connected layer, applied to the last axis of its input.

    Example:
    >>> layer = cornu.layers.Dense(3, activation="relu")
    >>> layer(np.ones((2, 4))).shape
    (2, 3)
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, lora_rank=None, lora_alpha=None,
                 quantization_config=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(units, int) or isinstance(units, bool) or units < 1:
            raise ValueError(f"Received an invalid value for `units`, expected a positive integer. Received: units={units!r}")
        if lora_rank is not None:
            raise NotImplementedError(f"LoRA is not available in cornu's Dense yet. Received: lora_rank={lora_rank!r}")
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha
        self.quantization_config = quantization_config
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"The last dimension of the input to Dense layer '{self.name}' must be known. Received: input_shape={input_shape}")
        if self.quantization_mode is not None:  # built from a quantized policy (a loaded file)
            self.quantized_build((input_dim, self.units), self.quantization_mode, self.quantization_config)
        else:
            self.kernel = self.add_weight(name="kernel", shape=(input_dim, self.units),
                                          initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                          constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})

    def call(self, inputs, training=None):
        if self._is_quantized:
            return self._int8_call(inputs, training)
        if self.bias is not None:
            x = matmul_add(inputs, self.kernel, self.bias)
        else:
            x = ops.matmul(inputs, self.kernel)
        if self.activation is not None:
            x = self.activation(x)
        return x

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": serialize_keras_object(self.quantization_config),
        })
        return config
