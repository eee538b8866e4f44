"""``EinsumDense``: a dense layer whose contraction is an einsum equation."""

import re

from cornu import activations, constraints, initializers, ops, regularizers
from cornu.initializers.random_initializers import VarianceScaling
from cornu.layers.core.einsum_as_matmul import einsum_as_matmul, matmul_form
from cornu.layers.core.quantized_einsum_dense import EinsumDenseInt8
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export

_FORMS = (
    # "ab,bc->ac": no ellipsis.
    (re.compile(r"^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$"), None),
    # "...b,bc->...c": the leading input axes (the batch included) pass through.
    (re.compile(r"^\.\.\.([a-zA-Z]+),([a-zA-Z]+)->\.\.\.([a-zA-Z]+)$"), "left"),
    # "ab...,bc->ac...": the trailing input axes pass through.
    (re.compile(r"^([a-zA-Z]{2,})\.\.\.,([a-zA-Z]+)->([a-zA-Z]+)\.\.\.$"), "right"),
)


def split_equation(equation):
    """Returns ``(input_spec, kernel_spec, output_spec, elided)`` with ``elided`` None, "left" or "right"."""
    if isinstance(equation, str):
        for pattern, elided in _FORMS:
            match = pattern.match(equation)
            if match:
                return match.group(1), match.group(2), match.group(3), elided
    raise ValueError(
        f"Invalid einsum equation for EinsumDense: equations must be of the form [X],[Y]->[Z], "
        f"...[X],[Y]->...[Z] or [X]...,[Y]->[Z]... (letters only). Received: equation={equation!r}"
    )


def analyze_equation(equation, bias_axes, input_shape, output_shape):
    """Shapes implied by ``equation`` for inputs of ``input_shape``.

    ``output_shape`` gives the output axes after the batch axis (after the
    passed-through axes for "..." on the left); None entries mean "unknown".
    Returns ``(kernel_shape, bias_shape, full_output_shape, input_axes,
    output_axes)``, where ``input_axes``/``output_axes`` are the kernel axes
    taken from the input/output (for fan computations); ``bias_shape`` is None
    without ``bias_axes``.

    Example:
    >>> analyze_equation("abc,cd->abd", "d", (None, 3, 4), (3, 5))[:3]
    ([4, 5], [5], [None, 3, 5])
    """
    input_spec, kernel_spec, output_spec, elided_side = split_equation(equation)
    input_shape = list(input_shape)
    elided = len(input_shape) - len(input_spec)
    full_output = [input_shape[0]] + list(output_shape)
    if elided > 0 and elided_side == "left":
        full_output[1:1] = input_shape[1:elided]
    elif elided > 0:
        full_output += input_shape[len(input_shape) - elided:]

    if elided_side == "left":
        # Input letters index from the end; output letters follow the passed-through axes.
        input_index = {d: i + elided - len(input_shape) for i, d in enumerate(input_spec)}
        output_index = {d: i + elided for i, d in enumerate(output_spec)}
    else:
        input_index = {d: i for i, d in enumerate(input_spec)}
        output_index = {d: i for i, d in enumerate(output_spec)}
    try:
        for d in input_spec:
            input_shape[input_index[d]]
        for d in output_spec:
            full_output[output_index[d]]
    except IndexError:
        raise ValueError(
            f"EinsumDense equation {equation!r} does not fit inputs of shape {tuple(input_shape)} and "
            f"output_shape={tuple(output_shape)}: the number of axes differs from the equation's."
        ) from None

    for d in input_spec:
        if d in output_index:
            out_size, in_size = full_output[output_index[d]], input_shape[input_index[d]]
            if out_size is not None and out_size != in_size:
                raise ValueError(
                    f"EinsumDense: input shape and output shape do not match at shared dimension '{d}' of equation "
                    f"{equation!r}. Input shape is {in_size}, and output shape is {out_size}."
                )
    for d in output_spec:
        if d not in input_spec and d not in kernel_spec:
            raise ValueError(
                f"EinsumDense: dimension '{d}' was specified in the output '{output_spec}' but has no corresponding "
                f"dim in the input spec '{input_spec}' or the kernel spec '{kernel_spec}'. Received: "
                f"equation={equation!r}"
            )

    kernel_shape, input_axes, output_axes = [], [], []
    for i, d in enumerate(kernel_spec):
        if d in output_index:
            kernel_shape.append(full_output[output_index[d]])
            output_axes.append(i)
        elif d in input_index:
            kernel_shape.append(input_shape[input_index[d]])
            input_axes.append(i)
        else:
            raise ValueError(
                f"EinsumDense: kernel dimension '{d}' has no match in the input spec '{input_spec}' or the output "
                f"spec '{output_spec}'; the kernel must be fully specified. Received: equation={equation!r}"
            )

    bias_shape = None
    if bias_axes is not None:
        for d in bias_axes:
            if d not in output_spec:
                raise ValueError(
                    f"EinsumDense: bias dimension '{d}' was requested, but is not part of the output spec "
                    f"'{output_spec}'. Received: bias_axes={bias_axes!r}, equation={equation!r}"
                )
        offset = elided if elided_side == "left" else 0
        size_of = {d: full_output[i + offset] for i, d in enumerate(output_spec)}
        first = min(output_spec.find(d) for d in bias_axes)
        bias_shape = [size_of[d] if d in bias_axes else 1 for d in output_spec[first:]]
        if elided_side != "left":
            bias_shape += [1] * max(elided, 0)
    return kernel_shape, bias_shape, full_output, input_axes, output_axes


@keras_export("keras.layers.EinsumDense")
class EinsumDense(EinsumDenseInt8, Layer):
    """Computes ``activation(einsum(equation, inputs, kernel) + bias)``.

    ``equation`` is ``"<input>,<kernel>-><output>"`` (e.g. ``"abc,cd->abd"``),
    optionally with ``...`` standing for passed-through leading or trailing
    input axes. ``output_shape`` gives the output's sizes without the batch
    axis (``None`` for sizes taken from the input). ``bias_axes`` names the
    output letters that get a bias.

    Example:
    >>> layer = cornu.layers.EinsumDense("abc,cd->abd", output_shape=(None, 8), bias_axes="d")
    >>> layer(np.ones((2, 5, 4))).shape
    (2, 5, 8)
    """

    def __init__(self, equation, output_shape, activation=None, bias_axes=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, lora_rank=None, lora_alpha=None, gptq_unpacked_column_size=None,
                 quantization_config=None, **kwargs):
        super().__init__(**kwargs)
        self._matmul_contracted = None  # set by build: see einsum_as_matmul
        if lora_rank is not None or gptq_unpacked_column_size is not None:
            raise NotImplementedError(
                "LoRA and GPTQ are not available in cornu's EinsumDense yet. Received: "
                f"lora_rank={lora_rank!r}, gptq_unpacked_column_size={gptq_unpacked_column_size!r}"
            )
        split_equation(equation)  # a malformed equation fails here, before any build
        self.equation = equation
        sizes = (output_shape,) if isinstance(output_shape, int) else output_shape
        if isinstance(sizes, str) or not isinstance(sizes, (tuple, list)) or not all(
                d is None or (isinstance(d, int) and not isinstance(d, bool) and d > 0) for d in sizes):
            raise ValueError(
                "EinsumDense: `output_shape` must be a positive int or a tuple of positive ints or None (the output "
                f"sizes without the batch axis). Received: output_shape={output_shape!r}"
            )
        self.partial_output_shape = tuple(sizes)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
        self.gptq_unpacked_column_size = gptq_unpacked_column_size
        self.quantization_config = quantization_config

    def _kernel_initializer_for(self, input_axes, output_axes):
        """The kernel initializer, told which kernel axes are fan-in and fan-out (as Keras does)."""
        initializer = self.kernel_initializer
        if not isinstance(initializer, VarianceScaling) or (
                initializer.input_axes is not None and initializer.output_axes is not None):
            return initializer
        config = initializer.get_config()
        config.update({"seed": initializer.seed, "input_axes": input_axes, "output_axes": output_axes})
        return type(initializer).from_config(config)

    def build(self, input_shape):
        kernel_shape, bias_shape, _, input_axes, output_axes = analyze_equation(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape)
        if any(d is None for d in kernel_shape) or (bias_shape is not None and any(d is None for d in bias_shape)):
            raise ValueError(
                f"EinsumDense layer '{self.name}' cannot build weights of unknown size: kernel shape {kernel_shape}, "
                f"bias shape {bias_shape}. Give the sizes in `output_shape` or use inputs of known shape. "
                f"Received: input_shape={tuple(input_shape)}, output_shape={self.partial_output_shape}"
            )
        self.input_spec = InputSpec(ndim=len(input_shape))
        self._matmul_contracted = matmul_form(*split_equation(self.equation))
        if self.quantization_mode is not None:  # built from a quantized policy (a loaded file)
            self.quantized_build(tuple(kernel_shape), self.quantization_mode, self.quantization_config)
        else:
            self.kernel = self.add_weight(name="kernel", shape=tuple(kernel_shape),
                                          initializer=self._kernel_initializer_for(input_axes, output_axes),
                                          regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        if bias_shape is not None:
            self.bias = self.add_weight(name="bias", shape=tuple(bias_shape), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None

    def call(self, inputs, training=None):
        if self._is_quantized:
            return self._int8_call(inputs, training)
        contracted = self._matmul_contracted
        if contracted is not None and None not in tuple(inputs.shape):
            x = einsum_as_matmul(inputs, self.kernel, self.bias, contracted_axes=contracted)
        else:
            x = ops.einsum(self.equation, inputs, self.kernel)
            if self.bias is not None:
                x = ops.add(x, self.bias)
        if self.activation is not None:
            x = self.activation(x)
        return x

    def compute_output_shape(self, input_shape):
        _, _, full_output_shape, _, _ = analyze_equation(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape)
        return tuple(full_output_shape)

    def get_config(self):
        from cornu.serialization.keras_objects import serialize_keras_object

        config = super().get_config()
        config.update({
            "output_shape": self.partial_output_shape,
            "equation": self.equation,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": serialize_keras_object(self.quantization_config),
        })
        return config
