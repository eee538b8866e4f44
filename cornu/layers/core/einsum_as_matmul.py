"""EinsumDense equations that are one matrix product: the input's trailing axes contracted with
the kernel's leading axes, in order, the rest kept in order (``x[P+C] k[C+R] -> out[P+R]``, as
in every attention projection). They run as ``reshape -> matmul (+ bias) -> reshape``: one
large matrix product instead of a batched one, and on PyTorch the bias added inside it
(``addmm``), with one autograd node fewer."""

import math

from cornu import ops
from cornu.ops.affine import matmul_add


def matmul_form(input_spec, kernel_spec, output_spec, elided):
    """How many trailing input axes the product contracts, when the equation is such a product
    (``elided`` "left": the "..." axes are kept too), else None."""
    if elided not in (None, "left"):
        return None
    if len(set(input_spec)) != len(input_spec) or len(set(kernel_spec)) != len(kernel_spec):
        return None
    contracted = "".join(c for c in kernel_spec if c in input_spec and c not in output_spec)
    if not contracted or not kernel_spec.startswith(contracted) or not input_spec.endswith(contracted):
        return None
    kept, remaining = input_spec[:len(input_spec) - len(contracted)], kernel_spec[len(contracted):]
    if output_spec != kept + remaining:
        return None
    return len(contracted)


def einsum_as_matmul(inputs, kernel, bias, contracted_axes):
    """The product of ``inputs`` and ``kernel`` over the last ``contracted_axes`` axes of the
    inputs, plus ``bias`` (None, or broadcast over the output's trailing axes)."""
    kernel_shape = tuple(kernel.shape)
    inner, outer = math.prod(kernel_shape[:contracted_axes]), math.prod(kernel_shape[contracted_axes:])
    lead_shape = tuple(inputs.shape)[:len(inputs.shape) - contracted_axes]
    flat_inputs = ops.reshape(inputs, (-1, inner))
    flat_kernel = ops.reshape(kernel, (inner, outer))
    if bias is not None and tuple(bias.shape) == kernel_shape[contracted_axes:]:
        out = matmul_add(flat_inputs, flat_kernel, ops.reshape(bias, (outer,)))
        bias = None
    else:
        out = ops.matmul(flat_inputs, flat_kernel)
    out = ops.reshape(out, lead_shape + kernel_shape[contracted_axes:])
    return out if bias is None else ops.add(out, bias)
