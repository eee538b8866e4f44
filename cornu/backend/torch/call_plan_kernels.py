"""Torch-only kernels for the common built-in layers, used by the call plan (``call_plan.py``).

A kernel computes what the layer's ``call`` computes on one input tensor, with the backend's
torch functions called directly (no op dispatch, no variable-scope lookups) and, for
convolutions, the bias added inside the convolution as hand-written torch code does.

``kernel_for(layer)`` returns ``run(x, training)`` or None (the layer has no kernel, or is in
a configuration the kernel does not cover: quantized, LoRA, mixed precision, a subclass with
its own ``call``...). ``run`` returns the output, or ``NOT_HANDLED`` when this input needs
the layer's full call (an input dtype the layer would cast, a Keras mask, dropout in
training); the plan then calls the layer normally.

The backend imports nothing of ``cornu.layers``, so layers are recognised by the module and
name of the class that defines their ``call`` (a subclass overriding ``call`` gets none).

Example:
>>> run = kernel_for(dense_layer)
>>> y = run(torch.ones(2, 3), None)
"""

import torch
import torch.nn.functional as F
from torch import _VF

from cornu.backend.common.conv_padding import same_padding
from cornu.backend.torch.core import to_torch_dtype
from cornu.backend.torch.nn import average_pool, matmul_add, max_pool, trailing_layer_norm
from cornu.backend.torch.numpy.reductions import mean

NOT_HANDLED = object()
_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_INTEGER_INDICES = (torch.int32, torch.int64)


def _identity(x):
    return x


_FAST_ACTIVATIONS = {}


def _activation(function):
    """A torch function for cornu's ``relu`` / ``linear`` activations, else the activation."""
    if function is None:
        return _identity
    fast = _FAST_ACTIVATIONS.get(function)
    if fast is None:
        fast = function
        if getattr(function, "__module__", None) == "cornu.activations.activations":
            fast = {"relu": torch.relu, "linear": _identity}.get(function.__name__, function)
        _FAST_ACTIVATIONS[function] = fast
    return fast


def _defining_class(layer, method="call"):
    """``(module, name)`` of the class whose ``method`` the layer runs."""
    function = getattr(type(layer), method, None)
    for cls in type(layer).__mro__:
        if function is not None and cls.__dict__.get(method) is function:
            return cls.__module__, cls.__qualname__
    return None, None


def _float_dtype(layer):
    dtype = to_torch_dtype(layer.compute_dtype)
    return dtype if dtype.is_floating_point else None


# Shared with the kernels of other files (call_plan_attention.py).
defining_class = _defining_class
float_dtype = _float_dtype


# ------------------------------------------------------------------- kernels
def _dense(layer):
    if getattr(layer, "_is_quantized", False) or getattr(layer, "lora_enabled", False):
        return None
    dtype = _float_dtype(layer)
    if dtype is None:
        return None

    def run(x, training):
        if x.dtype != dtype:
            return NOT_HANDLED
        kernel = layer.kernel._value
        bias = layer.bias
        if kernel.dtype != dtype:
            return NOT_HANDLED
        if bias is None:
            out = torch.matmul(x, kernel)
        else:
            bias = bias._value
            out = matmul_add(x, kernel, bias)
            if out is None:  # e.g. a non-contiguous N-d input: cornu's matmul, then add
                if bias.dtype != dtype:
                    return NOT_HANDLED
                out = torch.add(torch.matmul(x, kernel), bias)
        return _activation(layer.activation)(out)

    return run


# For channels-last activations, torch's convolutions take their fast (NHWC) path only when the
# weight is in the same memory format too.
_CHANNELS_LAST_FORMAT = {4: torch.channels_last, 5: torch.channels_last_3d}


def _torch_layout_kernel(cache, kernel, order, channels_last=False, shape=None):
    """``kernel.permute(order)`` (then reshaped to ``shape``); without autograd, its contiguous
    copy made once per weight version (the convolution otherwise copies the permuted weight on
    every call), in channels-last memory for channels-last inputs."""
    if torch.is_grad_enabled() and kernel.requires_grad:
        weight = kernel.permute(order)
        return weight if shape is None else weight.reshape(shape)
    key = (kernel._version, torch.is_inference_mode_enabled())  # an inference-mode copy stays in that mode
    entry = cache.get("kernel")
    if entry is None or entry[0] is not kernel or entry[1] != key:
        with torch.no_grad():
            weight = kernel.permute(order)
            weight = weight.contiguous() if shape is None else weight.reshape(shape)
            memory_format = _CHANNELS_LAST_FORMAT.get(weight.ndim) if channels_last else None
            weight = weight.contiguous(memory_format=memory_format) if memory_format else weight.contiguous()
            entry = cache["kernel"] = (kernel, key, weight)
    return entry[2]


def _conv(layer):
    rank = getattr(layer, "rank", None)
    if _defining_class(layer, "convolution_op") != ("cornu.layers.convolutional.base_conv", "BaseConv"):
        return None  # a subclass with its own convolution
    if rank not in _CONV or getattr(layer, "lora_enabled", False) or layer.padding not in ("valid", "same"):
        return None
    dtype = _float_dtype(layer)
    if dtype is None:
        return None
    channels_last = layer.data_format == "channels_last"
    strides, dilation = tuple(layer.strides), tuple(layer.dilation_rate)
    convolve = _CONV[rank]
    order = (rank + 1, rank) + tuple(range(rank))  # Keras (spatial..., in, out) -> torch (out, in, spatial...)
    cache = {}

    def run(x, training):
        if x.dtype != dtype or x.ndim != rank + 2:
            return NOT_HANDLED
        kernel = layer._kernel._value
        bias = layer.bias._value if layer.use_bias else None
        x = x.movedim(-1, 1) if channels_last else x
        padding = 0
        if layer.padding == "same":
            pads = [same_padding(x.shape[2 + i], kernel.shape[i], strides[i], dilation[i]) for i in range(rank)]
            if any(before != after for before, after in pads):
                return NOT_HANDLED
            padding = tuple(before for before, _ in pads)
        groups = x.shape[1] // kernel.shape[-2]
        out = convolve(x, _torch_layout_kernel(cache, kernel, order, channels_last), bias, strides, padding,
                       dilation, groups)
        if channels_last:
            out = out.movedim(1, -1)
        return _activation(layer.activation)(out)

    return run


def _depthwise_conv(layer):
    rank = getattr(layer, "rank", None)
    if rank not in _CONV or layer.padding not in ("valid", "same"):
        return None
    dtype = _float_dtype(layer)
    if dtype is None:
        return None
    channels_last = layer.data_format == "channels_last"
    strides, dilation = tuple(layer.strides), tuple(layer.dilation_rate)
    convolve = _CONV[rank]
    # Keras (spatial..., in, multiplier) -> torch (in * multiplier, 1, spatial...), groups = in.
    order = (rank, rank + 1) + tuple(range(rank))
    cache = {}

    def run(x, training):
        if x.dtype != dtype or x.ndim != rank + 2:
            return NOT_HANDLED
        kernel = layer.kernel._value
        bias = layer.bias._value if layer.use_bias else None
        x = x.movedim(-1, 1) if channels_last else x
        padding = 0
        if layer.padding == "same":
            pads = [same_padding(x.shape[2 + i], kernel.shape[i], strides[i], dilation[i]) for i in range(rank)]
            if any(before != after for before, after in pads):
                return NOT_HANDLED
            padding = tuple(before for before, _ in pads)
        channels, multiplier = kernel.shape[-2], kernel.shape[-1]
        shape = (channels * multiplier, 1) + tuple(kernel.shape[:rank])
        weight = _torch_layout_kernel(cache, kernel, order, channels_last, shape)
        out = convolve(x, weight, bias, strides, padding, dilation, channels)
        if channels_last:
            out = out.movedim(1, -1)
        return _activation(layer.activation)(out)

    return run


def _pooling(layer):
    pool = {"max": max_pool, "average": average_pool}.get(getattr(layer, "pool_mode", None))
    if pool is None:
        return None
    pool_size, strides, padding, data_format = layer.pool_size, layer.strides, layer.padding, layer.data_format
    rank = len(pool_size)
    if pool is max_pool and padding == "valid" and rank in _MAX_POOL:
        # The torch function the backend's max_pool ends in, without its argument handling.
        max_pool_nd, window, step = _MAX_POOL[rank], tuple(pool_size), tuple(strides)
        channels_last = data_format == "channels_last"

        def run_max(x, training):
            if x.ndim != rank + 2 or not x.is_floating_point():
                return NOT_HANDLED
            if channels_last:
                return max_pool_nd(x.movedim(-1, 1), window, step).movedim(1, -1)
            return max_pool_nd(x, window, step)

        return run_max

    def run(x, training):
        return pool(x, pool_size=pool_size, strides=strides, padding=padding, data_format=data_format)

    return run


def _flatten(layer):
    if layer.data_format == "channels_first":
        return None

    def run(x, training):
        return x.reshape(x.shape[0], -1) if x.ndim != 2 else x

    return run


def _embedding(layer):
    if getattr(layer, "_is_quantized", False) or getattr(layer, "lora_enabled", False):
        return None
    dtype = to_torch_dtype(layer.compute_dtype)

    def run(x, training):
        if x.dtype not in _INTEGER_INDICES or layer.mask_zero:
            return NOT_HANDLED
        table = layer.embeddings._value
        if table.dtype != dtype:
            return NOT_HANDLED
        try:  # one gather; negative or out-of-range ids raise, and the layer's call wraps or rejects them
            return F.embedding(x, table)
        except (IndexError, RuntimeError):
            return NOT_HANDLED

    return run


def _layer_normalization(layer):
    if layer.rms_scaling or to_torch_dtype(layer.compute_dtype) != torch.float32:
        return None

    trailing = {}  # (input rank, axes) -> number of normalized trailing axes (0: not trailing axes)

    def run(x, training):
        rank = x.ndim
        key = (rank, tuple(layer.axis))
        count = trailing.get(key)
        if count is None:
            axes = sorted(a % rank for a in layer.axis)
            count = trailing[key] = len(axes) if axes == list(range(rank - len(axes), rank)) else 0
        if x.dtype != torch.float32 or not count:
            return NOT_HANDLED
        gamma = layer.gamma._value if layer.gamma is not None else None
        beta = layer.beta._value if layer.beta is not None else None
        if (gamma is None or gamma.dtype == torch.float32) and (beta is None or beta.dtype == torch.float32):
            return F.layer_norm(x, x.shape[rank - count:], gamma, beta, float(layer.epsilon))
        out = trailing_layer_norm(x, gamma, beta, count, layer.epsilon)
        return NOT_HANDLED if out is None else out

    return run


def _batch_normalization(layer):
    """Inference with the moving statistics: the same arithmetic as ``ops.batch_normalization``
    (so the same bits as the layer's own call), with the scale and shift made once per weight
    version and the shift added in place (one full-size tensor fewer per call)."""
    if layer.renorm or to_torch_dtype(layer.compute_dtype) != torch.float32:
        return None
    cache = {}

    def affine(rank):
        parameters = [layer.moving_mean, layer.moving_variance, layer.gamma, layer.beta]
        values = [None if p is None else p._value for p in parameters]
        if any(v is not None and v.dtype != torch.float32 for v in values):
            return None
        fresh = torch.is_grad_enabled() and any(v is not None and v.requires_grad for v in values)
        key = (rank, torch.is_inference_mode_enabled()) + tuple(None if v is None else (id(v), v._version)
                                                                for v in values)
        if not fresh and cache.get("key") == key:
            return cache["affine"]
        mean_, variance, gamma, beta = values
        shape = [1] * rank
        shape[layer.axis % rank] = variance.shape[0]
        inv = 1.0 / torch.sqrt(variance.reshape(shape) + layer.epsilon)
        if gamma is not None:
            inv = inv * gamma.reshape(shape)
        res = -mean_.reshape(shape) * inv
        if beta is not None:
            res = res + beta.reshape(shape)
        if not fresh:
            cache["key"], cache["affine"] = key, (inv, res)
        return inv, res

    def make(in_place):
        def run(x, training):
            if (training and layer.trainable) or x.dtype != torch.float32:
                return NOT_HANDLED
            parts = affine(x.ndim)
            if parts is None:
                return NOT_HANDLED
            inv, res = parts
            return (x.mul_(inv) if in_place else torch.mul(x, inv)).add_(res)

        return run

    run = make(in_place=False)
    run.in_place = make(in_place=True)  # for an input nobody else reads (see call_plan._private_slots)
    return run


def _global_average_pooling_1d(layer):
    axis = 1 if layer.data_format == "channels_last" else 2

    def run(x, training):
        if not x.is_floating_point():
            return NOT_HANDLED
        return mean(x, axis=axis, keepdims=layer.keepdims)

    return run


def _is_activation(function, name):
    return getattr(function, "__module__", None) == "cornu.activations.activations" and function.__name__ == name


class _StoredTranspose(torch.autograd.Function):
    """``weight.T`` given as its stored contiguous copy; the gradient goes back to ``weight``."""

    @staticmethod
    def forward(ctx, weight, copy):
        return copy.view_as(copy)

    @staticmethod
    def backward(ctx, grad):
        return grad.t(), None


def _transposed_weights(cache, kernel, recurrent):
    """``[kernel.T, recurrent.T]`` for ``_VF.lstm`` as contiguous copies made once per weight
    version (torch's kernel runs ~20% faster on them than on transposed views, as
    ``torch.nn.LSTM`` stores them); under autograd the gradient reaches the variables."""
    key = (kernel._version, recurrent._version)
    entry = cache.get("weights")
    if entry is None or entry[0] is not kernel or entry[1] is not recurrent or entry[2] != key:
        with torch.no_grad():
            copies = (kernel.t().contiguous(), recurrent.t().contiguous())
        entry = cache["weights"] = (kernel, recurrent, key, copies)
    copies = entry[3]
    if torch.is_grad_enabled() and (kernel.requires_grad or recurrent.requires_grad):
        return [_StoredTranspose.apply(kernel, copies[0]), _StoredTranspose.apply(recurrent, copies[1])]
    return list(copies)


def _lstm(layer):
    """``LSTM`` on ``_VF.lstm`` as the layer's fused path runs it, for the plain configuration:
    zero initial state, no mask, not stateful, forwards, no state outputs, no recurrent dropout."""
    for method in ("inner_loop", "get_initial_state"):
        if _defining_class(layer, method)[0] not in ("cornu.layers.recurrent.lstm", "cornu.layers.recurrent.rnn"):
            return None
    cell = layer.cell
    if (layer.stateful or layer.return_state or layer.go_backwards or layer.unroll
            or layer.use_cudnn not in ("auto", True) or cell.recurrent_dropout or cell.implementation == 1
            or not _is_activation(cell.activation, "tanh") or not _is_activation(cell.recurrent_activation, "sigmoid")
            or _float_dtype(layer) != torch.float32 or _float_dtype(cell) != torch.float32):
        return None
    return_sequences = layer.return_sequences
    cache = {}

    def run(x, training):
        if x.dtype != torch.float32 or x.ndim != 3 or (training and cell.dropout):
            return NOT_HANDLED
        kernel, recurrent = cell.kernel._value, cell.recurrent_kernel._value
        params = _transposed_weights(cache, kernel, recurrent)
        if cell.use_bias:
            bias = cell.bias._value
            params += [bias, torch.zeros_like(bias)]
        if x.device.type != "cpu":
            params = [p.contiguous() for p in params]
        zeros = x.new_zeros((1, x.shape[0], recurrent.shape[0]))
        outputs, _, _ = _VF.lstm(x, (zeros, zeros), params, cell.use_bias, 1, 0.0, torch.is_grad_enabled(),
                                 False, True)
        return outputs if return_sequences else outputs[:, -1]

    return run


def _dropout(layer):
    default = layer._call_training_default

    def run(x, training):
        if training is None:
            training = default
        if training and layer.rate > 0:
            return NOT_HANDLED  # random draws and the seed update: the layer's own call
        return x

    return run


_KERNELS = {
    ("cornu.layers.core.dense", "Dense"): _dense,
    ("cornu.layers.convolutional.base_conv", "BaseConv"): _conv,
    ("cornu.layers.convolutional.base_depthwise_conv", "BaseDepthwiseConv"): _depthwise_conv,
    ("cornu.layers.pooling.base_pooling", "BasePooling"): _pooling,
    ("cornu.layers.reshaping.flatten", "Flatten"): _flatten,
    ("cornu.layers.core.embedding", "Embedding"): _embedding,
    ("cornu.layers.normalization.layer_normalization", "LayerNormalization"): _layer_normalization,
    ("cornu.layers.normalization.batch_normalization", "BatchNormalization"): _batch_normalization,
    ("cornu.layers.pooling.global_average_pooling1d", "GlobalAveragePooling1D"): _global_average_pooling_1d,
    ("cornu.layers.regularization.dropout", "Dropout"): _dropout,
    ("cornu.layers.recurrent.lstm", "LSTM"): _lstm,
}


_FRESH_OUTPUT_CLASSES = {
    ("cornu.layers.core.dense", "Dense"),
    ("cornu.layers.convolutional.base_conv", "BaseConv"),
    ("cornu.layers.convolutional.base_depthwise_conv", "BaseDepthwiseConv"),
}


def returns_fresh_tensor(layer):
    """Whether ``layer``'s call always returns a tensor no other value shares memory with."""
    return _defining_class(layer) in _FRESH_OUTPUT_CLASSES


def kernel_for(layer):
    """``run(x, training)`` computing ``layer``'s call on one tensor, or None (see the module
    docstring)."""
    factory = _KERNELS.get(_defining_class(layer))
    if (factory is None or not getattr(layer, "built", False) or getattr(layer, "_remat_mode", None) is not None
            or "call" in layer.__dict__):  # a `call` replaced on the instance runs as it is
        return None
    policy = getattr(layer, "_dtype_policy", None)
    if policy is None or policy.is_mixed or getattr(policy, "quantization_mode", None) is not None:
        return None
    try:
        return factory(layer)
    except AttributeError:  # a configuration this kernel does not know
        return None
