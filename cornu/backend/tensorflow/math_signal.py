"""TensorFlow FFT and short-time Fourier ops (re-exported by ``cornu.backend.tensorflow.math``).

Complex values travel as ``(real, imag)`` pairs of float tensors, as in Keras: the transforms
run in complex64 (complex128 for float64 parts) and the parts come back in the input's dtype.

Example:
>>> real, imag = rfft(tf.constant([1.0, 0.0, 0.0, 0.0]))
>>> real.numpy(), imag.numpy()
(array([1., 1., 1.], dtype=float32), array([0., 0., 0.], dtype=float32))
"""

import tensorflow as tf

from cornu.backend.tensorflow.core import convert_to_tensor
from cornu.backend.tensorflow.numpy import _float_input, _t


def _compute_dtypes(dtype):
    """The (real, complex) dtypes a transform of ``dtype`` data runs in."""
    return (tf.float64, tf.complex128) if dtype == tf.float64 else (tf.float32, tf.complex64)


def _complex(x):
    """``(parts dtype, complex tensor)`` of an ``x = (real, imag)`` pair."""
    real, imag = x
    real, imag = _float_input(real), _float_input(imag)
    compute, _ = _compute_dtypes(real.dtype)
    return real.dtype, tf.complex(tf.cast(real, compute), tf.cast(imag, compute))


def _split(z, dtype):
    return tf.cast(tf.math.real(z), dtype), tf.cast(tf.math.imag(z), dtype)


def fft(x):
    """1-D FFT over the last axis of ``x = (real, imag)``."""
    dtype, z = _complex(x)
    return _split(tf.signal.fft(z), dtype)


def fft2(x):
    """2-D FFT over the last two axes of ``x = (real, imag)``."""
    dtype, z = _complex(x)
    return _split(tf.signal.fft2d(z), dtype)


def ifft2(x):
    """Inverse 2-D FFT over the last two axes of ``x = (real, imag)``."""
    dtype, z = _complex(x)
    return _split(tf.signal.ifft2d(z), dtype)


def _length_argument(fft_length):
    return None if fft_length is None else [fft_length]


def rfft(x, fft_length=None):
    """FFT of the real signal ``x`` over its last axis (cropped or zero-padded to
    ``fft_length``): ``(real, imag)`` of the ``fft_length // 2 + 1`` non-negative frequencies."""
    x = _float_input(x)
    compute, _ = _compute_dtypes(x.dtype)
    return _split(tf.signal.rfft(tf.cast(x, compute), fft_length=_length_argument(fft_length)), x.dtype)


def irfft(x, fft_length=None):
    """Inverse of :func:`rfft`: a real signal of ``fft_length`` samples (default
    ``2 * (bins - 1)``) from ``x = (real, imag)``."""
    dtype, z = _complex(x)
    return tf.cast(tf.signal.irfft(z, fft_length=_length_argument(fft_length)), dtype)


def extract_sequences(x, sequence_length, sequence_stride):
    """Frames ``(..., num_frames, sequence_length)`` taken every ``sequence_stride`` samples
    along the last axis (frames that would run past the end are left out)."""
    return tf.signal.frame(_t(x), sequence_length, sequence_stride, axis=-1, pad_end=False)


def _window(window, sequence_length, fft_length, dtype):
    """The analysis window zero-padded (centred) to ``fft_length``; all ones when ``window``
    is None. ``window`` is a tensor or array of ``sequence_length`` values, or "hann"/"hamming"
    (periodic windows, as ``cornu.ops.stft`` builds them)."""
    if window is None:
        return tf.ones([fft_length], dtype)
    if isinstance(window, str):
        make = {"hann": tf.signal.hann_window, "hamming": tf.signal.hamming_window}.get(window)
        if make is None:
            raise ValueError(f"`window` must be 'hann', 'hamming', a tensor or None. Received: window={window!r}")
        values = make(sequence_length, periodic=True, dtype=dtype)
    else:
        values = tf.cast(convert_to_tensor(window), dtype)
    left = (fft_length - sequence_length) // 2
    return tf.pad(values, [[left, fft_length - sequence_length - left]])


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform along the last axis: ``(real, imag)`` of shape
    ``(..., num_frames, fft_length // 2 + 1)``. With ``center`` the signal is first
    reflect-padded by ``fft_length // 2`` on both sides."""
    x = _float_input(x)
    if center:
        pad = fft_length // 2
        x = tf.pad(x, [[0, 0]] * (x.shape.rank - 1) + [[pad, pad]], mode="REFLECT")
    frames = tf.signal.frame(x, fft_length, sequence_stride, axis=-1, pad_end=False)
    frames = frames * _window(window, sequence_length, fft_length, x.dtype)
    compute, _ = _compute_dtypes(x.dtype)
    return _split(tf.signal.rfft(tf.cast(frames, compute), fft_length=[fft_length]), x.dtype)


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """Inverse of :func:`stft`: the windowed inverse FFTs of the frames of ``x = (real, imag)``
    overlap-added and divided by the summed squared window; ``length`` crops the result."""
    dtype, z = _complex(x)
    frames = tf.cast(tf.signal.irfft(z, fft_length=[fft_length]), dtype)
    win = _window(window, sequence_length, fft_length, dtype)
    signal = tf.signal.overlap_and_add(frames * win, sequence_stride)
    num_frames = frames.shape[-2] if frames.shape[-2] is not None else tf.shape(frames)[-2]
    envelope = tf.signal.overlap_and_add(tf.broadcast_to(win * win, [num_frames, fft_length]), sequence_stride)
    signal = signal / tf.where(envelope > 1e-10, envelope, tf.ones_like(envelope))
    if window is None:
        signal = signal * tf.constant(fft_length / sequence_stride, dtype)
    start = fft_length // 2 if center else 0
    total = signal.shape[-1] if signal.shape[-1] is not None else tf.shape(signal)[-1]
    end = start + length if length is not None else total - start
    return signal[..., start:end]
