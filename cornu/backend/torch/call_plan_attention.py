"""A call-plan kernel for ``MultiHeadAttention`` (``call_plan.py``): the projections as one
``addmm`` each and the attention as torch's fused ``F.scaled_dot_product_attention``, with the
layer's own weights, in the order and with the functions the layer's call uses (so the numbers
are the plain call's).

It covers the plain configuration only: attention over the one sequence axis of rank-3 inputs,
no dropout, no gate, no sliding window, no masks (no Keras mask on an input, no
``attention_mask``), no attention scores returned, a causal mask at most; the layer and its
four projections unquantized, without LoRA, activity regularizers or a replaced ``call``. For
anything else ``attention_kernel_for`` gives None, or the kernel answers ``NOT_HANDLED``, and
the layer's full call runs.

Example:
>>> run = attention_kernel_for(layer, (2, 0), {})   # (query, value) arguments, no keywords
>>> out = run((h, h), None)
"""

import torch
import torch.nn.functional as F

from cornu.backend.torch.call_plan_kernels import NOT_HANDLED, defining_class, float_dtype

_LAYER = ("cornu.layers.attention.multi_head_attention", "MultiHeadAttention")
_EINSUM_DENSE = ("cornu.layers.core.einsum_dense", "EinsumDense")
_INPUT_PROJECTION = "abc,cde->abde"
_OUTPUT_PROJECTION = "abcd,cde->abe"
# Keyword arguments of a graph node the kernel accepts, with the values it accepts for them.
_ACCEPTED_KEYWORDS = {"return_attention_scores": (False,), "use_causal_mask": (False, True),
                      "training": (None, False, True)}


def _is_identity(activation):
    return activation is None or (getattr(activation, "__module__", None) == "cornu.activations.activations"
                                  and activation.__name__ == "linear")


def _plain_projection(dense, equation, dtype):
    """True when ``dense`` is an EinsumDense computing ``equation`` with nothing else to run."""
    policy = getattr(dense, "_dtype_policy", None)
    return (defining_class(dense) == _EINSUM_DENSE and dense.built and dense.equation == equation
            and "call" not in dense.__dict__ and not getattr(dense, "_is_quantized", False)
            and not getattr(dense, "lora_enabled", False) and dense.activity_regularizer is None
            and _is_identity(dense.activation) and policy is not None and not policy.is_mixed
            and getattr(policy, "quantization_mode", None) is None and float_dtype(dense) == dtype
            and len(dense.kernel.shape) == 3)


def _project(x, dense):
    """``einsum(equation, x, kernel) + bias`` with the trailing kernel axes flattened into one
    ``addmm``, as EinsumDense's matmul form computes it."""
    kernel = dense.kernel._value
    inner = kernel.shape[0] * kernel.shape[1] if x.ndim == 4 else kernel.shape[0]
    outer_shape = kernel.shape[2:] if x.ndim == 4 else kernel.shape[1:]
    flat_x = x.reshape(-1, inner)
    flat_kernel = kernel.reshape(inner, -1)
    bias = dense.bias
    if bias is None:
        out = torch.matmul(flat_x, flat_kernel)
    else:
        out = torch.addmm(bias._value.reshape(-1), flat_x, flat_kernel)
    return out.reshape(tuple(x.shape[:-2 if x.ndim == 4 else -1]) + tuple(outer_shape))


def attention_kernel_for(layer, positions, keywords):
    """``run(inputs, training)`` computing ``layer``'s call, or None.

    ``positions`` gives, for ``(query, value, key)``, the index of each in the node's tensor
    inputs (``key`` may be missing); ``keywords`` are the node's constant keyword arguments.
    """
    if (defining_class(layer) != _LAYER or defining_class(layer, "_compute_attention") != _LAYER
            or not layer.built or "call" in layer.__dict__):
        return None
    dtype = float_dtype(layer)
    if (dtype is None or layer._dropout > 0.0 or layer._use_gate or layer._sliding_window is not None
            or tuple(layer._attention_axes) != (1,) or layer.activity_regularizer is not None):
        return None
    if any(name not in _ACCEPTED_KEYWORDS or value not in _ACCEPTED_KEYWORDS[name]
           for name, value in keywords.items()):
        return None
    projections = (layer._query_dense, layer._key_dense, layer._value_dense)
    if not all(_plain_projection(d, _INPUT_PROJECTION, dtype) for d in projections):
        return None
    if not _plain_projection(layer._output_dense, _OUTPUT_PROJECTION, dtype):
        return None
    causal = bool(keywords.get("use_causal_mask", False))
    scale = layer._inverse_sqrt_key_dim
    query_at, value_at = positions[0], positions[1]
    key_at = positions[2] if len(positions) > 2 else value_at
    query_dense, key_dense, value_dense, output_dense = projections + (layer._output_dense,)

    def run(inputs, training):
        query, value, key = inputs[query_at], inputs[value_at], inputs[key_at]
        if not (query.dtype == value.dtype == key.dtype == dtype) or query.ndim != 3:
            return NOT_HANDLED
        # (batch, positions, heads, channels) -> (batch, heads, positions, channels) for the kernel
        q = _project(query, query_dense).transpose(1, 2)
        k = _project(key, key_dense).transpose(1, 2)
        v = _project(value, value_dense).transpose(1, 2)
        mask = None
        if causal:  # the additive mask cornu's dot_product_attention builds for `is_causal`
            keep = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device).tril()
            mask = torch.where(keep, torch.zeros((), dtype=q.dtype, device=q.device),
                               torch.tensor(torch.finfo(q.dtype).min, dtype=q.dtype, device=q.device))
        attended = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=scale)
        return _project(attended.transpose(1, 2), output_dense)

    return run
