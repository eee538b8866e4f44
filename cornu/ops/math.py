"""Math ops (``keras.ops`` top level): top-k, segment reductions, special
functions, FFT. Complex inputs and outputs are ``(real, imag)`` pairs, as in Keras."""

import numpy as np

from cornu import backend
from cornu.ops.decorator import op

_b = backend.math


@op
def top_k(x, k, sorted=True):
    """The ``k`` largest values along the last axis and their int32 indices.

    Example: ``top_k([1.0, 5.0, 3.0], 2)  # ([5., 3.], [1, 2])``
    """
    return _b.top_k(x, k, sorted=sorted)


@op
def in_top_k(targets, predictions, k):
    """Whether each integer ``targets[i]`` is among the top ``k`` entries of ``predictions[i]``.

    Example: ``in_top_k([1], [[0.1, 0.9, 0.0]], 1)  # [True]``
    """
    return _b.in_top_k(targets, predictions, k)


@op
def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x), axis))``, computed stably. Example: ``logsumexp([0.0, 0.0])  # 0.6931``"""
    return _b.logsumexp(x, axis=axis, keepdims=keepdims)


@op
def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    """Sums the rows of ``data`` that share a segment id. Example: ``segment_sum([1, 2, 3], [0, 0, 1])  # [3, 3]``"""
    return _b.segment_sum(data, segment_ids, num_segments=num_segments, sorted=sorted)


@op
def segment_max(data, segment_ids, num_segments=None, sorted=False):
    """Maximum of the rows of ``data`` per segment id. Example: ``segment_max([1, 2, 3], [0, 0, 1])  # [2, 3]``"""
    return _b.segment_max(data, segment_ids, num_segments=num_segments, sorted=sorted)


@op
def segment_min(data, segment_ids, num_segments=None, sorted=False):
    """Minimum of the rows of ``data`` per segment id. Example: ``segment_min([1, 2, 3], [0, 0, 1])  # [1, 3]``"""
    return _b.segment_min(data, segment_ids, num_segments=num_segments, sorted=sorted)


@op
def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    """Product of the rows of ``data`` per segment id. Example: ``segment_prod([2, 3, 4], [0, 0, 1])  # [6, 4]``"""
    return _b.segment_prod(data, segment_ids, num_segments=num_segments, sorted=sorted)


@op
def rsqrt(x):
    """Element-wise ``1 / sqrt(x)``. Example: ``rsqrt([4.0])  # [0.5]``"""
    return _b.rsqrt(x)


@op
def erf(x):
    """Element-wise error function. Example: ``erf([0.0])  # [0.]``"""
    return _b.erf(x)


@op
def erfc(x):
    """Element-wise complementary error function ``1 - erf(x)``. Example: ``erfc([0.0])  # [1.]``"""
    return _b.erfc(x)


@op
def erfinv(x):
    """Element-wise inverse error function. Example: ``erfinv([0.0])  # [0.]``"""
    return _b.erfinv(x)


@op
def logdet(x):
    """Log-determinant of a (batch of) symmetric positive-definite matrices. Example: ``logdet(2 * ops.eye(2))  # 1.386``"""
    return _b.logdet(x)


@op
def cdist(x, y):
    """Pairwise Euclidean distances between the rows of ``x`` and ``y``. Example: ``cdist([[0.0, 0.0]], [[3.0, 4.0]])  # [[5.]]``"""
    return _b.cdist(x, y)


@op
def fft(x):
    """1-D FFT over the last axis of the complex tensor ``x = (real, imag)``. Example: ``fft((re, im))``"""
    return _b.fft(x)


@op
def fft2(x):
    """2-D FFT over the last two axes of ``x = (real, imag)``. Example: ``fft2((re, im))``"""
    return _b.fft2(x)


@op
def ifft2(x):
    """Inverse 2-D FFT over the last two axes of ``x = (real, imag)``. Example: ``ifft2((re, im))``"""
    return _b.ifft2(x)


@op
def rfft(x, fft_length=None):
    """FFT of a real signal over its last axis: ``(real, imag)`` of the non-negative frequencies. Example: ``rfft(x)``"""
    return _b.rfft(x, fft_length=fft_length)


@op
def irfft(x, fft_length=None):
    """Inverse of :func:`rfft` for ``x = (real, imag)``. Example: ``irfft(rfft(x))``"""
    return _b.irfft(x, fft_length=fft_length)


@op
def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of ``sequence_length`` taken every ``sequence_stride`` along the last axis.

    Example: ``extract_sequences(ops.arange(5), 2, 2)  # [[0, 1], [2, 3]]``
    """
    return _b.extract_sequences(x, sequence_length, sequence_stride)



def _stft_arguments(op_name, sequence_length, sequence_stride, fft_length, window):
    """Validates the framing arguments and returns the window as an array (or None)."""
    for name, value in (("sequence_length", sequence_length), ("sequence_stride", sequence_stride), ("fft_length", fft_length)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
            raise ValueError(f"{op_name}: `{name}` must be a positive integer. Received: {name}={value!r}")
    if fft_length < sequence_length:
        raise ValueError(
            f"{op_name}: `fft_length` must be at least `sequence_length`. "
            f"Received: sequence_length={sequence_length}, fft_length={fft_length}"
        )
    if window is None:
        return None
    if isinstance(window, str):
        # Periodic windows (the DFT-even form signal processing uses), like scipy.signal.get_window.
        phase = 2.0 * np.pi * np.arange(sequence_length) / sequence_length
        if window == "hann":
            return 0.5 - 0.5 * np.cos(phase)
        if window == "hamming":
            return 0.54 - 0.46 * np.cos(phase)
        raise ValueError(f"{op_name}: `window` must be 'hann', 'hamming', a tensor or None. Received: window={window!r}")
    if tuple(backend.convert_to_tensor(window).shape) != (sequence_length,):
        raise ValueError(
            f"{op_name}: `window` must have shape (sequence_length,) = ({sequence_length},). "
            f"Received: window.shape={tuple(backend.convert_to_tensor(window).shape)}"
        )
    return window


@op
def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform along the last axis: ``(real, imag)`` of shape
    ``(..., num_frames, fft_length // 2 + 1)``.

    Frames of ``sequence_length`` samples every ``sequence_stride``, multiplied by
    ``window`` ('hann', 'hamming', a tensor, or None for none) and zero-padded
    (centred) to ``fft_length``. ``center=True`` first reflect-pads ``fft_length // 2``
    samples on both sides, so frame ``t`` is centred at ``t * sequence_stride``.

    Example: ``real, imag = stft(ops.ones((16,)), 8, 4, 8)  # each (5, 5)``
    """
    window = _stft_arguments("stft", sequence_length, sequence_stride, fft_length, window)
    x = backend.convert_to_tensor(x)
    if backend.standardize_dtype(x.dtype) not in ("float32", "float64"):
        raise TypeError(f"stft needs float32 or float64 input. Received: x.dtype={backend.standardize_dtype(x.dtype)}")
    return _b.stft(x, sequence_length, sequence_stride, fft_length, window=window, center=center)


@op
def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """Inverse of :func:`stft`: overlap-adds the inverse FFTs of ``x = (real, imag)`` frames.

    Use the arguments given to ``stft``; ``length`` crops the result to that many samples.

    Example: ``istft(stft(x, 8, 4, 8), 8, 4, 8)  # x``
    """
    window = _stft_arguments("istft", sequence_length, sequence_stride, fft_length, window)
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"istft expects `x` as a (real, imag) pair of tensors. Received: x={x!r}")
    real, imag = (backend.convert_to_tensor(v) for v in x)
    if tuple(real.shape) != tuple(imag.shape) or len(real.shape) < 2:
        raise ValueError(
            "istft expects real and imaginary parts of the same shape (..., num_frames, fft_length // 2 + 1). "
            f"Received: real.shape={tuple(real.shape)}, imag.shape={tuple(imag.shape)}"
        )
    return _b.istft((real, imag), sequence_length, sequence_stride, fft_length, length=length, window=window, center=center)


__all__ = [n for n, v in list(globals().items()) if callable(v) and getattr(v, "__module__", None) == __name__ and not n.startswith("_")]
