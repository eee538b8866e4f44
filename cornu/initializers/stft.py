"""``STFT``: convolution kernels that compute one side (real or imaginary) of a short-time Fourier transform."""

import math

import numpy as np

from cornu import backend
from cornu import ops
from cornu.initializers.initializer import Initializer
from cornu.serialization.registry import keras_export

_SCALINGS = ("density", "spectrum")


def _cosine_window(length, periodic, a0):
    """``a0 - (1 - a0) * cos(2 pi n / N)``: Hann (a0=0.5) and Hamming (a0=0.54) windows."""
    if length == 1:
        return np.ones(1)
    denominator = length if periodic else length - 1
    n = np.arange(length)
    return a0 - (1.0 - a0) * np.cos(2.0 * math.pi * n / denominator)


_BUILT_IN_WINDOWS = {"hann": 0.5, "hamming": 0.54}


def window_values(window, length, periodic=False):
    """The values of the window named ``window`` (``"hann"``, ``"hamming"``, or any
    ``scipy.signal.get_window`` name when SciPy is installed), as a float64 NumPy array.

    Example:
    >>> window_values("hann", 4, periodic=True)
    array([0. , 0.5, 1. , 0.5])
    """
    if window in _BUILT_IN_WINDOWS:
        return _cosine_window(length, periodic, _BUILT_IN_WINDOWS[window])
    try:
        from scipy import signal
    except ImportError:
        raise ValueError(
            f"Only the windows {sorted(_BUILT_IN_WINDOWS)} are built in; other window names need SciPy "
            f"(`pip install scipy`), or pass the window values as an array. Received: window={window!r}"
        ) from None
    return np.asarray(signal.get_window(window, length, periodic), dtype="float64")


def check_window_and_scaling(window, scaling):
    """Raises ValueError for an unknown window name or scaling (shared with ``STFTSpectrogram``)."""
    if isinstance(window, str):
        window_values(window, 1)
    if scaling is not None and scaling not in _SCALINGS:
        raise ValueError(
            f"Scaling is invalid, it must be `None`, 'density' or 'spectrum'. Received scaling={scaling}"
        )


@keras_export("keras.initializers.STFT", "keras.initializers.stft", "keras.initializers.STFTInitializer")
class STFT(Initializer):
    """Initializes a ``Conv1D`` kernel of shape ``(frame_length, 1, fft_length // 2 + 1)`` so that the
    convolution computes the real (``side="real"``) or imaginary (``side="imag"``) part of the
    short-time Fourier transform of each frame, windowed and scaled.

    Args:
        side: ``"real"`` or ``"imag"``.
        window: a window name (``"hann"``, ``"hamming"``, or any SciPy window name), the window's
            values as an array of length ``frame_length``, or None for no window.
        scaling: ``"density"`` (divide by the window's L2 norm), ``"spectrum"`` (by its L1 norm)
            or None.
        periodic: use the periodic form of the named window (for spectral analysis) instead of
            the symmetric one.

    Example:
    >>> kernel = cornu.initializers.STFT("real", "hann")((128, 1, 65))
    >>> kernel.shape
    (128, 1, 65)
    """

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        if side not in ("real", "imag"):
            raise ValueError(f"side should be 'real' or 'imag', not {side}")
        check_window_and_scaling(window, scaling)
        self.side = side
        self.window = window
        self.scaling = scaling
        self.periodic = periodic

    def _scaled_window(self, frame_length, dtype):
        """The window as a ``(frame_length, 1, 1)`` tensor divided by its scaling, or None."""
        if self.window is None:
            return None
        values = self.window
        if isinstance(values, str):
            values = window_values(values, frame_length, self.periodic)
        values = ops.convert_to_tensor(values, dtype=dtype)
        if len(values.shape) != 1 or values.shape[-1] != frame_length:
            raise ValueError(
                "The shape of `window` must be equal to [frame_length]."
                f"Received: window shape={tuple(values.shape)}"
            )
        values = ops.reshape(values, (frame_length, 1, 1))
        if self.scaling == "density":
            return values / ops.sqrt(ops.sum(ops.square(values)))
        if self.scaling == "spectrum":
            return values / ops.sum(ops.abs(values))
        return values

    def __call__(self, shape, dtype=None):
        dtype = backend.standardize_dtype(dtype)
        frame_length, _, num_bins = shape
        # The bins are the non-negative frequencies of an FFT of length 2 * (num_bins - 1).
        frequencies = ops.reshape(ops.arange(num_bins, dtype=dtype), (1, 1, num_bins)) / ((num_bins - 1) * 2)
        times = ops.reshape(ops.arange(frame_length, dtype=dtype), (frame_length, 1, 1))
        angles = -2.0 * times * frequencies * math.pi
        kernel = ops.cos(angles) if self.side == "real" else ops.sin(angles)
        kernel = ops.cast(kernel, dtype)
        window = self._scaled_window(frame_length, dtype)
        return kernel if window is None else kernel * window

    def get_config(self):
        window = self.window
        if window is not None and not isinstance(window, str):
            window = np.asarray(backend.convert_to_numpy(window) if backend.is_tensor(window) else window).tolist()
        return {"side": self.side, "window": window, "periodic": self.periodic, "scaling": self.scaling}
