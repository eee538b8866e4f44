"""Int8 ``Dense``: an int8 kernel with one scale per output unit (``kernel_scale``).

``kernel ≈ int8_kernel / kernel_scale``. With the default config the inputs are
quantized too (one scale per row, along the last axis), the product runs on int8
and is scaled back: ``(q_inputs @ int8_kernel) / (inputs_scale * kernel_scale)``.
The int8 kernel and its scale are not trainable; the bias is. Gradients to the
inputs use the dequantized kernel (the rounding has no useful gradient).
"""

from cornu import ops
from cornu.layers.core.quantizable import QuantizableLayer
from cornu.quantizers.quantization_config import QuantizationConfig
from cornu.quantizers.quantizers import AbsMaxQuantizer


class DenseInt8(QuantizableLayer):
    """The int8 quantization of ``Dense`` (a mixin of Dense).

    Example:
    >>> layer = cornu.layers.Dense(3)
    >>> layer.build((None, 4))
    >>> layer.quantize("int8")
    >>> layer.kernel_scale.shape
    (3,)
    """

    _int8_mixin = True
    _float_variable_names = ("kernel", "bias")
    _int8_variable_names = ("kernel", "bias", "kernel_scale")

    def _int8_build(self, kernel_shape, config=None):
        self.inputs_quantizer = QuantizationConfig.activation_quantizer_or_default(config, AbsMaxQuantizer())
        self.kernel = self.add_weight(name="kernel", shape=tuple(kernel_shape), initializer="zeros", dtype="int8",
                                      trainable=False)
        self.kernel_scale = self.add_weight(name="kernel_scale", shape=(kernel_shape[-1],), initializer="ones",
                                            trainable=False)

    def _quantize_int8(self, config):
        quantizer = QuantizationConfig.weight_quantizer_or_default(config, AbsMaxQuantizer(axis=0))
        kernel_shape = tuple(self.kernel.shape)
        int8_kernel, scale = quantizer(self.kernel, to_numpy=True)
        del self.kernel
        self._int8_build(kernel_shape, config)
        self.kernel.assign(int8_kernel)
        self.kernel_scale.assign(ops.squeeze(scale, axis=0))

    def _int8_call(self, inputs, training=None):
        compute_dtype = self.compute_dtype
        inputs_quantizer = self.inputs_quantizer

        @ops.custom_gradient
        def int8_matmul(inputs, kernel, kernel_scale):
            def grad_fn(*args, upstream=None):
                if upstream is None:
                    (upstream,) = args
                float_kernel = ops.divide(ops.cast(kernel, compute_dtype), kernel_scale)
                return ops.matmul(upstream, ops.transpose(float_kernel)), None, None

            if inputs_quantizer:
                inputs, inputs_scale = inputs_quantizer(inputs, axis=-1)
                outputs = ops.cast(ops.matmul(inputs, kernel), compute_dtype)
                return ops.divide(outputs, ops.multiply(kernel_scale, inputs_scale)), grad_fn
            # Weight-only quantization: float inputs times the int8 kernel (exact in float).
            outputs = ops.matmul(inputs, ops.cast(kernel, compute_dtype))
            return ops.divide(outputs, kernel_scale), grad_fn

        x = int8_matmul(inputs, ops.convert_to_tensor(self.kernel), ops.convert_to_tensor(self.kernel_scale))
        if self.bias is not None:
            x = ops.add(x, self.bias)
        if self.activation is not None:
            x = self.activation(x)
        return x
