"""Quantizers: turning float tensors into low-precision integers plus a scale.

The int8 scheme is "abs-max": along the reduced axes, ``scale = 127 / max|x|``
and ``q = clip(round(x * scale), -127, 127)``; ``x ≈ q / scale``. Layers keep
``q`` as an int8 variable and ``scale`` as a float one (``kernel_scale``).
"""

import ml_dtypes
import numpy as np

from cornu import backend, ops
from cornu.serialization.registry import keras_export

_EPSILON = 1e-7
# Dtypes cornu's backends lack: `quantize_and_dequantize` rounds through them on the host.
_HOST_ONLY_DTYPES = ("float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz",
                     "float8_e4m3b11fnuz")  # Keras's `backend.epsilon()` default, frozen into its signatures


def not_in_cornu(feature):
    """The error for a Keras quantization feature cornu does not implement yet."""
    return NotImplementedError(
        f"{feature} is not implemented in cornu yet; see the README's list of missing features. "
        "cornu implements int8 weight quantization: `model.quantize('int8')`."
    )


@keras_export("keras.Quantizer", "keras.quantizers.Quantizer")
class Quantizer:
    """Base class of quantizers: ``quantizer(x)`` returns a quantized form of ``x``.

    Example:
    >>> class Identity(cornu.quantizers.Quantizer):
    ...     def get_config(self):
    ...         return {"output_dtype": self.output_dtype}
    >>> Identity()(np.ones(2))
    array([1., 1.])
    """

    def __init__(self, output_dtype="int8"):
        self.output_dtype = output_dtype

    def __call__(self, x):
        return x

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_config(self):
        raise NotImplementedError(f"{self} does not implement get_config()")


def _numpy_axis(axis):
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


@keras_export("keras.quantizers.abs_max_quantize")
def abs_max_quantize(inputs, axis, value_range=(-127, 127), dtype="int8", epsilon=_EPSILON, to_numpy=False):
    """Quantizes ``inputs`` with one scale per slice along ``axis`` (the reduced axes).

    Returns ``(quantized, scale)``, ``scale`` keeping the reduced axes with size 1, so
    ``quantized / scale`` approximates ``inputs``. ``to_numpy=True`` computes on the host.

    Example:
    >>> q, scale = cornu.quantizers.abs_max_quantize(np.array([[0.5, -1.0]]), axis=-1)
    >>> ops.convert_to_numpy(q)
    array([[  64, -127]], dtype=int8)
    """
    low, high = value_range
    if to_numpy:
        source_dtype = backend.standardize_dtype(inputs.dtype)
        values = ops.convert_to_numpy(inputs)
        scale = np.divide(high, np.add(np.max(np.abs(values), axis=_numpy_axis(axis), keepdims=True), epsilon))
        quantized = np.clip(np.round(np.multiply(values, scale)), low, high).astype(dtype)
        return ops.convert_to_tensor(quantized), ops.convert_to_tensor(scale, dtype=source_dtype)
    inputs = ops.convert_to_tensor(inputs)
    source_dtype = backend.standardize_dtype(inputs.dtype)
    scale = ops.divide(high, ops.add(ops.max(ops.abs(inputs), axis=axis, keepdims=True), epsilon))
    scale = ops.cast(scale, source_dtype)
    quantized = ops.cast(ops.clip(ops.round(ops.multiply(inputs, scale)), low, high), dtype)
    return quantized, scale


@keras_export("keras.quantizers.AbsMaxQuantizer")
class AbsMaxQuantizer(Quantizer):
    """Abs-max quantizer: ``quantizer(x, axis=...)`` returns ``(quantized, scale)``.

    ``axis`` (the axes reduced to one scale) is given at call time; the constructor's
    ``axis`` is Keras's deprecated default for it, and -1 is used when neither is set.

    Example:
    >>> q, scale = cornu.quantizers.AbsMaxQuantizer()(np.array([[0.5, -1.0]]))
    >>> ops.convert_to_numpy(scale)
    array([[126.99999]], dtype=float32)
    """

    def __init__(self, axis=None, value_range=(-127, 127), epsilon=_EPSILON, output_dtype="int8"):
        super().__init__(output_dtype=output_dtype)
        self.axis = None if axis is None else ((axis,) if isinstance(axis, int) else tuple(axis))
        self.value_range = value_range
        self.epsilon = epsilon
        if output_dtype == "int8" and (value_range[0] < -128 or value_range[1] > 127):
            raise ValueError(
                "Quantizer with output_dtype='int8' requires value_range to be within the interval [-128, 127]. "
                f"Received: value_range={value_range}"
            )

    def __call__(self, x, axis=None, to_numpy=False):
        if axis is None:
            axis = self.axis if self.axis is not None else -1
        return abs_max_quantize(x, axis, self.value_range, self.output_dtype, self.epsilon, to_numpy)

    def get_config(self):
        config = {"value_range": self.value_range, "epsilon": self.epsilon, "output_dtype": self.output_dtype}
        if self.axis is not None:
            config["axis"] = self.axis
        return config


@keras_export("keras.quantizers.abs_max_quantize_grouped_with_zero_point")
def abs_max_quantize_grouped_with_zero_point(inputs, block_size, value_range=(-8, 7), dtype="int8", epsilon=_EPSILON,
                                             to_numpy=False):
    """Grouped asymmetric (int4 sub-channel) quantization: not in cornu yet."""
    raise not_in_cornu("int4 sub-channel quantization (abs_max_quantize_grouped_with_zero_point)")


@keras_export("keras.quantizers.fake_quant_with_min_max_vars")
def fake_quant_with_min_max_vars(inputs, min_vals, max_vals, num_bits=8, narrow_range=False, axis=None):
    """Fake quantization for quantization-aware training: not in cornu yet."""
    raise not_in_cornu("fake quantization (fake_quant_with_min_max_vars)")


@keras_export("keras.quantizers.compute_float8_scale")
def compute_float8_scale(amax, scale, dtype_max, margin=0):
    """The next float8 scale from the running ``amax`` (the previous ``scale`` where amax is 0 or not finite).

    Example:
    >>> cornu.quantizers.compute_float8_scale(np.float32(2.0), np.float32(1.0), 448.0)
    """
    previous = ops.reciprocal(scale)
    factor = ops.divide(ops.divide(dtype_max, amax), 2**margin)
    factor = ops.where(ops.greater(amax, 0.0), factor, previous)
    factor = ops.where(ops.isfinite(amax), factor, previous)
    return ops.reciprocal(factor)


@keras_export("keras.quantizers.compute_float8_amax_history")
def compute_float8_amax_history(x, amax_history):
    """Rolls ``amax_history`` one step and writes ``max|x|`` at its front.

    Example:
    >>> cornu.quantizers.compute_float8_amax_history(np.array([3.0, -4.0]), np.zeros(3, "float32"))
    """
    latest = ops.cast(ops.max(ops.abs(x)), amax_history.dtype)
    return ops.scatter_update(ops.roll(amax_history, shift=-1), [[0]], ops.reshape(latest, (1,)))


@keras_export("keras.quantizers.quantize_and_dequantize")
def quantize_and_dequantize(inputs, scale, quantized_dtype, compute_dtype):
    """Rounds ``inputs / scale`` through ``quantized_dtype`` (e.g. "float8_e4m3fn") and scales back.

    Example:
    >>> cornu.quantizers.quantize_and_dequantize(np.array([1.1]), np.float32(1.0), "float8_e4m3fn", "float32")
    """
    limit = ops.cast(float(ml_dtypes.finfo(quantized_dtype).max), compute_dtype)
    scale = ops.cast(scale, compute_dtype)
    x = ops.clip(ops.divide(inputs, scale), ops.negative(limit), limit)
    if quantized_dtype in _HOST_ONLY_DTYPES:
        # cornu's backends have no float8 dtypes: round through ml_dtypes on the host (eager values only).
        rounded = ops.convert_to_numpy(x).astype(getattr(ml_dtypes, quantized_dtype))
        x = ops.convert_to_tensor(rounded.astype(compute_dtype))
    else:
        x = ops.cast(ops.cast(x, quantized_dtype), compute_dtype)
    return ops.multiply(x, scale)


def _check_int4_dtype(dtype):
    if dtype not in ("int8", "uint8"):
        raise ValueError(f"Expected dtype to be 'int8' or 'uint8', but got '{dtype}'.")


@keras_export("keras.quantizers.pack_int4")
def pack_int4(arr, axis=0, dtype="int8"):
    """Packs int4 values (int8 in [-8, 7]) two per byte along ``axis``.

    The first of each pair goes to the low nibble, the second to the high one; an
    odd length is padded with a zero. Returns ``(packed, packed_shape, original_length)``.

    Example:
    >>> packed, shape, n = cornu.quantizers.pack_int4(np.array([[-3, 7], [2, -8], [1, 0]], "int8"))
    >>> ops.convert_to_numpy(packed)
    array([[  45, -121],
           [   1,    0]], dtype=int8)
    """
    _check_int4_dtype(dtype)
    if backend.standardize_dtype(arr.dtype) != dtype:
        raise TypeError(f"Expected {dtype} tensor for packing, got {backend.standardize_dtype(arr.dtype)}.")
    # Packing runs on the host: integer shifts that overflow are exact in NumPy on every device.
    values = np.moveaxis(ops.convert_to_numpy(arr), axis, 0)
    length = values.shape[0]
    if length % 2:
        values = np.concatenate([values, np.zeros((1,) + values.shape[1:], values.dtype)], axis=0)
    np_dtype = np.dtype(dtype)
    nibble = np_dtype.type(0x0F)
    low = np.bitwise_and(values[0::2].astype(np_dtype), nibble)
    high = np.bitwise_and(values[1::2].astype(np_dtype), nibble)
    packed = np.bitwise_or(low, np.left_shift(high, np_dtype.type(4))).astype(np_dtype)
    packed = np.moveaxis(packed, 0, axis)
    return ops.convert_to_tensor(packed), tuple(packed.shape), length


@keras_export("keras.quantizers.unpack_int4")
def unpack_int4(packed, orig_len, axis=0, dtype="int8"):
    """Reverses :func:`pack_int4`: two int4 values per byte back to one int8 (or uint8) each.

    Example:
    >>> packed, _, n = cornu.quantizers.pack_int4(np.array([[-3, 7], [2, -8], [1, 0]], "int8"))
    >>> ops.convert_to_numpy(cornu.quantizers.unpack_int4(packed, n))
    array([[-3,  7],
           [ 2, -8],
           [ 1,  0]], dtype=int8)
    """
    _check_int4_dtype(dtype)
    if backend.standardize_dtype(packed.dtype) not in ("int8", "uint8"):
        raise TypeError(f"Expected int8 or uint8 tensor for unpacking, got {packed.dtype}")
    rank = len(packed.shape)
    axis = axis + rank if axis < 0 else axis
    order = [axis] + [i for i in range(rank) if i != axis]
    front = ops.transpose(packed, order) if axis else ops.convert_to_tensor(packed)
    source_dtype = backend.standardize_dtype(packed.dtype)
    nibble = ops.cast(0x0F, source_dtype)
    low = ops.bitwise_and(front, nibble)
    high = ops.bitwise_and(ops.right_shift(front, 4), nibble)
    if dtype == "int8":  # nibbles 8..15 are the negative values -8..-1
        eight = ops.cast(8, source_dtype)
        low = ops.subtract(ops.bitwise_xor(low, eight), eight)
        high = ops.subtract(ops.bitwise_xor(high, eight), eight)
    pairs = ops.stack([ops.cast(low, dtype), ops.cast(high, dtype)], axis=1)
    unpacked = ops.reshape(pairs, (-1,) + tuple(front.shape[1:]))[:orig_len]
    if axis:
        unpacked = ops.transpose(unpacked, [order.index(i) for i in range(rank)])
    return unpacked
