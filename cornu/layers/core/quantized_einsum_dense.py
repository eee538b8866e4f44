"""Int8 ``EinsumDense``: an int8 kernel with one scale per output position of the kernel.

The kernel's abs-max is taken over its contracted axes (letters absent from the
output). Scales are stored in the output's layout: one axis per output letter,
the kernel's size for kernel letters and 1 for the others (for ``"abc,cd->abd"``:
``(1, 1, d)``), exactly as Keras stores ``kernel_scale``, so they broadcast
against the einsum's result. Inputs are quantized over their contracted axes.
"""

import string

from cornu import ops
from cornu.layers.core.quantizable import QuantizableLayer
from cornu.quantizers.quantization_config import QuantizationConfig
from cornu.quantizers.quantizers import AbsMaxQuantizer


def full_einsum_specs(equation, input_rank):
    """The equation's ``(input, kernel, output)`` letters with any "..." spelled out as fresh letters.

    Example:
    >>> full_einsum_specs("...b,bc->...c", 3)
    ('ABb', 'bc', 'ABc')
    """
    operands, output_spec = equation.split("->")
    input_spec, kernel_spec = operands.split(",")
    if "..." not in input_spec:
        return input_spec, kernel_spec, output_spec
    fresh = "".join(sorted(set(string.ascii_letters) - set(equation)))
    padding = fresh[: input_rank - (len(input_spec) - 3)]
    if input_spec.startswith("..."):
        return padding + input_spec[3:], kernel_spec, padding + output_spec[3:]
    return input_spec[:-3] + padding, kernel_spec, output_spec[:-3] + padding


def reduced_axes(spec, output_spec):
    """The axes of an operand whose letters the einsum contracts away."""
    return [axis for axis, letter in enumerate(spec) if letter not in output_spec]


def to_output_layout(scale, spec, output_spec):
    """A keepdims scale over the operand ``spec`` rearranged to broadcast against the output."""
    kept = [letter for letter in spec if letter in output_spec]
    reduced = tuple(reduced_axes(spec, output_spec))
    if reduced:
        scale = ops.squeeze(scale, axis=reduced)
    order = [kept.index(letter) for letter in output_spec if letter in kept]
    if order != sorted(order):
        scale = ops.transpose(scale, order)
    sizes = dict(zip([letter for letter in output_spec if letter in kept], scale.shape))
    return ops.reshape(scale, [sizes.get(letter, 1) for letter in output_spec])


def from_output_layout(scale, spec, output_spec):
    """The inverse of :func:`to_output_layout`: an output-layout scale back to a keepdims one over ``spec``."""
    kept_in_output_order = [letter for letter in output_spec if letter in spec]
    sizes = dict(zip(output_spec, scale.shape))
    scale = ops.reshape(scale, [sizes[letter] for letter in kept_in_output_order])
    order = [kept_in_output_order.index(letter) for letter in spec if letter in output_spec]
    if order != sorted(order):
        scale = ops.transpose(scale, order)
    return ops.reshape(scale, [sizes[letter] if letter in output_spec else 1 for letter in spec])


class EinsumDenseInt8(QuantizableLayer):
    """The int8 quantization of ``EinsumDense`` (a mixin of EinsumDense).

    Example:
    >>> layer = cornu.layers.EinsumDense("abc,cd->abd", output_shape=(None, 8), bias_axes="d")
    >>> layer.build((None, 5, 4))
    >>> layer.quantize("int8")
    >>> layer.kernel_scale.shape
    (1, 1, 8)
    """

    _int8_mixin = True
    _float_variable_names = ("kernel", "bias")
    _int8_variable_names = ("kernel", "bias", "kernel_scale")

    def _int8_specs(self):
        return full_einsum_specs(self.equation, self.input_spec.ndim)

    def _int8_build(self, kernel_shape, config=None):
        input_spec, kernel_spec, output_spec = self._int8_specs()
        self.inputs_quantizer = QuantizationConfig.activation_quantizer_or_default(config, AbsMaxQuantizer())
        self.quantization_axis = tuple(reduced_axes(input_spec, output_spec))
        sizes = dict(zip(kernel_spec, kernel_shape))
        self.kernel = self.add_weight(name="kernel", shape=tuple(kernel_shape), initializer="zeros", dtype="int8",
                                      trainable=False)
        self.kernel_scale = self.add_weight(name="kernel_scale", shape=tuple(sizes.get(d, 1) for d in output_spec),
                                            initializer="ones", trainable=False)

    def _quantize_int8(self, config):
        _, kernel_spec, output_spec = self._int8_specs()
        kernel_axes = tuple(reduced_axes(kernel_spec, output_spec))
        quantizer = QuantizationConfig.weight_quantizer_or_default(config, AbsMaxQuantizer(axis=kernel_axes))
        kernel_shape = tuple(self.kernel.shape)
        int8_kernel, scale = quantizer(self.kernel, to_numpy=True)
        del self.kernel
        self._int8_build(kernel_shape, config)
        self.kernel.assign(int8_kernel)
        self.kernel_scale.assign(to_output_layout(scale, kernel_spec, output_spec))

    def _int8_call(self, inputs, training=None):
        input_spec, kernel_spec, output_spec = self._int8_specs()
        equation, compute_dtype = self.equation, self.compute_dtype
        inputs_quantizer, axes = self.inputs_quantizer, self.quantization_axis
        gradient_equation = f"{output_spec},{kernel_spec}->{input_spec}"

        @ops.custom_gradient
        def int8_einsum(inputs, kernel, kernel_scale):
            def grad_fn(*args, upstream=None):
                if upstream is None:
                    (upstream,) = args
                kernel_layout_scale = from_output_layout(kernel_scale, kernel_spec, output_spec)
                float_kernel = ops.divide(ops.cast(kernel, compute_dtype), kernel_layout_scale)
                return ops.einsum(gradient_equation, upstream, float_kernel), None, None

            if inputs_quantizer:
                inputs, inputs_scale = inputs_quantizer(inputs, axis=axes)
                inputs_scale = to_output_layout(inputs_scale, input_spec, output_spec)
                outputs = ops.cast(ops.einsum(equation, inputs, kernel), compute_dtype)
                return ops.divide(outputs, ops.multiply(inputs_scale, kernel_scale)), grad_fn
            outputs = ops.einsum(equation, inputs, ops.cast(kernel, compute_dtype))
            return ops.divide(outputs, kernel_scale), grad_fn

        x = int8_einsum(inputs, ops.convert_to_tensor(self.kernel), ops.convert_to_tensor(self.kernel_scale))
        if self.bias is not None:
            x = ops.add(x, self.bias)
        if self.activation is not None:
            x = self.activation(x)
        return x
