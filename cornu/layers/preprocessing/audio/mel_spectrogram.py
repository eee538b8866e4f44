"""``MelSpectrogram``: raw audio to a (log-)mel spectrogram."""

import math

from cornu import backend

from cornu.initializers.stft import window_values
from cornu.layers.preprocessing.audio import mel_filterbank
from cornu.layers.preprocessing.data_layer import DataLayer
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.MelSpectrogram")
class MelSpectrogram(DataLayer):
    """Turns audio signals into mel spectrograms (STFT power, mel filterbank, then decibels).

    Inputs are float signals of shape ``(samples,)`` or ``(batch, samples)``; outputs have shape
    ``(num_mel_bins, frames)`` or ``(batch, num_mel_bins, frames)`` with
    ``frames = 1 + samples // sequence_stride`` (the signal is centred, reflect-padded).
    Runs inside a model (jitted, differentiable) and on NumPy data in a data pipeline.

    Args:
        fft_length: size of each FFT.
        sequence_stride: samples between successive frames.
        sequence_length: window length of each frame (defaults to ``fft_length``).
        window: ``"hann"``, ``"hamming"``, None, or the window's values.
        sampling_rate: sample rate of the signal, in Hertz.
        num_mel_bins: number of mel bands.
        min_freq: lowest frequency of the mel bands, in Hertz.
        max_freq: highest frequency of the mel bands (defaults to ``sampling_rate / 2``).
        power_to_db: convert the mel power to decibels.
        top_db: floor of the decibels, below their maximum.
        mag_exp: exponent applied to the STFT magnitude (1: magnitude, 2: power).
        min_power: smallest power and ``ref_power`` used in the logarithm.
        ref_power: power of 0 dB.

    Example:
    >>> layer = cornu.layers.MelSpectrogram(num_mel_bins=64, sampling_rate=8000,
    ...                                     sequence_stride=256, fft_length=2048)
    >>> layer(np.random.uniform(size=(16000,))).shape
    (64, 63)
    """

    def __init__(
        self,
        fft_length=2048,
        sequence_stride=512,
        sequence_length=None,
        window="hann",
        sampling_rate=16000,
        num_mel_bins=128,
        min_freq=20.0,
        max_freq=None,
        power_to_db=True,
        top_db=80.0,
        mag_exp=2.0,
        min_power=1e-10,
        ref_power=1.0,
        **kwargs,
    ):
        self.fft_length = fft_length
        self.sequence_stride = sequence_stride
        self.sequence_length = sequence_length or fft_length
        if self.fft_length < self.sequence_length:
            raise ValueError(
                "`fft_length` must be greater than or equal to `sequence_length`. Received: "
                f"`sequence_length`={self.sequence_length}, `fft_length`={self.fft_length}."
            )
        self.window = window
        self.sampling_rate = sampling_rate
        self.num_mel_bins = num_mel_bins
        self.min_freq = min_freq
        self.max_freq = max_freq or int(sampling_rate / 2)
        self.power_to_db = power_to_db
        self.top_db = top_db
        self.mag_exp = mag_exp
        self.min_power = min_power
        self.ref_power = ref_power
        super().__init__(**kwargs)

    def call(self, inputs):
        # The FFTs of every backend only take float32 and float64.
        dtype = self.compute_dtype if self.compute_dtype in ("float32", "float64") else "float32"
        outputs = self._power_spectrogram(self.backend.convert_to_tensor(inputs, dtype=dtype))
        outputs = self._to_mel(outputs)
        if self.power_to_db:
            outputs = self._to_decibels(outputs)
        # (..., frames, mel bins) -> (..., mel bins, frames)
        outputs = self.backend.numpy.swapaxes(outputs, -1, -2)
        return self.backend.cast(outputs, self.compute_dtype)

    def _power_spectrogram(self, signal):
        np_ = self.backend.numpy
        real, imag = self.backend.math.stft(
            signal,
            sequence_length=self.sequence_length,
            sequence_stride=self.sequence_stride,
            fft_length=self.fft_length,
            window=self._window_values(signal.dtype),
            center=True,
        )
        magnitude = np_.sqrt(np_.add(np_.square(real), np_.square(imag)))
        return np_.power(magnitude, self.mag_exp)

    def _window_values(self, dtype):
        """The backend STFT takes the window's values: named windows are periodic (DFT-even)."""
        if self.window is None:
            return None
        if isinstance(self.window, str):
            values = window_values(self.window, self.sequence_length, periodic=True)
        else:
            values = self.window
        return self.backend.convert_to_tensor(values, dtype=backend.standardize_dtype(dtype))

    def _to_mel(self, spectrogram):
        matrix = self.linear_to_mel_weight_matrix(
            num_mel_bins=self.num_mel_bins,
            num_spectrogram_bins=self.backend.shape(spectrogram)[-1],
            sampling_rate=self.sampling_rate,
            lower_edge_hertz=self.min_freq,
            upper_edge_hertz=self.max_freq,
            dtype=backend.standardize_dtype(spectrogram.dtype),
        )
        return self.backend.numpy.tensordot(spectrogram, matrix, axes=1)

    def _to_decibels(self, power):
        np_ = self.backend.numpy
        decibels = 10.0 * np_.log10(np_.maximum(power, self.min_power))
        reference = max(abs(float(self.ref_power)), self.min_power)
        decibels = np_.subtract(decibels, 10.0 * math.log10(reference))
        # Like Keras, the floor is relative to the maximum over the whole input (batch included).
        return np_.maximum(decibels, np_.max(decibels) - self.top_db)

    def linear_to_mel_weight_matrix(
        self,
        num_mel_bins=20,
        num_spectrogram_bins=129,
        sampling_rate=8000,
        lower_edge_hertz=125.0,
        upper_edge_hertz=3800.0,
        dtype="float32",
    ):
        """The ``(num_spectrogram_bins, num_mel_bins)`` mel filterbank as a tensor of this call's
        namespace (see ``mel_filterbank.linear_to_mel_weight_matrix``).

        Example:
        >>> MelSpectrogram().linear_to_mel_weight_matrix(num_mel_bins=4, num_spectrogram_bins=9).shape
        (9, 4)
        """
        matrix = mel_filterbank.linear_to_mel_weight_matrix(
            num_mel_bins=num_mel_bins,
            num_spectrogram_bins=int(num_spectrogram_bins),
            sampling_rate=float(sampling_rate),
            lower_edge_hertz=float(lower_edge_hertz),
            upper_edge_hertz=float(upper_edge_hertz),
            dtype=dtype,
        )
        return self.backend.convert_to_tensor(matrix, dtype=dtype)

    def compute_output_shape(self, input_shape):
        samples = input_shape[-1]
        frames = None if samples is None else 1 + samples // self.sequence_stride
        return (*input_shape[:-1], self.num_mel_bins, frames)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "fft_length": self.fft_length,
                "sequence_stride": self.sequence_stride,
                "sequence_length": self.sequence_length,
                "window": self.window,
                "sampling_rate": self.sampling_rate,
                "num_mel_bins": self.num_mel_bins,
                "min_freq": self.min_freq,
                "max_freq": self.max_freq,
                "power_to_db": self.power_to_db,
                "top_db": self.top_db,
                "mag_exp": self.mag_exp,
                "min_power": self.min_power,
                "ref_power": self.ref_power,
            }
        )
        return config
