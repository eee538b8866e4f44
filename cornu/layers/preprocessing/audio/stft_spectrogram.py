"""``STFTSpectrogram``: a short-time Fourier transform computed by (trainable) convolution kernels."""

import math
import warnings

from cornu import backend
from cornu import initializers
from cornu import ops
from cornu.initializers.stft import check_window_and_scaling
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export

_MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")


@keras_export("keras.layers.STFTSpectrogram")
class STFTSpectrogram(Layer):
    """Spectrograms of 1-D signals, computed as strided convolutions with STFT kernels.

    The kernels start as the windowed Fourier basis (``cornu.initializers.STFT``) and can be
    trained (pass ``trainable=False`` for a fixed preprocessing step). Every channel is
    transformed on its own.

    Args:
        mode: ``"log"`` (log magnitude), ``"magnitude"``, ``"psd"`` (power spectral density),
            ``"real"``, ``"imag"``, ``"angle"``, or ``"stft"`` (real then imaginary bins).
        frame_length: samples per frame.
        frame_step: samples between frames (defaults to ``frame_length // 2``).
        fft_length: FFT size (defaults to the smallest power of two >= ``frame_length``).
        window: ``"hann"``, ``"hamming"`` (other SciPy names when SciPy is installed), the
            window's values, or None.
        periodic: use the periodic form of the named window.
        scaling: ``"density"``, ``"spectrum"`` or None (see ``cornu.initializers.STFT``).
        padding: ``"valid"`` or ``"same"``.
        expand_dims: return ``(batch, time, freq, channels)`` images instead of stacking the
            channels' bins along the last axis.
        data_format: ``"channels_last"`` (inputs ``(batch, time, channels)``) or
            ``"channels_first"`` (inputs ``(batch, channels, time)``).

    Example:
    >>> layer = cornu.layers.STFTSpectrogram(frame_length=256, frame_step=128, fft_length=512)
    >>> layer(np.random.uniform(size=(3, 16000, 1)).astype("float32")).shape
    (3, 124, 257)
    """

    def __init__(
        self,
        mode="log",
        frame_length=256,
        frame_step=None,
        fft_length=None,
        window="hann",
        periodic=False,
        scaling="density",
        padding="valid",
        expand_dims=False,
        data_format=None,
        **kwargs,
    ):
        if frame_step is not None and (frame_step > frame_length or frame_step < 1):
            raise ValueError(
                "`frame_step` should be a positive integer not greater than `frame_length`. "
                f"Received frame_step={frame_step}, frame_length={frame_length}"
            )
        if fft_length is not None and fft_length < frame_length:
            raise ValueError(
                "`fft_length` should be not less than `frame_length`. "
                f"Received fft_length={fft_length}, frame_length={frame_length}"
            )
        if fft_length is not None and (fft_length & -fft_length) != fft_length:
            warnings.warn(f"`fft_length` is recommended to be a power of two. Received fft_length={fft_length}")
        if mode not in _MODES:
            raise ValueError(f"Output mode is invalid, it must be one of {', '.join(_MODES)}. Received: mode={mode}")
        if padding not in ("valid", "same"):
            raise ValueError(f"Padding is invalid, it should be 'valid', 'same'. Received: padding={padding}")
        check_window_and_scaling(window, scaling)
        super().__init__(**kwargs)
        self.mode = mode
        self.frame_length = frame_length
        self.frame_step = frame_step
        self._frame_step = frame_step or frame_length // 2
        self.fft_length = fft_length
        self._fft_length = fft_length or 2 ** int(math.ceil(math.log2(frame_length)))
        self.window = window
        self.periodic = periodic
        self.scaling = scaling
        self.padding = padding
        self.expand_dims = expand_dims
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape):
        shape = (self.frame_length, 1, self._fft_length // 2 + 1)
        if self.mode != "imag":
            self.real_kernel = self.add_weight(
                name="real_kernel",
                shape=shape,
                initializer=initializers.STFT("real", self.window, self.scaling, self.periodic),
            )
        if self.mode != "real":
            self.imag_kernel = self.add_weight(
                name="imag_kernel",
                shape=shape,
                initializer=initializers.STFT("imag", self.window, self.scaling, self.periodic),
            )

    def _convolve(self, inputs, kernel):
        """Each channel through the kernel: ``(batch, channels, freq, time)``."""
        if self.data_format == "channels_last":
            _, time, channels = ops.shape(inputs)
            signals = ops.reshape(ops.transpose(inputs, (0, 2, 1)), (-1, time, 1))
        else:
            _, channels, time = ops.shape(inputs)
            signals = ops.reshape(inputs, (-1, 1, time))
        outputs = ops.conv(
            signals,
            ops.cast(kernel, backend.standardize_dtype(inputs.dtype)),
            strides=self._frame_step,
            padding=self.padding,
            data_format=self.data_format,
        )
        if self.data_format == "channels_last":
            outputs = ops.transpose(outputs, (0, 2, 1))
        _, freq, frames = ops.shape(outputs)
        return ops.reshape(outputs, (-1, channels, freq, frames))

    def _arrange(self, outputs):
        """``(batch, channels, freq, time)`` to the layer's output layout."""
        _, channels, freq, frames = ops.shape(outputs)
        if self.expand_dims:
            order = (0, 3, 2, 1) if self.data_format == "channels_last" else (0, 1, 3, 2)
            return ops.transpose(outputs, order)
        outputs = ops.reshape(outputs, (-1, channels * freq, frames))
        return ops.transpose(outputs, (0, 2, 1)) if self.data_format == "channels_last" else outputs

    def call(self, inputs):
        dtype = backend.standardize_dtype(inputs.dtype)
        if dtype not in ("float16", "float32", "float64"):
            raise TypeError(f"Invalid input type. Expected `float16`, `float32` or `float64`. Received: input type={dtype}")
        real = self._convolve(inputs, self.real_kernel) if self.mode != "imag" else None
        imag = self._convolve(inputs, self.imag_kernel) if self.mode != "real" else None
        if self.mode == "real":
            return self._arrange(real)
        if self.mode == "imag":
            return self._arrange(imag)
        if self.mode == "angle":
            return self._arrange(ops.arctan2(imag, real))
        if self.mode == "stft":
            return self._arrange(ops.concatenate([real, imag], axis=2))
        power = ops.square(real) + ops.square(imag)
        if self.mode == "psd":
            # One-sided density: every bin but DC and Nyquist also carries its negative frequency.
            return self._arrange(power + ops.pad(power[:, :, 1:-1, :], [[0, 0], [0, 0], [1, 1], [0, 0]]))
        magnitude = self._arrange(ops.sqrt(ops.maximum(power, backend.epsilon())))
        if self.mode == "magnitude":
            return magnitude
        return ops.log(ops.maximum(magnitude, backend.epsilon()))

    def _frames(self, length):
        if length is None:
            return None
        if self.padding == "same":
            return (length + self._frame_step - 1) // self._frame_step
        return (length - self.frame_length) // self._frame_step + 1

    def compute_output_shape(self, input_shape):
        if self.data_format == "channels_last":
            batch, length, channels = input_shape
        else:
            batch, channels, length = input_shape
        freq = self._fft_length // 2 + 1
        if self.mode == "stft":
            freq *= 2
        frames = self._frames(length)
        if self.expand_dims:
            if self.data_format == "channels_last":
                return (batch, frames, freq, channels)
            return (batch, channels, frames, freq)
        stacked = None if channels is None else freq * channels
        if self.data_format == "channels_last":
            return (batch, frames, stacked)
        return (batch, stacked, frames)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "mode": self.mode,
                "frame_length": self.frame_length,
                "frame_step": self.frame_step,
                "fft_length": self.fft_length,
                "window": self.window,
                "periodic": self.periodic,
                "scaling": self.scaling,
                "padding": self.padding,
                "data_format": self.data_format,
                "expand_dims": self.expand_dims,
            }
        )
        return config
