"""The mel filterbank: triangular filters that map linear-frequency spectrogram bins to mel bands."""

import numpy as np

from cornu.backend.common.load_budget import charge_array

# The HTK mel scale: mel(f) = 1127 * ln(1 + f / 700).
_MEL_BREAK_FREQUENCY_HERTZ = 700.0
_MEL_HIGH_FREQUENCY_Q = 1127.0


def hertz_to_mel(frequencies_hertz):
    """Frequencies in Hertz on the HTK mel scale.

    Example:
    >>> float(hertz_to_mel(700.0))  # 1127 * ln(2)
    781.1...
    """
    return _MEL_HIGH_FREQUENCY_Q * np.log1p(np.asarray(frequencies_hertz, dtype="float64") / _MEL_BREAK_FREQUENCY_HERTZ)


def linear_to_mel_weight_matrix(
    num_mel_bins=20,
    num_spectrogram_bins=129,
    sampling_rate=8000,
    lower_edge_hertz=125.0,
    upper_edge_hertz=3800.0,
    dtype="float32",
):
    """A ``(num_spectrogram_bins, num_mel_bins)`` NumPy matrix that turns linear spectrogram bins
    (covering ``[0, sampling_rate / 2]``) into ``num_mel_bins`` triangular mel bands spanning
    ``[lower_edge_hertz, upper_edge_hertz]``, each with a peak of 1 (HTK convention; the DC bin
    gets no weight).

    Example:
    >>> matrix = linear_to_mel_weight_matrix(num_mel_bins=4, num_spectrogram_bins=9)
    >>> matrix.shape
    (9, 4)
    >>> spectrogram_mel = spectrogram @ matrix  # (..., 9) -> (..., 4)
    """
    # Both sizes come from a layer's config: a model load charges the matrix (and its temporaries).
    charge_array((num_spectrogram_bins, num_mel_bins + 2), 8 * 4, "the mel filterbank matrix")
    bin_frequencies = np.linspace(0.0, sampling_rate / 2.0, num_spectrogram_bins)[1:]
    bin_mels = hertz_to_mel(bin_frequencies)[:, None]
    # num_mel_bins + 2 equally spaced mel edges: band i rises from edge i, peaks at i + 1, falls to i + 2.
    edges = np.linspace(hertz_to_mel(lower_edge_hertz), hertz_to_mel(upper_edge_hertz), num_mel_bins + 2)
    lower, center, upper = edges[None, :-2], edges[None, 1:-1], edges[None, 2:]
    rising = (bin_mels - lower) / (center - lower)
    falling = (upper - bin_mels) / (upper - center)
    weights = np.maximum(0.0, np.minimum(rising, falling))
    return np.pad(weights, [[1, 0], [0, 0]]).astype(dtype)
