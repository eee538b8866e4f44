"""Neural-network ops (``cornu.ops.nn``, also flattened into ``cornu.ops``)."""

from cornu import backend
from cornu.backend import config
from cornu.ops import numpy as np_ops
from cornu.ops.core import cast, convert_to_tensor
from cornu.ops.decorator import op

_b = backend.nn


@op
def relu(x):
    """Rectified linear unit: ``max(x, 0)``."""
    return _b.relu(x)


@op
def relu6(x):
    """``min(max(x, 0), 6)``."""
    return _b.relu6(x)


@op
def sigmoid(x):
    """Logistic sigmoid ``1 / (1 + exp(-x))``."""
    return _b.sigmoid(x)


@op
def softplus(x):
    """``log(exp(x) + 1)``."""
    return _b.softplus(x)


@op
def softsign(x):
    """``x / (abs(x) + 1)``."""
    return _b.softsign(x)


@op
def silu(x):
    """``x * sigmoid(x)`` (also known as swish)."""
    return _b.silu(x)


swish = silu


@op
def log_sigmoid(x):
    """``log(sigmoid(x))``, computed stably."""
    return _b.log_sigmoid(x)


@op
def leaky_relu(x, negative_slope=0.2):
    """``x`` for ``x >= 0``, ``negative_slope * x`` otherwise."""
    return _b.leaky_relu(x, negative_slope=negative_slope)


@op
def hard_sigmoid(x):
    """Piecewise-linear sigmoid: ``clip(x / 6 + 0.5, 0, 1)``."""
    return _b.hard_sigmoid(x)


@op
def elu(x, alpha=1.0):
    """Exponential linear unit."""
    return _b.elu(x, alpha=alpha)


@op
def selu(x):
    """Scaled exponential linear unit."""
    return _b.selu(x)


@op
def gelu(x, approximate=True):
    """Gaussian error linear unit (tanh approximation by default)."""
    return _b.gelu(x, approximate=approximate)


@op
def softmax(x, axis=-1):
    """Softmax along ``axis``."""
    return _b.softmax(x, axis=axis)


@op
def log_softmax(x, axis=-1):
    """Log-softmax along ``axis``."""
    return _b.log_softmax(x, axis=axis)


@op
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encodes integer labels; negative labels give all zeros."""
    if sparse:
        raise ValueError("Sparse one-hot tensors are not supported by cornu yet. Pass sparse=False.")
    return _b.one_hot(x, int(num_classes), axis=axis, dtype=dtype or config.floatx())


@op
def moments(x, axes, keepdims=False, synchronized=False):
    """Mean and variance of ``x`` over ``axes``."""
    x = convert_to_tensor(x)
    compute_dtype = x.dtype
    if backend.standardize_dtype(x.dtype) in ("float16", "bfloat16"):
        x = cast(x, "float32")
    mean = np_ops.mean(x, axis=axes, keepdims=True)
    variance = np_ops.mean(np_ops.square(x - backend.stop_gradient(mean)), axis=axes, keepdims=True)
    if not keepdims:
        mean = np_ops.squeeze(mean, axis=axes)
        variance = np_ops.squeeze(variance, axis=axes)
    return cast(mean, compute_dtype), cast(variance, compute_dtype)


@op
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """Normalizes ``x`` with the given statistics: ``(x - mean) / sqrt(var + eps) * scale + offset``."""
    x = convert_to_tensor(x)
    shape = [1] * len(x.shape)
    shape[axis] = x.shape[axis]

    def bcast(v):
        return np_ops.reshape(v, shape)

    inv = 1.0 / np_ops.sqrt(bcast(variance) + epsilon)
    if scale is not None:
        inv = inv * bcast(scale)
    res = -bcast(mean) * inv
    if offset is not None:
        res = res + bcast(offset)
    return x * inv + res


def _check_same_rank(target, output, name):
    if len(target.shape) != len(output.shape):
        raise ValueError(
            f"{name}: `target` and `output` must have the same rank. "
            f"Received: target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
        )


@op
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy between one-hot ``target`` and probabilities (or logits) ``output``."""
    target = convert_to_tensor(target)
    output = convert_to_tensor(output)
    _check_same_rank(target, output, "categorical_crossentropy")
    if from_logits:
        log_prob = log_softmax(output, axis=axis)
    else:
        output = output / np_ops.sum(output, axis=axis, keepdims=True)
        eps = config.epsilon()
        log_prob = np_ops.log(np_ops.clip(output, eps, 1.0 - eps))
    return -np_ops.sum(cast(target, log_prob.dtype) * log_prob, axis=axis)


@op
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy between integer labels ``target`` and probabilities (or logits) ``output``."""
    target = convert_to_tensor(target)
    output = convert_to_tensor(output)
    if len(target.shape) == len(output.shape) and target.shape[-1] == 1:
        target = np_ops.squeeze(target, axis=-1)
    if len(target.shape) != len(output.shape) - 1:
        raise ValueError(
            "sparse_categorical_crossentropy: `target` must have one dimension fewer than "
            f"`output`. Received: target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
        )
    # A backend with a faster kernel for the same value (torch) takes the labels as given (it
    # makes them integers itself, truncating as the cast below does).
    fused = _b.sparse_categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)
    if fused is not None:
        return fused
    target = cast(target, "int32")
    if from_logits:
        log_prob = log_softmax(output, axis=axis)
    else:
        output = output / np_ops.sum(output, axis=axis, keepdims=True)
        eps = config.epsilon()
        log_prob = np_ops.log(np_ops.clip(output, eps, 1.0 - eps))
    labels = one_hot(target, output.shape[axis], axis=axis, dtype=log_prob.dtype)
    return -np_ops.sum(labels * log_prob, axis=axis)


@op
def binary_crossentropy(target, output, from_logits=False):
    """Element-wise binary crossentropy between ``target`` and probabilities (or logits)."""
    target = convert_to_tensor(target)
    output = convert_to_tensor(output)
    if tuple(target.shape) != tuple(output.shape):
        raise ValueError(
            "binary_crossentropy: `target` and `output` must have the same shape. "
            f"Received: target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
        )
    target = cast(target, output.dtype)
    if from_logits:
        # max(x, 0) - x * z + log(1 + exp(-abs(x)))
        return relu(output) - output * target + np_ops.log1p(np_ops.exp(-np_ops.abs(output)))
    eps = config.epsilon()
    output = np_ops.clip(output, eps, 1.0 - eps)
    return -(target * np_ops.log(output) + (1.0 - target) * np_ops.log(1.0 - output))


# ------------------------------------------------- more activations (composites)

_np = backend.numpy


def _like(out, x):
    """``out`` in the dtype of ``x``: NumPy's half-float arithmetic with Python scalars widens to float32."""
    return out if out.dtype == x.dtype else backend.cast(out, x.dtype)


@op
def celu(x, alpha=1.0):
    """Continuously differentiable ELU: ``max(x, 0) + min(0, alpha * (exp(x / alpha) - 1))``. Example: ``celu([-1.0])``"""
    x = _np._float_input(x)
    return _like(_np.maximum(x, 0.0) + _np.minimum(0.0, alpha * _np.expm1(_np.divide(x, alpha))), x)


@op
def glu(x, axis=-1):
    """Gated linear unit: splits ``x`` in two halves ``a, b`` along ``axis`` and gives ``a * sigmoid(b)``.

    Example: ``glu(ops.ones((2, 4))).shape  # (2, 2)``
    """
    x = _np._float_input(x)
    if x.shape[axis] % 2:
        raise ValueError(f"glu needs an even size along `axis`. Received: x.shape={tuple(x.shape)}, axis={axis}")
    a, b = _np.split(x, 2, axis=axis)
    return _like(_np.multiply(a, _b.sigmoid(b)), x)


@op
def hard_tanh(x):
    """``clip(x, -1, 1)``. Example: ``hard_tanh([-2.0, 0.5])  # [-1., 0.5]``"""
    x = _np._float_input(x)
    return _like(_np.clip(x, -1.0, 1.0), x)


@op
def hard_silu(x):
    """``x * hard_sigmoid(x)`` (also known as hard swish). Example: ``hard_silu([3.0])  # [3.]``"""
    x = _np._float_input(x)
    return _like(_np.multiply(x, _b.hard_sigmoid(x)), x)


hard_swish = hard_silu


@op
def hard_shrink(x, threshold=0.5):
    """``x`` where ``|x| > threshold``, else 0. Example: ``hard_shrink([0.3, 1.0])  # [0., 1.]``"""
    x = _np._float_input(x)
    return _like(_np.where(_np.greater(_np.absolute(x), threshold), x, 0.0), x)


@op
def soft_shrink(x, threshold=0.5):
    """Shrinks ``x`` towards 0 by ``threshold`` (0 inside the band). Example: ``soft_shrink([1.0])  # [0.5]``"""
    x = _np._float_input(x)
    return _like(_np.where(_np.greater(x, threshold), x - threshold, _np.where(_np.less(x, -threshold), x + threshold, 0.0)), x)


@op
def tanh_shrink(x):
    """``x - tanh(x)``. Example: ``tanh_shrink([0.0])  # [0.]``"""
    x = _np._float_input(x)
    return _like(_np.subtract(x, _np.tanh(x)), x)


@op
def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``. Example: ``threshold([1.0, 3.0], 2.0, 0.0)  # [0., 3.]``"""
    x = _np._float_input(x)
    return _like(_np.where(_np.greater(x, threshold), x, default_value), x)


@op
def sparse_plus(x):
    """0 below -1, ``(x + 1)**2 / 4`` on [-1, 1], ``x`` above. Example: ``sparse_plus([0.0])  # [0.25]``"""
    x = _np._float_input(x)
    middle = _np.square(x + 1.0) / 4.0
    return _like(_np.where(_np.less_equal(x, -1.0), 0.0, _np.where(_np.greater_equal(x, 1.0), x, middle)), x)


@op
def sparse_sigmoid(x):
    """Piecewise-linear sigmoid: 0 below -1, ``(x + 1) / 2`` on [-1, 1], 1 above. Example: ``sparse_sigmoid([0.0])  # [0.5]``"""
    x = _np._float_input(x)
    return _like(_np.clip((x + 1.0) / 2.0, 0.0, 1.0), x)


@op
def squareplus(x, b=4):
    """``(x + sqrt(x**2 + b)) / 2``. Example: ``squareplus([0.0])  # [1.]``"""
    x = _np._float_input(x)
    return _like((x + _np.sqrt(_np.square(x) + b)) / 2.0, x)


@op
def sparsemax(x, axis=-1):
    """Euclidean projection of ``x`` onto the probability simplex along ``axis``.

    Example: ``sparsemax([1.0, 2.0, 5.0])  # [0., 0., 1.]``
    """
    x = _np._float_input(x)
    z = _np.moveaxis(x, axis, -1)
    z_sorted = _np.flip(_np.sort(z, axis=-1), axis=-1)
    k = _np.arange(1, z.shape[-1] + 1, dtype=z.dtype)
    cumulative = _np.cumsum(z_sorted, axis=-1)
    in_support = _np.greater(1.0 + k * z_sorted, cumulative)
    support = _np.sum(backend.cast(in_support, z.dtype), axis=-1, keepdims=True)
    tau = (_np.take_along_axis(cumulative, backend.cast(support, "int32") - 1, axis=-1) - 1.0) / support
    return _like(_np.moveaxis(_np.maximum(z - tau, 0.0), -1, axis), x)


@op
def normalize(x, axis=-1, order=2, epsilon=None):
    """Divides ``x`` by its ``order``-norm along ``axis``. Example: ``normalize([3.0, 4.0])  # [0.6, 0.8]``"""
    x = _np._float_input(x)
    eps = config.epsilon() if epsilon is None else epsilon
    norm = backend.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return _like(_np.divide(x, _np.maximum(norm, eps)), x)


@op
def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """``x / sqrt(mean(x**2, axis) + epsilon) * scale``. Example: ``rms_normalization([[3.0, 4.0]])``"""
    x = _np._float_input(x)
    eps = config.epsilon() if epsilon is None else epsilon
    out = _np.multiply(x, backend.math.rsqrt(_np.mean(_np.square(x), axis=axis, keepdims=True) + eps))
    return _like(out if scale is None else _np.multiply(out, scale), x)


@op
def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """Normalizes ``x`` to zero mean and unit variance over ``axis``, then ``* gamma + beta``.

    Example: ``layer_normalization([[1.0, 3.0]])  # [[-1., 1.]]``
    """
    x = _np._float_input(x)
    eps = config.epsilon() if epsilon is None else epsilon
    mean, variance = _np.mean(x, axis=axis, keepdims=True), _np.var(x, axis=axis, keepdims=True)
    out = _np.multiply(x - mean, backend.math.rsqrt(variance + eps))
    if gamma is not None:
        out = _np.multiply(out, gamma)
    if beta is not None:
        out = _np.add(out, beta)
    return _like(out, x)


@op
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot encodes integer labels: 1 at every class present in the last axis.

    Example: ``multi_hot([[0, 2]], 3)  # [[1., 0., 1.]]``
    """
    if num_classes is None:
        num_classes = kwargs.pop("num_tokens", None)
    if num_classes is None:
        raise ValueError("multi_hot needs `num_classes`. Received: num_classes=None")
    if sparse:
        raise ValueError("Sparse multi-hot tensors are not supported by cornu. Pass sparse=False.")
    inputs = convert_to_tensor(inputs)
    encoded = _b.one_hot(inputs, int(num_classes), axis=-1, dtype=dtype or config.floatx())
    reduce_axis = -2 if inputs.ndim > 1 else 0
    out = _np.max(encoded, axis=reduce_axis)
    return out if axis == -1 else _np.moveaxis(out, -1, axis)


@op
def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio in dB: ``20 log10(max_val) - 10 log10(mse)``. Example: ``psnr(a, b, 1.0)``"""
    x1, x2 = _np._float_input(x1), _np._float_input(x2)
    mse = _np.mean(_np.square(x1 - x2))
    return 20.0 * _np.log10(convert_to_tensor(max_val, x1.dtype)) - 10.0 * _np.log10(mse)


@op
def polar(abs_, angle):
    """The complex number with magnitude ``abs_`` and phase ``angle``. Example: ``polar(1.0, 0.0)  # 1+0j``"""
    abs_, angle = _np._float_input(abs_), _np._float_input(angle)
    return _np.add(_np.multiply(abs_, _np.cos(angle)), _np.multiply(_np.multiply(abs_, _np.sin(angle)), 1j))


@op
def depth_to_space(x, block_size, data_format="channels_last"):
    """Moves channel blocks into ``block_size x block_size`` spatial blocks (rank-4 input).

    Example: ``depth_to_space(ops.ones((1, 1, 1, 4)), 2).shape  # (1, 2, 2, 1)``
    """
    x = convert_to_tensor(x)
    b = block_size
    if data_format == "channels_first":  # channels split as (out_c, b, b), as Keras does
        n, c, h, w = x.shape
        x = _np.transpose(_np.reshape(x, (n, c // (b * b), b, b, h, w)), (0, 1, 4, 2, 5, 3))
        return _np.reshape(x, (n, c // (b * b), h * b, w * b))
    n, h, w, c = x.shape
    x = _np.transpose(_np.reshape(x, (n, h, w, b, b, c // (b * b))), (0, 1, 3, 2, 4, 5))
    return _np.reshape(x, (n, h * b, w * b, c // (b * b)))


@op
def space_to_depth(x, block_size, data_format="channels_last"):
    """Moves ``block_size x block_size`` spatial blocks into channels (rank-4 input).

    Example: ``space_to_depth(ops.ones((1, 2, 2, 1)), 2).shape  # (1, 1, 1, 4)``
    """
    x = convert_to_tensor(x)
    b = block_size
    if data_format == "channels_first":  # channels gathered as (c, b, b), as Keras does
        n, c, h, w = x.shape
        x = _np.transpose(_np.reshape(x, (n, c, h // b, b, w // b, b)), (0, 1, 3, 5, 2, 4))
        return _np.reshape(x, (n, c * b * b, h // b, w // b))
    n, h, w, c = x.shape
    x = _np.transpose(_np.reshape(x, (n, h // b, b, w // b, b, c)), (0, 1, 3, 2, 4, 5))
    return _np.reshape(x, (n, h // b, w // b, b * b * c))


# ------------------------------------------------------ convolution & pooling


def _data_format(data_format):
    return backend.standardize_data_format(data_format)


@op
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution (1-D to 3-D); ``kernel`` is ``(spatial..., in_channels / groups, out_channels)``.

    Example: ``conv(ops.ones((1, 5, 5, 3)), ops.ones((3, 3, 3, 8)), padding="same").shape  # (1, 5, 5, 8)``
    """
    return _b.conv(inputs, kernel, strides=strides, padding=padding, data_format=_data_format(data_format), dilation_rate=dilation_rate)


@op
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Depthwise convolution; ``kernel`` is ``(spatial..., in_channels, channel_multiplier)``.

    Example: ``depthwise_conv(ops.ones((1, 5, 5, 3)), ops.ones((3, 3, 3, 2))).shape  # (1, 3, 3, 6)``
    """
    return _b.depthwise_conv(inputs, kernel, strides=strides, padding=padding, data_format=_data_format(data_format), dilation_rate=dilation_rate)


@op
def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Depthwise convolution followed by a 1x1 (pointwise) convolution.

    Example: ``separable_conv(x, ops.ones((3, 3, 3, 1)), ops.ones((1, 1, 3, 8)))``
    """
    return _b.separable_conv(
        inputs, depthwise_kernel, pointwise_kernel, strides=strides, padding=padding,
        data_format=_data_format(data_format), dilation_rate=dilation_rate,
    )


@op
def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None, dilation_rate=1):
    """Transposed convolution; ``kernel`` is ``(spatial..., out_channels, in_channels)``.

    Example: ``conv_transpose(ops.ones((1, 4, 4, 3)), ops.ones((3, 3, 8, 3)), 2, "same").shape  # (1, 8, 8, 8)``
    """
    return _b.conv_transpose(
        inputs, kernel, strides=strides, padding=padding, output_padding=output_padding,
        data_format=_data_format(data_format), dilation_rate=dilation_rate,
    )


@op
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling over the spatial axes (``strides`` default to ``pool_size``).

    Example: ``max_pool(ops.ones((1, 4, 4, 3)), 2).shape  # (1, 2, 2, 3)``
    """
    return _b.max_pool(inputs, pool_size, strides=strides, padding=padding, data_format=_data_format(data_format))


@op
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling; with 'same' padding, padded positions do not count.

    Example: ``average_pool(ops.ones((1, 4, 4, 3)), 2).shape  # (1, 2, 2, 3)``
    """
    return _b.average_pool(inputs, pool_size, strides=strides, padding=padding, data_format=_data_format(data_format))


@op
def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False, flash_attention=None, attn_logits_soft_cap=None):
    """Scaled dot-product attention on ``(batch, seq, heads, head_dim)`` tensors.

    ``key``/``value`` may have fewer heads than ``query`` (grouped-query attention);
    ``mask`` is boolean (True = attend), ``bias`` is added to the logits.

    Example: ``dot_product_attention(q, k, v, is_causal=True).shape == q.shape``
    """
    return _b.dot_product_attention(
        query, key, value, bias=bias, mask=mask, scale=scale, is_causal=is_causal,
        flash_attention=flash_attention, attn_logits_soft_cap=attn_logits_soft_cap,
    )



@op
def adaptive_average_pool(inputs, output_size, data_format=None):
    """Average pooling to a fixed ``output_size``, whatever the input size (1-D to 3-D).

    Output cell ``i`` of an axis of size ``n`` averages input positions
    ``floor(i * n / out)`` to ``ceil((i + 1) * n / out) - 1``, as PyTorch does.

    Example: ``adaptive_average_pool(ops.ones((2, 7, 9, 3)), (2, 4)).shape  # (2, 2, 4, 3)``
    """
    return _b.adaptive_average_pool(inputs, output_size, data_format=_data_format(data_format))


@op
def adaptive_max_pool(inputs, output_size, data_format=None):
    """Max pooling to a fixed ``output_size``, whatever the input size (1-D to 3-D).

    Example: ``adaptive_max_pool(ops.ones((2, 7, 9, 3)), 1).shape  # (2, 1, 1, 3)``
    """
    return _b.adaptive_max_pool(inputs, output_size, data_format=_data_format(data_format))


@op
def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding blocks of a channels-first ``(N, C, H, W)`` image as columns (im2col).

    Returns ``(N, C * kH * kW, L)`` with ``L`` the number of blocks, ordered like PyTorch.

    Example: ``unfold(ops.ones((1, 2, 4, 4)), kernel_size=2, stride=2).shape  # (1, 8, 4)``
    """
    x = convert_to_tensor(x)
    if len(x.shape) != 4:
        raise ValueError(f"unfold expects a 4D (N, C, H, W) input. Received: x.shape={tuple(x.shape)}")
    return _b.unfold(x, kernel_size, dilation=dilation, padding=padding, stride=stride)


@op
def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sums sliding blocks ``(N, C * kH * kW, L)`` back into an ``(N, C, *output_size)`` image (col2im).

    Example: ``fold(unfold(x, 2, stride=2), (4, 4), 2, stride=2)  # x, for non-overlapping blocks``
    """
    x = convert_to_tensor(x)
    if len(x.shape) != 3:
        raise ValueError(f"fold expects a 3D (N, C * kH * kW, L) input. Received: x.shape={tuple(x.shape)}")
    return _b.fold(x, output_size, kernel_size, dilation=dilation, padding=padding, stride=stride)


from cornu.ops.ctc import ctc_decode, ctc_loss  # noqa: E402  (defined in their own file, public here)

ctc_decode.__module__ = ctc_loss.__module__ = __name__

__all__ = [n for n, v in list(globals().items()) if callable(v) and getattr(v, "__module__", None) == __name__ and not n.startswith("_")]
